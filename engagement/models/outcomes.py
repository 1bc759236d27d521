""" "We asked, you said, we did": the published outcome of a consultation and its decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """How the council answered a point (a consultation decision or an assembly
    recommendation)."""

    PENDING = "pending", _("Not yet decided")
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_IN_PART = "accepted-in-part", _("Accepted in part")
    REJECTED = "rejected", _("Not accepted")


class ConsultationOutcome(models.Model):
    consultation = models.OneToOneField(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="outcome"
    )
    we_asked = models.TextField(_("we asked"))
    you_said = models.TextField(_("you said"))
    we_did = models.TextField(_("we did"))
    # The UK Consultation Principles: publish within 12 weeks of closing, or say why not.
    late_reason = models.TextField(_("why this is later than 12 weeks"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultation outcome")
        verbose_name_plural = _("consultation outcomes")
        # The public list "we asked, you said, we did" shows published outcomes newest first.
        indexes = [models.Index(fields=["-published_at"], name="outcome_published_idx")]

    def __str__(self) -> str:
        return str(self.consultation)


class OutcomeDecision(models.Model):
    """One thing the council decided, with its reasons and the taskforce actions that carry it
    out (residents can follow those actions' progress)."""

    outcome = models.ForeignKey(
        ConsultationOutcome, on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.CharField(_("what we decided"), max_length=500)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.ACCEPTED
    )
    reason = models.TextField(_("why"), blank=True)
    actions = models.ManyToManyField(
        "taskforce.Action",
        blank=True,
        related_name="consultation_decisions",
        verbose_name=_("taskforce actions"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text
