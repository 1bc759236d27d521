"""What residents tell us about listings, without needing an account."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_report_reference() -> str:
    # The reporter's only key to their report's status page: unguessable, and short enough to read.
    return secrets.token_urlsafe(16)


class ListingReport(models.Model):
    """ "Report a problem with this listing", with a status the reporter can follow by link."""

    class Problem(models.TextChoices):
        OUT_OF_DATE = "out-of-date", _("Information is out of date")
        CLOSED = "closed", _("It has closed or stopped running")
        WRONG_TIMES = "wrong-times", _("Opening times are wrong")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CHECKING = "checking", _("We are checking")
        FIXED = "fixed", _("Fixed")
        NO_CHANGE = "no-change", _("Checked, no change needed")

    service = models.ForeignKey(
        "hubs.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    location = models.ForeignKey(
        "hubs.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    problem = models.CharField(_("what is wrong"), max_length=20, choices=Problem)
    details = models.TextField(_("details"), blank=True)
    # Optional: only to tell the reporter when the report is resolved. Personal data (issue 7).
    email = models.EmailField(_("email"), blank=True)
    reference = models.CharField(max_length=32, unique=True, default=new_report_reference)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.RECEIVED, db_index=True
    )
    resolution = models.TextField(
        _("what we did"), blank=True, help_text=_("Shown to the person who reported it.")
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("listing report")
        verbose_name_plural = _("listing reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False),
                name="hubs_report_about_a_listing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_problem_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("hubs:report-status", kwargs={"reference": self.reference})

    @property
    def is_resolved(self) -> bool:
        return self.status in (self.Status.FIXED, self.Status.NO_CHANGE)


class ListingUsefulness(models.Model):
    """One anonymous "was this useful?" answer. No account, address or cookie is kept."""

    service = models.ForeignKey(
        "hubs.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="usefulness"
    )
    location = models.ForeignKey(
        "hubs.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="usefulness"
    )
    useful = models.BooleanField(_("useful"))
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("usefulness answer")
        verbose_name_plural = _("usefulness answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False),
                name="hubs_usefulness_about_a_listing",
            ),
        ]

    def __str__(self) -> str:
        return "useful" if self.useful else "not useful"
