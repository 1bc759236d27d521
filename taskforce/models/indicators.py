"""What the taskforce measures, and the values by period, ward and group."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """A measure of progress towards an outcome, such as "residents who say their neighbourhood
    is a good place to live"."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    name = models.CharField(_("what is measured"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    outcome = models.ForeignKey(
        "taskforce.Outcome",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("outcome"),
    )
    unit = models.CharField(_("unit"), max_length=50, help_text=_("For example % or people."))
    source = models.CharField(_("source"), max_length=250)
    source_url = models.URLField(_("source link"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction, default=Direction.HIGHER
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_period = models.CharField(_("baseline period"), max_length=50, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_period = models.CharField(_("target period"), max_length=50, blank=True)
    is_public = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["outcome", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("taskforce:indicator-detail", kwargs={"slug": self.slug})


class IndicatorValue(models.Model):
    """One figure for a period: the town as a whole, or one ward, or one group of residents.

    ``sample_size`` is how many people or responses stand behind the figure; public pages hide
    figures below TASKFORCE_SUPPRESS_BELOW so nobody can be identified from a small count.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_label = models.CharField(_("period"), max_length=50, help_text=_("For example 2025/26."))
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    ward = models.ForeignKey(
        "places.Ward", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "taskforce.PopulationGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    sample_size = models.PositiveIntegerField(
        _("number of people behind it"), null=True, blank=True
    )
    notes = models.CharField(_("notes"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="taskforce_value_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(ward__isnull=True) | Q(group__isnull=True),
                name="taskforce_value_one_breakdown",
            ),
            # One figure per indicator, period and breakdown. NULLS NOT DISTINCT so the town
            # figure (no ward, no group) is unique too.
            models.UniqueConstraint(
                fields=["indicator", "period_start", "ward", "group"],
                name="taskforce_value_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_label})"
