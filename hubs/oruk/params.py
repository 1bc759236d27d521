"""Query parameters of the ORUK API, parsed strictly: anything we cannot read is a 400 naming
the parameter, never a guess and never a 500."""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from luton2040.places import postcodes

from ..opening import LONDON, WEEKDAY_CODES
from ..selectors.oruk import Coverage, Point, ServiceFilters

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# A sync with minimal=true should get every id in one call (the HSDS advice); each row is tiny.
MINIMAL_DEFAULT_PER_PAGE = 1000
MINIMAL_MAX_PER_PAGE = 10_000
MAX_PROXIMITY_M = 100_000  # 100 km: further than that is not "near" a Luton postcode

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_DAY_NAMES = {
    name: code
    for code, name in zip(
        WEEKDAY_CODES,
        ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"),
        strict=True,
    )
}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


class BadParameter(Exception):
    """A query parameter the API cannot read; becomes a 400 {"error", "parameter"}."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _raw(query: QueryDict, name: str) -> str | None:
    value = query.get(name)
    if value is not None and "\x00" in value:
        # PostgreSQL text cannot hold NUL: "search=%00" was a 500 (found by the schemathesis
        # fuzz test). Django's form fields refuse it the same way.
        raise BadParameter(name, f"{name} must not contain a NUL character.")
    return None if value is None else value.strip()


def text(query: QueryDict, name: str) -> str:
    return (_raw(query, name) or "")[:200]


def boolean(query: QueryDict, name: str) -> bool:
    raw = _raw(query, name)
    if raw is None:
        return False
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise BadParameter(name, f"{name} must be true or false.")


def uuid_value(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadParameter(name, f"{name} must be a UUID.") from None


def optional_uuid(query: QueryDict, name: str) -> uuid.UUID | None:
    raw = _raw(query, name)
    return None if not raw else uuid_value(raw, name)


def positive_int(query: QueryDict, name: str, *, default: int, maximum: int) -> int:
    raw = _raw(query, name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter(name, f"{name} must be a whole number of 1 or more.")
    value = int(raw)
    if value > maximum:
        raise BadParameter(name, f"{name} must be {maximum} or less.")
    return value


def number(query: QueryDict, name: str) -> float | None:
    raw = _raw(query, name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a number.") from None
    if not math.isfinite(value) or value < 0:
        raise BadParameter(name, f"{name} must be a number of 0 or more.")
    return value


def time_of_day(query: QueryDict, name: str) -> dt.time | None:
    raw = _raw(query, name)
    if raw is None or raw == "":
        return None
    match = _TIME_RE.match(raw)
    if match is None:
        raise BadParameter(name, f"{name} must be a time of day as HH:MM, like 09:30.")
    return dt.time(int(match[1]), int(match[2]))


def days(query: QueryDict, name: str = "day") -> tuple[str, ...]:
    """RFC 5545 day codes, comma separated ("MO,TH"); full English day names are accepted too."""
    raw = _raw(query, name)
    if not raw:
        return ()
    codes: list[str] = []
    for part in raw.upper().split(","):
        token = part.strip()
        code = token if token in WEEKDAY_CODES else _DAY_NAMES.get(token)
        if code is None:
            raise BadParameter(
                name, f"{name} must be day codes like MO,TU,WE,TH,FR,SA,SU (comma separated)."
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def moment(query: QueryDict, name: str) -> dt.datetime | None:
    """An ISO 8601 date-time (or a date, meaning its start); without an offset, London time."""
    raw = _raw(query, name)
    if raw is None or raw == "":
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = dt.datetime.combine(day, dt.time()) if day is not None else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(name, f"{name} must be an ISO 8601 date-time, like 2025-01-31T09:00Z.")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=LONDON)
    try:
        # In UTC, because PostgreSQL refuses offsets beyond +/-15:59 that Python accepts
        # ("-23:06" was a 500, found by the schemathesis fuzz test).
        return value.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:00-01:00 is in the year 10000
        raise BadParameter(name, f"{name} must be a date-time in the years 1 to 9999.") from None


def check_format(query: QueryDict) -> None:
    raw = _raw(query, "format")
    if raw is None or raw.lower() in ("", "json"):
        return
    if raw.lower() == "ndjson":
        raise BadParameter("format", "format=ndjson is not supported; use json (paged).")
    raise BadParameter("format", "format must be json.")


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def paging(query: QueryDict, *, minimal: bool = False) -> Paging:
    return Paging(
        page=positive_int(query, "page", default=1, maximum=1_000_000),
        per_page=positive_int(
            query,
            "per_page",
            default=MINIMAL_DEFAULT_PER_PAGE if minimal else DEFAULT_PER_PAGE,
            maximum=MINIMAL_MAX_PER_PAGE if minimal else MAX_PER_PAGE,
        ),
    )


def _place(query: QueryDict) -> tuple[Coverage | None, Point | None, float | None]:
    raw_postcode = _raw(query, "postcode")
    proximity = number(query, "proximity")
    if not raw_postcode:
        if proximity is not None:
            raise BadParameter("proximity", "proximity needs a postcode to measure from.")
        return None, None, None
    if proximity is not None and not 0 < proximity <= MAX_PROXIMITY_M:
        raise BadParameter("proximity", f"proximity must be 1 to {MAX_PROXIMITY_M} metres.")
    try:
        postcode = postcodes.normalise_postcode(raw_postcode)
    except postcodes.InvalidPostcode:
        raise BadParameter(
            "postcode", "postcode must be a full UK postcode, like LU1 2BQ."
        ) from None
    found = postcodes.lookup_postcode(postcode)
    if found is None or found.latitude is None or found.longitude is None:
        raise BadParameter("postcode", "We do not know where this postcode is.")
    coverage = Coverage(ward=found.ward, in_luton=found.in_luton)
    return coverage, Point(found.latitude, found.longitude), proximity


def service_filters(query: QueryDict, *, with_place: bool = True) -> ServiceFilters:
    """Every parameter that narrows /services and /service_at_locations."""
    minimum_age = number(query, "minimum_age")
    maximum_age = number(query, "maximum_age")
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise BadParameter("maximum_age", "maximum_age must not be less than minimum_age.")
    start_time = time_of_day(query, "start_time")
    end_time = time_of_day(query, "end_time")
    coverage, near, proximity = _place(query) if with_place else (None, None, None)
    return ServiceFilters(
        search=text(query, "search"),
        taxonomy_term_id=optional_uuid(query, "taxonomy_term_id"),
        taxonomy_id=optional_uuid(query, "taxonomy_id"),
        organization_id=optional_uuid(query, "organization_id"),
        modified_after=moment(query, "modified_after"),
        days=days(query),
        start_time=start_time,
        end_time=end_time,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        coverage=coverage,
        near=near,
        proximity_m=proximity,
    )
