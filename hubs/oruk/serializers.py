"""Directory records as Open Referral UK v3 JSON (HSDS 3.0 with the UK profile).

Pure functions over rows the selectors in ``hubs.selectors.oruk`` have already loaded: nothing
here queries the database (every relation read below is prefetched or select_related there).

Rules followed throughout (docs/open-referral.md explains each):

- Blank and null optional fields are left out, never sent as "" or null: the official schemas
  declare them ``type: string``/``number``, so null would be invalid and "" is not a valid email,
  URI or date.
- Ids are the records' uuids; dates are YYYY-MM-DD; last_modified is UTC with milliseconds.
- Times are HH:MM wall-clock times in Europe/London with no offset (the offset changes with the
  clocks, so a fixed one would be wrong half the year); each schedule also says
  ``"timezone": "Europe/London"``.
- HSDS 3.0 fields the UK profile removed (language name and code, phones, eligibility and
  application text...) are still sent: the profile allows extra properties that do not conflict,
  and without them the data loses its meaning. Luton-only fields are extras with names no
  version of HSDS uses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import holidays

from ..opening import WEEKDAY_CODES, local_today

if TYPE_CHECKING:
    from ..models import (
        Accessibility,
        Address,
        Attribute,
        Contact,
        Language,
        Location,
        Organisation,
        Phone,
        Schedule,
        ScheduleException,
        Service,
        ServiceArea,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )

JSON = dict[str, Any]

# Namespace for ids of rows we derive rather than store (exception and bank-holiday schedule
# rows): uuid5 keeps them stable between requests, so a consumer's sync sees the same id.
DERIVED_ID_NAMESPACE = uuid.UUID("6f1d8d1e-3c1b-5b55-9a0e-2f3b6c7d4a10")
BANK_HOLIDAY_HORIZON_DAYS = 365


def _clean(data: JSON) -> JSON:
    """Drop keys whose value is None or "" (see the module docstring)."""
    return {key: value for key, value in data.items() if value is not None and value != ""}


def _id(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def public_assurer_email(service: Service) -> str:
    """Who last verified the listing, only when that address is already public on it. The
    field holds whoever confirmed it: often an editor's or an officer's own sign-in address,
    which is personal data (luton2040 personal-data registry) and must not be published."""
    email = (service.assurer_email or "").strip().lower()
    public = {
        (service.email or "").strip().lower(),
        (service.organisation.email or "").strip().lower(),
    } - {""}
    return service.assurer_email if email in public else ""


def last_modified(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with millisecond precision, as HSDS asks: 2025-01-31T09:30:00.000Z."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: Decimal | int | float | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _derived_id(*parts: object) -> str:
    return str(uuid.uuid5(DERIVED_ID_NAMESPACE, ":".join(str(p) for p in parts)))


# --- taxonomy --------------------------------------------------------------------------------


def taxonomy_term(term: TaxonomyTerm) -> JSON:
    """A taxonomy term (taxonomy_term.json). ``taxonomy`` and ``parent`` must be loaded."""
    return _clean(
        {
            "id": str(term.uuid),
            "name": term.name,
            "term": term.name,  # ORUK's own copy of the name
            "description": term.description,
            "code": term.code,
            "parent_id": _id(term.parent.uuid) if term.parent_id else None,  # type: ignore[union-attr]
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy.uuid),
            "term_uri": term.term_uri,
            "last_modified": last_modified(term.last_modified),
        }
    )


def _nested_term(term: TaxonomyTerm) -> JSON:
    # Inside an attribute the parent is not loaded (one join fewer): the term's own page has it.
    return _clean(
        {
            "id": str(term.uuid),
            "name": term.name,
            "term": term.name,
            "description": term.description,
            "code": term.code,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy.uuid),
            "term_uri": term.term_uri,
        }
    )


def taxonomy(tax: Taxonomy, *, with_terms: bool) -> JSON:
    """A taxonomy (taxonomy.json), with its terms when asked and prefetched."""
    data = _clean(
        {
            "id": str(tax.uuid),
            "name": tax.name,
            "description": tax.description,
            "uri": tax.uri,
            "version": tax.version,
            "last_modified": last_modified(tax.last_modified),
        }
    )
    if with_terms:
        data["taxonomy_terms"] = [taxonomy_term(term) for term in tax.terms.all()]
    return data


def attribute(attr: Attribute, *, link_id: uuid.UUID, link_entity: str) -> JSON:
    """An attribute with its nested term. The link is passed in: the caller has the record."""
    return _clean(
        {
            "id": str(attr.uuid),
            "link_id": str(link_id),
            "link_type": attr.link_type,
            "link_entity": link_entity,
            "taxonomy_term_id": str(attr.taxonomy_term.uuid),
            "value": attr.value,
            "taxonomy_term": _nested_term(attr.taxonomy_term),
        }
    )


def _attributes(rows: Iterable[Attribute], *, link_id: uuid.UUID, link_entity: str) -> list[JSON]:
    return [attribute(a, link_id=link_id, link_entity=link_entity) for a in rows]


# --- organisations ---------------------------------------------------------------------------


def organisation_summary(org: Organisation) -> JSON:
    """The one-to-one fields of an organisation (organization_list.json)."""
    parent = org.parent_organisation
    return _clean(
        {
            "id": str(org.uuid),
            "name": org.name,
            # Required by ORUK; our organisations may not have one yet.
            "description": org.description or org.name,
            "email": org.email,
            "website": org.website,
            "logo": org.logo,
            "uri": org.uri,
            "parent_organization_id": _id(parent.uuid) if parent is not None else None,
            "last_modified": last_modified(org.last_modified),
        }
    )


def _organisation_nested(org: Organisation) -> JSON:
    # The selectors load organisation__parent_organisation wherever a service is loaded.
    return organisation_summary(org)


def _organisation_children(org: Organisation) -> JSON:
    return {
        "organization_identifiers": [
            _clean(
                {
                    "id": str(i.uuid),
                    "organization_id": str(org.uuid),
                    "identifier_scheme": i.identifier_scheme,
                    "identifier_type": i.identifier_type,
                    "identifier": i.identifier,
                }
            )
            for i in org.identifiers.all()
        ],
        "attributes": _attributes(
            org.attributes.all(), link_id=org.uuid, link_entity="organization"
        ),
    }


def organisation_full(org: Organisation, *, full_service: bool) -> JSON:
    """An organisation with identifiers, attributes and its published services
    (organization.json); services fully nested when ``full_service``."""
    services: list[Service] = org.published_services  # type: ignore[attr-defined]
    data = organisation_summary(org) | _organisation_children(org)
    data["services"] = [service_full(s) if full_service else service_summary(s) for s in services]
    return data


# --- locations -------------------------------------------------------------------------------


def _phone(phone: Phone) -> JSON:
    return _clean(
        {
            "id": str(phone.uuid),
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
        }
    )


def _language(language: Language, **link: str) -> JSON:
    return _clean(
        {"id": str(language.uuid), **link, "name": language.name, "code": language.code}
        | {"note": language.note}
    )


def _address(address: Address, location: Location) -> JSON:
    return _clean(
        {
            "id": str(address.uuid),
            "location_id": str(location.uuid),
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type,
        }
    )


def _accessibility(row: Accessibility, location: Location) -> JSON:
    return _clean(
        {
            "id": str(row.uuid),
            "location_id": str(location.uuid),
            "description": row.description,
            "accessibility": row.description,  # ORUK's own copy of the description
            "details": row.details,
            "url": row.url,
        }
    )


def location_summary(location: Location) -> JSON:
    """The one-to-one fields of a location."""
    return _clean(
        {
            "id": str(location.uuid),
            "location_type": location.location_type,
            "name": location.name,
            "alternate_name": location.alternate_name,
            "description": location.description,
            "transportation": location.transportation,
            "url": location.url,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.external_identifier,
            "external_identifier_type": location.external_identifier_type,
            "is_community_hub": location.is_hub,
        }
    )


def location_full(location: Location) -> JSON:
    """A location with addresses, accessibility, phones, languages and attributes."""
    return location_summary(location) | {
        "addresses": [_address(a, location) for a in location.addresses.all()],
        "accessibility": [_accessibility(a, location) for a in location.accessibility.all()],
        "phones": [_phone(p) for p in location.phones.all()],
        "languages": [
            _language(lang, location_id=str(location.uuid)) for lang in location.languages.all()
        ],
        "attributes": _attributes(
            location.attributes.all(), link_id=location.uuid, link_entity="location"
        ),
    }


# --- schedules -------------------------------------------------------------------------------


def _schedule(row: Schedule, service: Service, sal: ServiceAtLocation | None) -> JSON:
    return _clean(
        {
            "id": str(row.uuid),
            "service_id": str(service.uuid),
            "service_at_location_id": _id(sal.uuid) if sal is not None else None,
            "valid_from": _date(row.valid_from),
            "valid_to": _date(row.valid_to),
            "dtstart": _date(row.dtstart),
            "until": _date(row.until),
            "timezone": row.timezone,
            "freq": row.freq,
            "interval": row.interval,
            "byday": row.byday,
            "bymonthday": row.bymonthday,
            "opens_at": _time(row.opens_at),
            "closes_at": _time(row.closes_at),
            "description": row.description,
            "schedule_link": row.schedule_link,
            "attending_type": row.attending_type,
            "notes": row.notes,
            "open_on_bank_holidays": row.open_on_bank_holidays,
        }
    )


def _days_between(start: dt.date, end: dt.date) -> str:
    """The RFC 5545 codes of the weekdays in a date range, in week order: "MO,TU"."""
    span = min((end - start).days + 1, 7)
    present = {(start + dt.timedelta(days=n)).weekday() for n in range(span)}
    return ",".join(WEEKDAY_CODES[d] for d in sorted(present))


def _exception_schedule(
    row: ScheduleException, service: Service, sal: ServiceAtLocation | None
) -> JSON:
    """A ScheduleException as a schedule row valid only on its dates (HSDS has no exceptions)."""
    reason = row.reason
    if row.closed:
        description = f"Closed: {reason}" if reason else "Closed"
        times: JSON = {}
    else:
        description = f"Special opening hours: {reason}" if reason else "Special opening hours"
        times = {
            "freq": "WEEKLY",
            "interval": 1,
            "byday": _days_between(row.starts_on, row.ends_on),
            "opens_at": _time(row.opens_at),
            "closes_at": _time(row.closes_at),
        }
    return _clean(
        {
            "id": _derived_id("exception", row.pk, sal.uuid if sal is not None else service.uuid),
            "service_id": str(service.uuid),
            "service_at_location_id": _id(sal.uuid) if sal is not None else None,
            "valid_from": _date(row.starts_on),
            "valid_to": _date(row.ends_on),
            "dtstart": _date(row.starts_on),
            "timezone": "Europe/London",
            **times,
            "description": description,
            "notes": "Replaces the usual times on these dates.",
            "exception": "closed" if row.closed else "special_hours",
        }
    )


def _bank_holiday_closures(service: Service, schedules: list[Schedule]) -> list[JSON]:
    """One closed row per coming bank holiday, when any regular session shuts on them."""
    if not any(s.opens_at and not s.open_on_bank_holidays for s in schedules):
        return []
    today = local_today()
    horizon = today + dt.timedelta(days=BANK_HOLIDAY_HORIZON_DAYS)
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(today.year, horizon.year + 1))
    rows = []
    for day, name in sorted(days.items()):
        if today <= day <= horizon:
            rows.append(
                {
                    "id": _derived_id("bank-holiday", service.uuid, day.isoformat()),
                    "service_id": str(service.uuid),
                    "valid_from": day.isoformat(),
                    "valid_to": day.isoformat(),
                    "dtstart": day.isoformat(),
                    "timezone": "Europe/London",
                    "description": f"Closed: {name}",
                    "notes": "Bank holiday: regular sessions do not run unless stated.",
                    "exception": "closed",
                }
            )
    return rows


def service_schedules(service: Service) -> list[JSON]:
    """Regular sessions, then exceptions and bank-holiday closures as dated schedule rows."""
    regular: dict[int, tuple[Schedule, ServiceAtLocation | None]] = {}
    sals = list(service.service_at_locations.all())
    for sal in sals:
        for row in sal.schedules.all():
            regular[row.pk] = (row, sal)
    for row in service.schedules.all():
        regular.setdefault(row.pk, (row, None))
    ordered = sorted(regular.values(), key=lambda pair: (pair[0].opens_at or dt.time(), pair[0].pk))
    data = [_schedule(row, service, sal) for row, sal in ordered]
    for exc in service.upcoming_exceptions:  # type: ignore[attr-defined]
        data.append(_exception_schedule(exc, service, None))
    for sal in sals:
        # A hub closed for repairs closes every service there: its location's exceptions count.
        seen: set[int] = set()
        for exc in [*sal.upcoming_exceptions, *sal.location.upcoming_exceptions]:  # type: ignore[attr-defined]
            if exc.pk not in seen:
                seen.add(exc.pk)
                data.append(_exception_schedule(exc, service, sal))
    data.extend(_bank_holiday_closures(service, [row for row, _sal in ordered]))
    return data


# --- services --------------------------------------------------------------------------------


def service_summary(service: Service) -> JSON:
    """The one-to-one fields of a service plus its organisation (service_list.json)."""
    return _clean(
        {
            "id": str(service.uuid),
            "organization_id": str(service.organisation.uuid),
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description or service.summary,
            "summary": service.summary,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "accreditations": service.accreditations,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": _date(service.assured_date),
            "assurer_email": public_assurer_email(service),
            "alert": service.alert,
            "last_modified": last_modified(service.last_modified),
            # Luton extras (docs/open-referral.md, "Fields beyond the standard").
            "referral_route": service.referral,
            "who_can_refer": service.who_can_refer,
            "what_to_bring": service.what_to_bring,
            "cost_model": service.cost,
            "organization": _organisation_nested(service.organisation),
        }
    )


def _service_area(area: ServiceArea, service: Service) -> JSON:
    return _clean(
        {
            "id": str(area.uuid),
            "service_id": str(service.uuid),
            "name": area.name,
            "service_area": area.name,  # ORUK's free-text copy
            "description": area.description,
            "extent": area.extent,
            "extent_type": area.extent_type,
            "uri": area.uri,
        }
    )


def _contact(contact: Contact, service: Service) -> JSON:
    return _clean(
        {
            "id": str(contact.uuid),
            "service_id": str(service.uuid),
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
        }
    ) | {"phones": [_phone(p) for p in contact.phones.all()]}


def _service_at_location_nested(sal: ServiceAtLocation, service: Service) -> JSON:
    return _clean(
        {
            "id": str(sal.uuid),
            "service_id": str(service.uuid),
            "location_id": str(sal.location.uuid),
            "description": sal.description,
        }
    ) | {"location": location_full(sal.location)}


def service_full(service: Service) -> JSON:
    """A fully nested service (compiled/service.json)."""
    organisation = service.organisation
    data = service_summary(service)
    data["organization"] = _organisation_nested(organisation) | _organisation_children(organisation)
    data |= {
        "schedules": service_schedules(service),
        "service_areas": [_service_area(a, service) for a in service.service_areas.all()],
        "service_at_locations": [
            _service_at_location_nested(sal, service) for sal in service.service_at_locations.all()
        ],
        "languages": [
            _language(lang, service_id=str(service.uuid)) for lang in service.languages.all()
        ],
        "funding": [
            {"id": str(f.uuid), "service_id": str(service.uuid), "source": f.source}
            for f in service.funding.all()
        ],
        "cost_options": [
            _clean(
                {
                    "id": str(c.uuid),
                    "service_id": str(service.uuid),
                    "valid_from": _date(c.valid_from),
                    "valid_to": _date(c.valid_to),
                    "option": c.option,
                    "currency": c.currency,
                    "amount": _number(c.amount),
                    "amount_description": c.amount_description,
                }
            )
            for c in service.cost_options.all()
        ],
        "contacts": [_contact(c, service) for c in service.contacts.all()],
        "phones": [_phone(p) for p in service.phones.all()],
        "required_documents": [
            _clean(
                {
                    "id": str(d.uuid),
                    "service_id": str(service.uuid),
                    "document": d.document,
                    "uri": d.uri,
                }
            )
            for d in service.required_documents.all()
        ],
        "attributes": _attributes(
            service.attributes.all(), link_id=service.uuid, link_entity="service"
        ),
    }
    return data


def service_minimal(service: Service) -> JSON:
    """Only what a sync needs: the id and when the record last changed."""
    return {"id": str(service.uuid), "last_modified": last_modified(service.last_modified)}


# --- services at locations -------------------------------------------------------------------


def _distance(sal_or_service: object) -> JSON:
    distance = getattr(sal_or_service, "distance", None)
    return {} if distance is None else {"distance": round(distance)}


def service_at_location_summary(sal: ServiceAtLocation) -> JSON:
    """One-to-one fields, the location and the service (service_at_location_list.json)."""
    return (
        _clean(
            {
                "id": str(sal.uuid),
                "service_id": str(sal.service.uuid),
                "location_id": str(sal.location.uuid),
                "description": sal.description,
            }
        )
        | _distance(sal)
        | {
            "location": location_summary(sal.location),
            "service": service_summary(sal.service),
        }
    )


def service_at_location_full(sal: ServiceAtLocation) -> JSON:
    """A service at a location with location and service fully nested
    (compiled/service_at_location.json)."""
    return service_at_location_summary(sal) | {
        "location": location_full(sal.location),
        "service": service_full(sal.service),
    }


def distance_of(record: object) -> JSON:
    """The ``distance`` extra (metres from the searched postcode), when one was computed."""
    return _distance(record)
