"""When services run: HSDS 3.0 schedules (RFC 5545 recurrence) and our exceptions to them.

HSDS has no way to say "closed on 25 December" or "closed on bank holidays" (specification issue
#440; ORUK v3 dropped v1's holiday_schedule). ``ScheduleException`` and
``Schedule.open_on_bank_holidays`` fill that gap; the API publishes exceptions as extra schedule
rows so consumers still get valid data.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..querysets import ScheduleQuerySet
from .base import OpenReferralRecord


class Schedule(OpenReferralRecord):
    """A regular session: weekly, fortnightly or monthly, between an opening and closing time.

    Times are wall-clock times in Europe/London, so "10:00" stays 10:00 across the clock change.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    service = models.ForeignKey(
        "hubs.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        "hubs.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        "hubs.ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    valid_from = models.DateField(_("runs from"), null=True, blank=True)
    valid_to = models.DateField(_("runs until"), null=True, blank=True)
    # First occurrence: anchors fortnightly (interval 2) sessions to the right weeks.
    dtstart = models.DateField(_("first session"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, default="Europe/London")
    until = models.DateField(_("last session"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of sessions"), null=True, blank=True)
    wkst = models.CharField(_("week starts"), max_length=2, default="MO")
    freq = models.CharField(
        _("how often"), max_length=7, choices=Frequency, default=Frequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, help_text=_("2 with weekly means every other week.")
    )
    # RFC 5545 BYDAY: "MO,TH" weekly; "2MO" (second Monday) or "-1FR" (last Friday) monthly.
    byday = models.CharField(_("days"), max_length=40, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=100, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=100, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=100, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    open_on_bank_holidays = models.BooleanField(_("runs on bank holidays"), default=False)
    description = models.CharField(_("description"), max_length=250, blank=True)
    schedule_link = models.URLField(_("booking link"), blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False)
                | Q(location__isnull=False)
                | Q(service_at_location__isnull=False),
                name="hubs_schedule_belongs_somewhere",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | ~Q(opens_at=models.F("closes_at")),
                name="hubs_schedule_not_zero_length",
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1), name="hubs_schedule_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"


class ScheduleException(models.Model):
    """A date (or run of dates) when the usual schedule does not apply: closed, or special hours.

    Applies to one service at a location, to every service at a location (a hub closed for
    repairs), or to a service everywhere.
    """

    service_at_location = models.ForeignKey(
        "hubs.ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exceptions",
    )
    location = models.ForeignKey(
        "hubs.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions"
    )
    service = models.ForeignKey(
        "hubs.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    closed = models.BooleanField(_("closed"), default=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    reason = models.CharField(
        _("reason"),
        max_length=200,
        blank=True,
        help_text=_("Shown to residents, such as Christmas."),
    )

    class Meta:
        verbose_name = _("change to usual times")
        verbose_name_plural = _("changes to usual times")
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="hubs_exception_dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="hubs_exception_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="hubs_exception_special_hours_have_times",
            ),
            models.CheckConstraint(
                condition=Q(service_at_location__isnull=False)
                | Q(location__isnull=False)
                | Q(service__isnull=False),
                name="hubs_exception_belongs_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on} {'closed' if self.closed else 'special hours'}"
