"""Progress reports council staff compose and publish. Publishing freezes what they show."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ProgressReport(models.Model):
    """A report for a period. A published report never changes: a correction is a new version
    (``supersedes`` the old one) with a note saying what was corrected."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    correction_note = models.TextField(_("what this version corrects"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_end", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="taskforce_report_version"),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="taskforce_report_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_note=""),
                name="taskforce_report_correction_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse(
            "taskforce:report-detail", kwargs={"slug": self.slug, "version": self.version}
        )


class ReportSection(models.Model):
    """A narrative section or a data block. ``snapshot`` holds the block's data as published;
    until then the block is drawn from live data."""

    class Kind(models.TextChoices):
        NARRATIVE = "narrative", _("Narrative")
        ACTIONS_BY_OUTCOME = "actions-by-outcome", _("Actions by outcome")
        CHANGES = "changes", _("What changed since the last report")
        INDICATOR_TABLE = "indicator-table", _("Indicator table")
        INDICATOR_CHART = "indicator-chart", _("Indicator chart")
        CONSULTATION_OUTCOMES = "consultation-outcomes", _("Consultation outcomes")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=25, choices=Kind, default=Kind.NARRATIVE)
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    outcome = models.ForeignKey(
        "taskforce.Outcome", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(
        "taskforce.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(_("data as published"), null=True, blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["report", "position"]

    def __str__(self) -> str:
        return self.heading
