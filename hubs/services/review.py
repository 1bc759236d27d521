"""Provider edits to listings: propose, approve, reject, withdraw; and the snapshots they carry.

A snapshot is a listing as JSON-safe data (times "HH:MM", dates ISO, terms by slug, places by
slug), the same shape for what is live (``ListingEdit.published``) and what is proposed
(``ListingEdit.proposed``). The live records change only in ``listing_edit_approve``, which
applies a proposed snapshot inside one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from luton2040 import audit
from luton2040.accounts.roles import Role
from luton2040.notifications.services import Recipient, notify

from .. import kinds
from ..models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Language,
    ListingEdit,
    Location,
    Organisation,
    Phone,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

if TYPE_CHECKING:
    from luton2040.accounts.models import User

Snapshot = dict[str, Any]

# The service's own fields an editor may change, in the order the review page lists them.
SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "summary",
    "description",
    "keywords",
    "url",
    "email",
    "status",
    "alert",
    "minimum_age",
    "maximum_age",
    "eligibility_description",
    "referral",
    "who_can_refer",
    "application_process",
    "what_to_bring",
    "cost",
    "fees_description",
    "interpretation_services",
)
# Taxonomies an editor tags a service with: snapshot key -> Taxonomy.Kind.
SERVICE_TERM_KINDS = {
    "categories": "category",
    "programmes": "programme",
    "eligibility": "eligibility",
}
LOCATION_FIELDS = ("name", "alternate_name", "description", "transportation", "url")
ADDRESS_FIELDS = ("address_1", "address_2", "city", "postal_code")


class StaleProposal(Exception):
    """The proposal changed (or was decided) after the reviewer read it."""


# --- Snapshots ------------------------------------------------------------------------------


def _time(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _schedule_data(schedule: Schedule) -> dict[str, Any]:
    return {
        "freq": schedule.freq,
        "interval": schedule.interval,
        "byday": schedule.byday,
        "dtstart": _date(schedule.dtstart),
        "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at),
        "valid_from": _date(schedule.valid_from),
        "valid_to": _date(schedule.valid_to),
        "open_on_bank_holidays": schedule.open_on_bank_holidays,
        "description": schedule.description,
    }


def _exception_data(exception: ScheduleException) -> dict[str, Any]:
    return {
        "starts_on": _date(exception.starts_on),
        "ends_on": _date(exception.ends_on),
        "closed": exception.closed,
        "opens_at": _time(exception.opens_at),
        "closes_at": _time(exception.closes_at),
        "reason": exception.reason,
    }


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A stable order, so two snapshots of the same listing compare equal.
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def _languages(languages: Any) -> list[dict[str, str]]:
    return sorted(
        ({"code": language.code, "name": language.name} for language in languages),
        key=lambda row: (row["name"], row["code"]),
    )


def service_snapshot(service: Service) -> Snapshot:
    """The live service as a snapshot: fields, terms, places with their times, languages, costs."""
    snapshot: Snapshot = {field: getattr(service, field) for field in SERVICE_FIELDS}
    attributes = Attribute.objects.filter(service=service).select_related("taxonomy_term__taxonomy")
    for key, kind in SERVICE_TERM_KINDS.items():
        snapshot[key] = sorted(
            a.taxonomy_term.slug for a in attributes if a.taxonomy_term.taxonomy.kind == kind
        )
    schedules = list(
        Schedule.objects.filter(Q(service=service) | Q(service_at_location__service=service))
    )
    exceptions = list(
        ScheduleException.objects.filter(
            Q(service=service) | Q(service_at_location__service=service)
        )
    )
    places: list[dict[str, Any]] = []
    for sal in ServiceAtLocation.objects.filter(service=service).select_related("location"):
        places.append(
            {
                "location": sal.location.slug,
                "description": sal.description,
                "schedules": _sorted(
                    [_schedule_data(s) for s in schedules if s.service_at_location_id == sal.pk]
                ),
                "exceptions": _sorted(
                    [_exception_data(e) for e in exceptions if e.service_at_location_id == sal.pk]
                ),
            }
        )
    places.sort(key=lambda place: place["location"])
    everywhere_schedules = [s for s in schedules if s.service_at_location_id is None]
    everywhere_exceptions = [e for e in exceptions if e.service_at_location_id is None]
    if everywhere_schedules or everywhere_exceptions:
        # Times that belong to the service wherever it runs (or online), not to one place.
        places.append(
            {
                "location": None,
                "description": "",
                "schedules": _sorted([_schedule_data(s) for s in everywhere_schedules]),
                "exceptions": _sorted([_exception_data(e) for e in everywhere_exceptions]),
            }
        )
    snapshot["locations"] = places
    snapshot["languages"] = _languages(Language.objects.filter(service=service))
    snapshot["cost_options"] = _sorted(
        [
            {
                "option": cost.option,
                "amount": None if cost.amount is None else str(cost.amount),
                "amount_description": cost.amount_description,
                "valid_from": _date(cost.valid_from),
                "valid_to": _date(cost.valid_to),
            }
            for cost in CostOption.objects.filter(service=service)
        ]
    )
    return snapshot


def location_snapshot(location: Location) -> Snapshot:
    """The live hub (location) as a snapshot: fields, address, phones, access, languages, times."""
    snapshot: Snapshot = {field: getattr(location, field) for field in LOCATION_FIELDS}
    address = location.addresses.order_by("pk").first()
    snapshot["address"] = {
        field: getattr(address, field) if address else "" for field in ADDRESS_FIELDS
    }
    snapshot["phones"] = _sorted(
        [{"number": p.number, "description": p.description} for p in location.phones.all()]
    )
    snapshot["accessibility"] = _sorted(
        [{"description": a.description, "details": a.details} for a in location.accessibility.all()]
    )
    snapshot["accessibility_terms"] = sorted(
        Attribute.objects.filter(
            location=location, taxonomy_term__taxonomy__kind="accessibility"
        ).values_list("taxonomy_term__slug", flat=True)
    )
    snapshot["languages"] = _languages(location.languages.all())
    snapshot["schedules"] = _sorted(
        [
            _schedule_data(s)
            for s in Schedule.objects.filter(
                location=location, service__isnull=True, service_at_location__isnull=True
            )
        ]
    )
    snapshot["exceptions"] = _sorted(
        [
            _exception_data(e)
            for e in ScheduleException.objects.filter(
                location=location, service__isnull=True, service_at_location__isnull=True
            )
        ]
    )
    return snapshot


def live_snapshot(edit: ListingEdit) -> Snapshot | None:
    """The listing as it is now, or None for a proposed new listing."""
    if edit.kind == ListingEdit.Kind.SERVICE and edit.service is not None:
        return service_snapshot(edit.service)
    if edit.kind == ListingEdit.Kind.HUB and edit.location is not None:
        return location_snapshot(edit.location)
    return None


def snapshot_changes(before: Snapshot | None, after: Snapshot) -> dict[str, list[Any]]:
    """Top-level keys whose value differs, as {key: [before, after]} (the audit's shape)."""
    before = before or {}
    return {
        key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)
    }


def proposal_version(proposed: Snapshot) -> str:
    """A short fingerprint of a proposal, so approval applies exactly what the reviewer saw."""
    encoded = json.dumps(proposed, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


# --- Applying a snapshot to the live records -------------------------------------------------


def _parse_time(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


def _parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _parse_amount(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _schedule(row: dict[str, Any], **owner: Any) -> Schedule:
    return Schedule(
        freq=row.get("freq") or Schedule.Frequency.WEEKLY,
        interval=row.get("interval") or 1,
        byday=row.get("byday") or "",
        dtstart=_parse_date(row.get("dtstart")),
        opens_at=_parse_time(row.get("opens_at")),
        closes_at=_parse_time(row.get("closes_at")),
        valid_from=_parse_date(row.get("valid_from")),
        valid_to=_parse_date(row.get("valid_to")),
        open_on_bank_holidays=bool(row.get("open_on_bank_holidays")),
        description=row.get("description") or "",
        **owner,
    )


def _exception(row: dict[str, Any], **owner: Any) -> ScheduleException:
    starts_on = _parse_date(row.get("starts_on")) or timezone.localdate()  # the form requires it
    return ScheduleException(
        starts_on=starts_on,
        ends_on=_parse_date(row.get("ends_on")) or starts_on,
        closed=bool(row.get("closed")),
        opens_at=_parse_time(row.get("opens_at")),
        closes_at=_parse_time(row.get("closes_at")),
        reason=row.get("reason") or "",
        **owner,
    )


def _unique_slug(model: type[Service] | type[Location], name: str) -> str:
    base = slugify(name)[:180] or "listing"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_terms(*, field: str, obj: Service | Location, slugs_by_kind: dict[str, list[str]]) -> None:
    for kind, slugs in slugs_by_kind.items():
        Attribute.objects.filter(**{field: obj}, taxonomy_term__taxonomy__kind=kind).exclude(
            taxonomy_term__slug__in=slugs
        ).delete()
        have = set(
            Attribute.objects.filter(
                **{field: obj}, taxonomy_term__taxonomy__kind=kind
            ).values_list("taxonomy_term__slug", flat=True)
        )
        terms = TaxonomyTerm.objects.filter(taxonomy__kind=kind, slug__in=set(slugs) - have)
        Attribute.objects.bulk_create(
            [Attribute(taxonomy_term=term, link_type=kind, **{field: obj}) for term in terms]
        )


def service_apply(*, service: Service, snapshot: Snapshot) -> Service:
    """Make the live service match the snapshot. Places kept keep their ids (the API's uuids);
    their times, the terms, languages and costs are replaced."""
    for field in SERVICE_FIELDS:
        if field in snapshot:
            setattr(service, field, snapshot[field])
    service.save()
    _set_terms(
        field="service",
        obj=service,
        slugs_by_kind={kind: snapshot.get(key, []) for key, kind in SERVICE_TERM_KINDS.items()},
    )

    Schedule.objects.filter(Q(service=service) | Q(service_at_location__service=service)).delete()
    ScheduleException.objects.filter(
        Q(service=service) | Q(service_at_location__service=service)
    ).delete()
    places = snapshot.get("locations", [])
    slugs = [place["location"] for place in places if place.get("location")]
    locations = Location.objects.in_bulk(slugs, field_name="slug")
    ServiceAtLocation.objects.filter(service=service).exclude(location__slug__in=slugs).delete()
    existing = {sal.location_id: sal for sal in ServiceAtLocation.objects.filter(service=service)}
    schedules: list[Schedule] = []
    exceptions: list[ScheduleException] = []
    for place in places:
        slug = place.get("location")
        if slug:
            location = locations.get(slug)
            if location is None:  # the place was removed since; nothing to attach times to
                continue
            sal = existing.get(location.pk)
            if sal is None:
                sal = ServiceAtLocation.objects.create(service=service, location=location)
            if sal.description != (place.get("description") or ""):
                sal.description = place.get("description") or ""
                sal.save(update_fields=["description", "last_modified"])
            owner: dict[str, Any] = {"service": service, "service_at_location": sal}
            exception_owner: dict[str, Any] = {"service_at_location": sal}
        else:
            owner = exception_owner = {"service": service}
        schedules += [_schedule(row, **owner) for row in place.get("schedules", [])]
        exceptions += [_exception(row, **exception_owner) for row in place.get("exceptions", [])]
    Schedule.objects.bulk_create(schedules)
    ScheduleException.objects.bulk_create(exceptions)

    Language.objects.filter(service=service).delete()
    Language.objects.bulk_create(
        [
            Language(service=service, code=row["code"], name=row["name"])
            for row in snapshot.get("languages", [])
        ]
    )
    CostOption.objects.filter(service=service).delete()
    CostOption.objects.bulk_create(
        [
            CostOption(
                service=service,
                option=row.get("option") or "",
                amount=_parse_amount(row.get("amount")),
                amount_description=row.get("amount_description") or "",
                valid_from=_parse_date(row.get("valid_from")),
                valid_to=_parse_date(row.get("valid_to")),
            )
            for row in snapshot.get("cost_options", [])
        ]
    )
    return service


def location_apply(*, location: Location, snapshot: Snapshot) -> Location:
    """Make the live hub match the snapshot; its phones, access entries, languages and own
    times are replaced, its address updated in place (keeping its id)."""
    for field in LOCATION_FIELDS:
        if field in snapshot:
            setattr(location, field, snapshot[field])
    location.save()
    address_data = snapshot.get("address") or {}
    if any(address_data.get(field) for field in ADDRESS_FIELDS):
        address = location.addresses.order_by("pk").first() or Address(location=location)
        for field in ADDRESS_FIELDS:
            setattr(address, field, address_data.get(field) or "")
        address.city = address.city or "Luton"
        address.save()
    location.phones.all().delete()
    Phone.objects.bulk_create(
        [
            Phone(location=location, number=row["number"], description=row.get("description") or "")
            for row in snapshot.get("phones", [])
        ]
    )
    location.accessibility.all().delete()
    Accessibility.objects.bulk_create(
        [
            Accessibility(
                location=location, description=row["description"], details=row.get("details") or ""
            )
            for row in snapshot.get("accessibility", [])
        ]
    )
    _set_terms(
        field="location",
        obj=location,
        slugs_by_kind={"accessibility": snapshot.get("accessibility_terms", [])},
    )
    location.languages.all().delete()
    Language.objects.bulk_create(
        [
            Language(location=location, code=row["code"], name=row["name"])
            for row in snapshot.get("languages", [])
        ]
    )
    own = {"location": location, "service__isnull": True, "service_at_location__isnull": True}
    Schedule.objects.filter(**own).delete()
    ScheduleException.objects.filter(**own).delete()
    Schedule.objects.bulk_create(
        [_schedule(row, location=location) for row in snapshot.get("schedules", [])]
    )
    ScheduleException.objects.bulk_create(
        [_exception(row, location=location) for row in snapshot.get("exceptions", [])]
    )
    return location


# --- The review queue ------------------------------------------------------------------------


def _staff_recipients() -> list[Recipient]:
    from luton2040.accounts.models import User

    staff = User.objects.filter(groups__name=Role.COUNCIL_STAFF.value, is_active=True).distinct()
    return [Recipient(user=user) for user in staff]


def _listing_name(edit: ListingEdit) -> str:
    return str(edit.proposed.get("name", "")) if isinstance(edit.proposed, dict) else ""


@transaction.atomic
def listing_edit_propose(
    *,
    organisation: Organisation,
    kind: str,
    proposed: Snapshot,
    by: User,
    service: Service | None = None,
    location: Location | None = None,
) -> ListingEdit:
    """Queue a proposed listing for review; the live listing is untouched. A second proposal for
    the same listing before review replaces the pending one (one pending edit per listing)."""
    listing: Service | Location | None = service or location
    published: Snapshot | None = None
    if service is not None:
        service = Service.objects.select_for_update().get(pk=service.pk)
        published = service_snapshot(service)
    elif location is not None:
        location = Location.objects.select_for_update().get(pk=location.pk)
        published = location_snapshot(location)
    pending = None
    if listing is not None:
        pending = (
            ListingEdit.objects.select_for_update()
            .filter(status=ListingEdit.Status.PENDING, service=service, location=location)
            .first()
        )
    if pending is not None:
        previous = pending.proposed
        pending.proposed = proposed
        pending.published = published
        pending.submitted_by = by
        pending.save(update_fields=["proposed", "published", "submitted_by"])
        audit.record(
            actor=by,
            obj=pending,
            verb="listing_edit.replaced",
            changes=snapshot_changes(previous, proposed),
        )
        return pending
    edit = ListingEdit.objects.create(
        organisation=organisation,
        kind=kind,
        service=service,
        location=location,
        proposed=proposed,
        published=published,
        submitted_by=by,
    )
    audit.record(
        actor=by,
        obj=edit,
        verb="listing_edit.submitted",
        changes=snapshot_changes(published, proposed),
    )
    notify(
        kind=kinds.LISTING_EDIT_SUBMITTED,
        event=f"listing_edit:{edit.pk}:submitted",
        recipients=_staff_recipients(),
        context={
            "subject": _("%(organisation)s proposed a change to %(listing)s")
            % {"organisation": organisation.name, "listing": _listing_name(edit)},
            "summary": _("It is waiting for review."),
            "url": reverse("hubs-staff:review-detail", kwargs={"pk": edit.pk}),
            "organisation": organisation.name,
            "listing": _listing_name(edit),
            "is_new": listing is None,
        },
    )
    return edit


def _lock_pending(edit: ListingEdit, version: str | None) -> ListingEdit:
    # Two reviewers clicking at once: the second waits for the first's lock, then finds the edit
    # decided and changes nothing.
    locked = ListingEdit.objects.select_for_update().get(pk=edit.pk)
    if locked.status != ListingEdit.Status.PENDING:
        raise StaleProposal(_("This proposal has already been decided or withdrawn."))
    if version is not None and proposal_version(locked.proposed) != version:
        raise StaleProposal(
            _("The editor changed this proposal while you were reading it. Check it again.")
        )
    return locked


def _notify_decided(edit: ListingEdit) -> None:
    if edit.submitted_by is None:
        return
    approved = edit.status == ListingEdit.Status.APPROVED
    notify(
        kind=kinds.LISTING_EDIT_DECIDED,
        event=f"listing_edit:{edit.pk}:decided",
        recipients=[Recipient(user=edit.submitted_by)],
        context={
            "subject": (
                _("Your change to %(listing)s is approved")
                if approved
                else _("Your change to %(listing)s was not approved")
            )
            % {"listing": _listing_name(edit)},
            "summary": edit.reason,
            "url": reverse("hubs:manage"),
            "listing": _listing_name(edit),
            "approved": approved,
            "reason": edit.reason,
        },
    )


@transaction.atomic
def listing_edit_approve(*, edit: ListingEdit, by: User, version: str | None = None) -> ListingEdit:
    """Apply the proposal to the live listing (creating it for a new one), mark it verified today
    by the editor, and tell the editor. Raises StaleProposal if it is no longer pending or no
    longer what the reviewer saw (`version`)."""
    edit = _lock_pending(edit, version)
    today = timezone.localdate()
    assurer = edit.submitted_by.email if edit.submitted_by else by.email
    listing: Service | Location
    if edit.kind == ListingEdit.Kind.SERVICE:
        if edit.service_id is None:
            service = Service(
                organisation=edit.organisation,
                slug=_unique_slug(Service, str(edit.proposed.get("name", ""))),
            )
        else:
            service = Service.objects.select_for_update().get(pk=edit.service_id)
        before = service_snapshot(service) if service.pk else None
        service.assured_date = today
        service.assurer_email = assurer
        service.unconfirmed_since = None
        listing = service_apply(service=service, snapshot=edit.proposed)
        edit.service = service
    else:
        if edit.location_id is None:
            location = Location(
                organisation=edit.organisation,
                is_hub=True,
                slug=_unique_slug(Location, str(edit.proposed.get("name", ""))),
            )
        else:
            location = Location.objects.select_for_update().get(pk=edit.location_id)
        before = location_snapshot(location) if location.pk else None
        location.assured_date = today
        listing = location_apply(location=location, snapshot=edit.proposed)
        edit.location = location
    edit.status = ListingEdit.Status.APPROVED
    edit.decided_by = by
    edit.decided_at = timezone.now()
    edit.save(update_fields=["service", "location", "status", "decided_by", "decided_at"])
    audit.record(actor=by, obj=edit, verb="listing_edit.approved")
    audit.record(
        actor=by,
        obj=listing,
        verb=f"{listing._meta.model_name}.{'created' if before is None else 'changed'}_by_review",
        changes={**snapshot_changes(before, edit.proposed), "listing_edit": edit.pk},
    )
    _notify_decided(edit)
    return edit


@transaction.atomic
def listing_edit_reject(*, edit: ListingEdit, by: User, reason: str) -> ListingEdit:
    """Turn the proposal down with a reason the editor reads; the live listing is untouched."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    edit = _lock_pending(edit, None)
    edit.status = ListingEdit.Status.REJECTED
    edit.reason = reason.strip()
    edit.decided_by = by
    edit.decided_at = timezone.now()
    edit.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(actor=by, obj=edit, verb="listing_edit.rejected", changes={"reason": edit.reason})
    _notify_decided(edit)
    return edit


@transaction.atomic
def listing_edit_withdraw(*, edit: ListingEdit, by: User) -> ListingEdit:
    """The editor takes back a pending proposal. Withdrawing twice changes nothing."""
    edit = ListingEdit.objects.select_for_update().get(pk=edit.pk)
    if edit.status != ListingEdit.Status.PENDING:
        return edit
    edit.status = ListingEdit.Status.WITHDRAWN
    edit.decided_at = timezone.now()
    edit.save(update_fields=["status", "decided_at"])
    audit.record(actor=by, obj=edit, verb="listing_edit.withdrawn")
    return edit
