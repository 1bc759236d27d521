"""Provider edits waiting for council staff: the published listing never changes until approved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ListingEdit(models.Model):
    """A proposed new or changed service or hub, held as data until staff decide.

    ``proposed`` holds the whole proposed listing (fields, schedules, terms) and ``published``
    the same shape read from the live listing when the edit was made, so the review page shows
    exactly what would change, even if the live listing moves on meanwhile.
    """

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        HUB = "hub", _("Hub or venue")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        "hubs.Organisation", on_delete=models.CASCADE, related_name="listing_edits"
    )
    kind = models.CharField(_("listing type"), max_length=10, choices=Kind)
    # Empty for a proposed new listing until it is approved and created.
    service = models.ForeignKey(
        "hubs.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="edits"
    )
    location = models.ForeignKey(
        "hubs.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="edits"
    )
    proposed = models.JSONField(_("proposed listing"))
    published = models.JSONField(_("published listing when proposed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="listing_edits",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_decisions",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("listing edit")
        verbose_name_plural = _("listing edits")
        ordering = ["submitted_at"]
        constraints = [
            # One open proposal per listing: a second edit replaces the first instead of racing it.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="pending", service__isnull=False),
                name="hubs_one_pending_edit_per_service",
            ),
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(status="pending", location__isnull=False),
                name="hubs_one_pending_edit_per_location",
            ),
        ]

    def __str__(self) -> str:
        name = self.proposed.get("name", "") if isinstance(self.proposed, dict) else ""
        return f"{self.get_kind_display()}: {name} ({self.get_status_display()})"
