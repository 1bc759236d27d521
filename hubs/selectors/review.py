"""Reads for provider edits: an editor's listings with their review state, the staff queue, and
the difference between a published and a proposed listing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import ListingEdit, Location, Organisation, Service, TaxonomyTerm

if TYPE_CHECKING:
    from luton2040.accounts.models import User


# --- The editor's listings -------------------------------------------------------------------


@dataclass
class ListingRow:
    """One service or hub on "Your listings", with its latest proposal, if any."""

    listing: Service | Location
    pending: ListingEdit | None = None
    last_decision: ListingEdit | None = None


@dataclass
class OrganisationListings:
    organisation: Organisation
    services: list[ListingRow] = field(default_factory=list)
    hubs: list[ListingRow] = field(default_factory=list)
    # Proposed new listings: waiting, or decided recently enough to tell the editor.
    new_pending: list[ListingEdit] = field(default_factory=list)
    new_decided: list[ListingEdit] = field(default_factory=list)


RECENT_NEW_DECISIONS = 5


def _row(listing: Service | Location, edits: list[ListingEdit]) -> ListingRow:
    row = ListingRow(listing=listing)
    for edit in edits:  # newest first
        if edit.status == ListingEdit.Status.PENDING and row.pending is None:
            row.pending = edit
        elif (
            edit.status in (ListingEdit.Status.APPROVED, ListingEdit.Status.REJECTED)
            and row.last_decision is None
        ):
            row.last_decision = edit
    return row


def organisation_listings_for_editor(*, user: User) -> list[OrganisationListings]:
    """The organisations `user` edits, each with its services and hubs and their latest
    proposals. Five queries however many organisations, listings or edits."""
    edits = ListingEdit.objects.order_by("-submitted_at", "-pk").only(
        "pk",
        "organisation_id",
        "kind",
        "service_id",
        "location_id",
        "status",
        "reason",
        "proposed",
        "submitted_at",
        "decided_at",
    )
    organisations = Organisation.objects.filter(editor_bindings__user=user).prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name")),
        Prefetch("locations", queryset=Location.objects.order_by("name")),
        Prefetch("listing_edits", queryset=edits),
    )
    result = []
    for organisation in organisations.order_by("name"):
        all_edits = list(organisation.listing_edits.all())
        by_service: dict[int, list[ListingEdit]] = {}
        by_location: dict[int, list[ListingEdit]] = {}
        entry = OrganisationListings(organisation=organisation)
        for edit in all_edits:
            if edit.service_id is not None:
                by_service.setdefault(edit.service_id, []).append(edit)
            elif edit.location_id is not None:
                by_location.setdefault(edit.location_id, []).append(edit)
            elif edit.status == ListingEdit.Status.PENDING:
                entry.new_pending.append(edit)
        # A new listing, once approved, points at the listing it created: it is told there.
        entry.new_decided = [
            edit
            for edit in all_edits
            if edit.service_id is None
            and edit.location_id is None
            and edit.status == ListingEdit.Status.REJECTED
        ][:RECENT_NEW_DECISIONS]
        entry.services = [
            _row(service, by_service.get(service.pk, [])) for service in organisation.services.all()
        ]
        entry.hubs = [
            _row(location, by_location.get(location.pk, []))
            for location in organisation.locations.all()
        ]
        result.append(entry)
    return result


def listing_edit_for_editor(*, user: User, pk: int) -> ListingEdit | None:
    """A proposal from one of the organisations `user` edits, or None."""
    return (
        ListingEdit.objects.filter(pk=pk, organisation__editor_bindings__user=user)
        .select_related("organisation")
        .first()
    )


# --- The staff queue -------------------------------------------------------------------------


class ListingEditFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=ListingEdit.Status.choices,
        empty_label=_("Any status"),
    )

    class Meta:
        model = ListingEdit
        fields = ["status"]


def listing_edit_queue(*, filters: ListingEditFilter) -> QuerySet[ListingEdit]:
    """Proposals for staff, oldest first (the longest-waiting need an answer first)."""
    return (
        filters.qs.select_related("organisation", "submitted_by", "service", "location")
        .defer("published", "service__search_vector", "location__search_vector")
        .order_by("submitted_at", "pk")
    )


def listing_edit_pending(
    *, service: Service | None = None, location: Location | None = None
) -> ListingEdit | None:
    """The edit waiting for review on this listing, if any (at most one, by constraint)."""
    return ListingEdit.objects.filter(
        status=ListingEdit.Status.PENDING, service=service, location=location
    ).first()


def listing_edit_for_review(*, pk: int) -> ListingEdit | None:
    return (
        ListingEdit.objects.select_related(
            "organisation", "submitted_by", "decided_by", "service", "location"
        )
        .filter(pk=pk)
        .first()
    )


# --- The difference ---------------------------------------------------------------------------


SERVICE_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "alternate_name": _("Other name"),
    "summary": _("Summary"),
    "description": _("Description"),
    "keywords": _("Search keywords"),
    "url": _("Website"),
    "email": _("Email"),
    "status": _("Is it running?"),
    "alert": _("Notice"),
    "minimum_age": _("Youngest age"),
    "maximum_age": _("Oldest age"),
    "eligibility_description": _("Who it is for"),
    "referral": _("How people get it"),
    "who_can_refer": _("Who can refer"),
    "application_process": _("How to get it, in detail"),
    "what_to_bring": _("What to bring"),
    "cost": _("Cost"),
    "fees_description": _("Cost details"),
    "interpretation_services": _("Interpreting"),
    "categories": _("Kinds of help"),
    "programmes": _("Programmes"),
    "eligibility": _("Groups it helps"),
    "locations": _("Places and opening times"),
    "languages": _("Languages spoken"),
    "cost_options": _("Costs"),
}
HUB_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "alternate_name": _("Other name"),
    "description": _("Description"),
    "transportation": _("How to get there"),
    "url": _("Website"),
    "address": _("Address"),
    "phones": _("Phone numbers"),
    "accessibility": _("Accessibility"),
    "accessibility_terms": _("Accessibility features"),
    "languages": _("Languages spoken"),
    "schedules": _("Opening times"),
    "exceptions": _("Closures and special hours"),
}
LONG_TEXT = {
    "description",
    "eligibility_description",
    "application_process",
    "what_to_bring",
    "who_can_refer",
    "fees_description",
    "interpretation_services",
    "transportation",
    "summary",
}
CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "status": dict(Service.Status.choices),
    "referral": dict(Service.Referral.choices),
    "cost": dict(Service.Cost.choices),
}


@dataclass
class DiffLine:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass
class DiffRow:
    key: str
    label: Any
    published: list[str]
    proposed: list[str]
    changed: bool
    lines: list[DiffLine] = field(default_factory=list)  # word-level detail for long text


def _schedule_text(row: dict[str, Any]) -> str:
    if row.get("freq") == "MONTHLY":
        how = _("Monthly")
    elif row.get("interval") == 2:
        how = _("Every other week")
    else:
        how = _("Weekly")
    text = f"{how} {row.get('byday', '')}, {row.get('opens_at')} to {row.get('closes_at')}"
    if row.get("opens_at") and row.get("closes_at") and row["closes_at"] < row["opens_at"]:
        text += f" ({_('past midnight')})"
    if row.get("dtstart"):
        text += f", {_('first session')} {row['dtstart']}"
    if row.get("valid_from"):
        text += f", {_('from')} {row['valid_from']}"
    if row.get("valid_to"):
        text += f", {_('until')} {row['valid_to']}"
    text += ", " + str(
        _("runs on bank holidays")
        if row.get("open_on_bank_holidays")
        else _("not on bank holidays")
    )
    return text


def _exception_text(row: dict[str, Any]) -> str:
    dates = str(row.get("starts_on"))
    if row.get("ends_on") and row["ends_on"] != row.get("starts_on"):
        dates += f" {_('to')} {row['ends_on']}"
    what = (
        _("closed")
        if row.get("closed")
        else f"{_('open')} {row.get('opens_at')} {_('to')} {row.get('closes_at')}"
    )
    reason = f" ({row['reason']})" if row.get("reason") else ""
    return f"{dates}: {what}{reason}"


def _lines(key: str, value: Any, names: dict[str, str]) -> list[str]:
    """A snapshot value as lines of plain text a reviewer can compare."""
    if value in (None, "", [], {}):
        return []
    if key in CHOICE_LABELS:
        return [str(CHOICE_LABELS[key].get(value, value))]
    if key in ("categories", "programmes", "eligibility", "accessibility_terms"):
        return [names.get(f"{key}:{slug}", slug) for slug in value]
    if key == "locations":
        lines = []
        for place in value:
            where = names.get(f"location:{place.get('location')}", place.get("location")) or str(
                _("Wherever it runs, or online")
            )
            lines.append(f"{where}:")
            lines += [f"  {_schedule_text(row)}" for row in place.get("schedules", [])]
            lines += [
                f"  {_('Change')}: {_exception_text(row)}" for row in place.get("exceptions", [])
            ]
        return lines
    if key == "schedules":
        return [_schedule_text(row) for row in value]
    if key == "exceptions":
        return [_exception_text(row) for row in value]
    if key == "languages":
        return [f"{row.get('name')} ({row.get('code')})" for row in value]
    if key == "cost_options":
        return [
            " ".join(
                part
                for part in (
                    row.get("option"),
                    f"£{row['amount']}" if row.get("amount") else "",
                    row.get("amount_description"),
                )
                if part
            )
            for row in value
        ]
    if key == "phones":
        return [
            " ".join(filter(None, (row.get("number"), row.get("description")))) for row in value
        ]
    if key == "accessibility":
        return [
            ": ".join(filter(None, (row.get("description"), row.get("details")))) for row in value
        ]
    if key == "address":
        return [", ".join(part for part in value.values() if part)]
    return str(value).splitlines() or [str(value)]


def _word_diff(before: str, after: str) -> list[DiffLine]:
    """Long text compared word by word, so one changed word in a paragraph is easy to find."""
    a, b = before.split(), after.split()
    result: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            result.append(DiffLine("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            result.append(DiffLine("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            result.append(DiffLine("added", " ".join(b[j1:j2])))
    return result


def _names(*snapshots: dict[str, Any] | None) -> dict[str, str]:
    """Display names for the slugs the snapshots mention (terms and places): two queries."""
    slugs: set[str] = set()
    places: set[str] = set()
    for snapshot in snapshots:
        for key in ("categories", "programmes", "eligibility", "accessibility_terms"):
            slugs.update((snapshot or {}).get(key) or [])
        places.update(
            p.get("location") for p in (snapshot or {}).get("locations") or [] if p.get("location")
        )
    names: dict[str, str] = {}
    kinds: dict[str, str] = {
        "category": "categories",
        "programme": "programmes",
        "eligibility": "eligibility",
        "accessibility": "accessibility_terms",
    }
    for term in TaxonomyTerm.objects.filter(slug__in=slugs).select_related("taxonomy"):
        if term.taxonomy.kind in kinds:
            names[f"{kinds[term.taxonomy.kind]}:{term.slug}"] = term.name
    for slug, name in Location.objects.filter(slug__in=places).values_list("slug", "name"):
        names[f"location:{slug}"] = name
    return names


def listing_diff(
    *, kind: str, published: dict[str, Any] | None, proposed: dict[str, Any]
) -> list[DiffRow]:
    """Row-by-row difference between two snapshots of a listing, in the form's order."""
    labels = SERVICE_LABELS if kind == ListingEdit.Kind.SERVICE else HUB_LABELS
    names = _names(published, proposed)
    rows = []
    for key, label in labels.items():
        before = (published or {}).get(key)
        after = proposed.get(key)
        changed = published is not None and before != after
        row = DiffRow(
            key=key,
            label=label,
            published=_lines(key, before, names),
            proposed=_lines(key, after, names),
            changed=changed,
        )
        if changed and key in LONG_TEXT and before and after:
            row.lines = _word_diff(str(before), str(after))
        rows.append(row)
    return rows


def changed_keys_since(
    *, kind: str, published: dict[str, Any] | None, live: dict[str, Any] | None
) -> list[Any]:
    """Labels of what changed on the live listing after the proposal was made (say, in the
    admin): approving would overwrite those changes."""
    if published is None or live is None:
        return []
    labels = SERVICE_LABELS if kind == ListingEdit.Kind.SERVICE else HUB_LABELS
    return [label for key, label in labels.items() if published.get(key) != live.get(key)]
