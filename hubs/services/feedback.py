"""Writes for resident feedback on listings: problem reports, "was this useful?" answers, and
staff moving a report through received -> checking -> fixed / no change.

A reporter needs no account. The email address they may give is used for one message only:
"your report is resolved", sent once per report however often staff change its status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from luton2040 import audit
from luton2040.notifications.services import Recipient, notify

from .. import kinds
from ..models import ListingReport, ListingUsefulness, Location, Service

if TYPE_CHECKING:
    from luton2040.accounts.models import User


@transaction.atomic
def listing_report_create(
    *,
    service: Service | None = None,
    location: Location | None = None,
    problem: str,
    details: str = "",
    email: str = "",
) -> ListingReport:
    """Record a resident's report about a listed service or a hub. No account, no IP address."""
    if (service is None) == (location is None):
        raise ValueError("report on exactly one of a service or a location")
    report = ListingReport.objects.create(
        service=service, location=location, problem=problem, details=details, email=email
    )
    # The reporter's address is personal data the audit log could never erase: say only
    # whether one was given.
    audit.record(
        actor=None,
        obj=report,
        verb="listing_report.created",
        changes={"problem": problem, "wants_reply": bool(email)},
    )
    return report


@transaction.atomic
def listing_usefulness_record(
    *, service: Service | None = None, location: Location | None = None, useful: bool
) -> ListingUsefulness:
    """Record one anonymous "was this useful?" answer."""
    return ListingUsefulness.objects.create(service=service, location=location, useful=useful)


@transaction.atomic
def listing_report_update(
    *, report: ListingReport, status: str, resolution: str, by: User
) -> ListingReport:
    """Set a report's status and what we did. Moving it to fixed or no change records when, and
    tells the reporter (if they gave an address) once per report: a second resolution, or
    fixed -> fixed, sends nothing more."""
    report = ListingReport.objects.select_for_update().get(pk=report.pk)
    before = {"status": report.status, "resolution": report.resolution}
    if before == {"status": status, "resolution": resolution}:
        return report
    report.status = status
    report.resolution = resolution
    if report.is_resolved:
        if report.resolved_at is None or before["status"] != status:
            report.resolved_at = timezone.now()
    else:
        report.resolved_at = None
    report.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    audit.record(
        actor=by,
        obj=report,
        verb="listing_report.updated",
        changes={
            field: [before[field], value]
            for field, value in (("status", status), ("resolution", resolution))
            if before[field] != value
        },
    )
    if report.is_resolved and report.email:
        _notify_reporter(report)
    return report


def _notify_reporter(report: ListingReport) -> None:
    listing = report.service or report.location
    notify(
        kind=kinds.REPORT_RESOLVED,
        # One event per report: the outbox's idempotency key makes any later call a no-op.
        event=f"{kinds.REPORT_RESOLVED}:{report.pk}",
        recipients=[Recipient(email=report.email)],
        context={
            "listing_name": str(listing),
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "resolution": report.resolution,
            "status_url": report.get_absolute_url(),
        },
    )
