"""Reads for listing feedback, staff triage and the freshness loop."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from ..models import ListingReport, Location, Service

OPEN_STATUSES = (ListingReport.Status.RECEIVED, ListingReport.Status.CHECKING)


class _Median(Aggregate):
    # PostgreSQL's ordered-set aggregate; Django has no built-in median.
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def service_listed_by_slug(*, slug: str) -> Service | None:
    """A service residents may see, by its slug; None for an unknown or unlisted one."""
    return Service.objects.listed().filter(slug=slug).first()


def hub_by_slug(*, slug: str) -> Location | None:
    """A community hub by its slug; None if there is no such hub."""
    return Location.objects.hubs().filter(slug=slug).first()


def report_by_reference(*, reference: str) -> ListingReport | None:
    """The report this reference (the reporter's link) belongs to, with its listing loaded."""
    return (
        ListingReport.objects.select_related("service", "location")
        .filter(reference=reference)
        .first()
    )


def report_list(*, status: str = "", problem: str = "") -> QuerySet[ListingReport]:
    """Reports for staff triage: open ones first, oldest first within each group."""
    reports = ListingReport.objects.select_related("service", "location").annotate(
        is_open=Case(
            When(status__in=OPEN_STATUSES, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if status:
        reports = reports.filter(status=status)
    if problem:
        reports = reports.filter(problem=problem)
    return reports.order_by("-is_open", "created_at", "pk")


def report_status_counts() -> dict[str, int]:
    """How many reports are in each status (one query)."""
    rows = ListingReport.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def report_median_time_to_fix(*, days: int = 90) -> datetime.timedelta | None:
    """The median time from report to resolution, over reports resolved in the last `days`
    days; None when none were. The figure the council reports on (one query)."""
    since = timezone.now() - datetime.timedelta(days=days)
    result = ListingReport.objects.filter(
        resolved_at__isnull=False, resolved_at__gte=since
    ).aggregate(
        median=_Median(
            ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
        )
    )
    median: datetime.timedelta | None = result["median"]
    return median


def service_list_due_for_verification(*, now: datetime.datetime) -> QuerySet[Service]:
    """Listed services not verified for HUBS_VERIFY_AFTER_DAYS (or never) whose provider has
    not been asked in that window either."""
    window = datetime.timedelta(days=settings.HUBS_VERIFY_AFTER_DAYS)
    stale_before = timezone.localdate(now) - window
    return (
        Service.objects.listed()
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lt=stale_before))
        .filter(
            Q(verification_requested_at__isnull=True)
            | Q(verification_requested_at__lt=now - window)
        )
        .order_by("pk")
    )


def service_list_to_flag_unconfirmed(*, now: datetime.datetime) -> QuerySet[Service]:
    """Listed services asked to verify more than HUBS_UNCONFIRMED_AFTER_DAYS ago, with no
    answer, not yet flagged."""
    asked_before = now - datetime.timedelta(days=settings.HUBS_UNCONFIRMED_AFTER_DAYS)
    return (
        Service.objects.listed()
        .filter(unconfirmed_since__isnull=True, verification_requested_at__lte=asked_before)
        .order_by("pk")
    )


def service_list_unconfirmed() -> QuerySet[Service]:
    """Listed services flagged as unconfirmed, longest-flagged first, with their organisation."""
    return (
        Service.objects.listed()
        .filter(unconfirmed_since__isnull=False)
        .select_related("organisation")
        .order_by("unconfirmed_since", "name", "pk")
    )
