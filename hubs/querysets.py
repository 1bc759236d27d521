"""Intention-named filters over directory records (no writes here).

The opening-time filters are the SQL twin of ``hubs.opening`` (read its docstring for the
rules): each is a fixed set of EXISTS subqueries, so a filter costs one query whatever the data,
and never duplicates rows. tests/hubs/test_open_filters.py checks both give the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, Expression, F, OuterRef, Q

from . import opening

if TYPE_CHECKING:
    from .models import Location, Schedule, Service  # noqa: F401 (QuerySet["..."] names)


class ServiceQuerySet(models.QuerySet["Service"]):
    def listed(self) -> ServiceQuerySet:
        """What residents may see: running or temporarily closed, not closed for good."""
        return self.filter(status__in=["active", "temporarily closed"])

    def open_on(self, day: dt.date) -> ServiceQuerySet:
        """Services with a session on that date at any of their places (or their own times)."""
        return self.filter(_service_open(lambda scope: _open_on_q(scope, day)))

    def open_at(self, moment: dt.datetime) -> ServiceQuerySet:
        """Services with a session covering that moment (London time), past midnight included."""
        return self.filter(_service_open(lambda scope: _open_at_q(scope, moment)))

    def open_at_weekends(self) -> ServiceQuerySet:
        """Services with a current schedule on Saturday or Sunday."""
        return self.running_during(days=["SA", "SU"], start_time=None, end_time=None)

    def open_in_evenings(self) -> ServiceQuerySet:
        """Services with a current session closing at 18:00 or later, or past midnight."""
        from .models import Schedule

        evening = Q(closes_at__gte=dt.time(18, 0)) | Q(closes_at__lte=F("opens_at"))
        rows = Schedule.objects.current(opening.local_today()).filter(evening, **_HAS_TIMES)
        return self.filter(_any_schedule_of_service(rows))

    def running_during(
        self,
        *,
        days: list[str],
        start_time: dt.time | None,
        end_time: dt.time | None,
    ) -> ServiceQuerySet:
        """The ORUK API's day/start_time/end_time filters: a current schedule on one of those
        RFC 5545 day codes (any day if none) whose session overlaps the time window."""
        from .models import Schedule

        rows = Schedule.objects.current(opening.local_today()).running_during(
            days=days, start_time=start_time, end_time=end_time
        )
        return self.filter(_any_schedule_of_service(rows))


class LocationQuerySet(models.QuerySet["Location"]):
    def hubs(self) -> LocationQuerySet:
        return self.filter(is_hub=True)

    def open_on(self, day: dt.date) -> LocationQuerySet:
        """Places open on that date: by their own hours, or a service running there."""
        return self.filter(_location_open(lambda scope: _open_on_q(scope, day)))

    def open_at(self, moment: dt.datetime) -> LocationQuerySet:
        """Places open at that moment (London time): own hours, or a service running there."""
        return self.filter(_location_open(lambda scope: _open_at_q(scope, moment)))


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def on_day(self, day: dt.date) -> ScheduleQuerySet:
        """Schedules that recur on that date, bank holidays applied (exceptions are not)."""
        return self.filter(_on_day_q(day))

    def current(self, today: dt.date) -> ScheduleQuerySet:
        """Schedules that have not ended before ``today``."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            Q(until__isnull=True) | Q(until__gte=today),
        )

    def running_during(
        self,
        *,
        days: list[str],
        start_time: dt.time | None,
        end_time: dt.time | None,
    ) -> ScheduleQuerySet:
        """Schedules on one of those day codes whose session overlaps start_time..end_time.

        A session past midnight counts on the day it starts: 22:00 to 02:00 overlaps 23:00 on its
        own day, not 01:00 on the next.
        """
        codes = sorted({code.strip().upper() for code in days} & set(opening.WEEKDAY_CODES))
        rows = self.filter(**_HAS_TIMES)
        if days and not codes:
            return self.none()  # only unknown codes: nothing, rather than every day
        if codes:
            isodays = [opening.WEEKDAY_CODES.index(code) + 1 for code in codes]
            rows = rows.filter(
                Q(byday__iregex=_any_weekday_regex(codes))
                | Q(byday="", dtstart__iso_week_day__in=isodays)
            )
        overnight = Q(closes_at__lte=F("opens_at"))
        if start_time is not None:
            rows = rows.filter(overnight | Q(closes_at__gt=start_time))
        if end_time is not None:
            rows = rows.filter(opens_at__lt=end_time)
        return rows


# --- building blocks ---------------------------------------------------------------------------

_HAS_TIMES: dict[str, Any] = {"opens_at__isnull": False, "closes_at__isnull": False}


def _token_regex(tokens: Iterable[str]) -> str:
    """A regex matching a comma-separated RFC 5545 list containing one of the tokens."""
    alternatives = "|".join(sorted(tokens))
    return rf"(^|,)\s*\+?({alternatives})\s*(,|$)"


def _any_weekday_regex(codes: Iterable[str]) -> str:
    # Weekly "MO" and monthly "2MO" / "-1MO" all run on a Monday.
    return rf"(^|,)\s*(\+?[0-9]+|-[0-9]+)?({'|'.join(codes)})\s*(,|$)"


class _RecursOn(Expression):
    """SQL for ``opening.schedule_applies`` on one date: a boolean over a schedule's columns.

    Written as one SQL expression (columns still resolved by Django, values still bound as
    parameters) because the same rule built from Q objects took ~2 ms to compile each time, and
    one "open now" filter nests it six times, at every level of the subqueries.
    """

    output_field = models.BooleanField()
    conditional = True
    COLUMNS: tuple[str, ...] = (
        *("valid_from", "valid_to", "dtstart", "until"),
        *("freq", "byday", "bymonthday", "interval"),
    )

    def __init__(self, day: dt.date, columns: list[Any] | None = None) -> None:
        super().__init__()
        self.day = day
        self.columns = columns or [F(name) for name in self.COLUMNS]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        col = {
            name: compiler.compile(expr)[0]
            for name, expr in zip(self.COLUMNS, self.columns, strict=True)
        }
        day = self.day
        monday = day - dt.timedelta(days=day.weekday())
        sql = f"""COALESCE(
            ({col["valid_from"]} IS NULL OR {col["valid_from"]} <= %s::date)
            AND ({col["valid_to"]} IS NULL OR {col["valid_to"]} >= %s::date)
            AND ({col["dtstart"]} IS NULL OR {col["dtstart"]} <= %s::date)
            AND ({col["until"]} IS NULL OR {col["until"]} >= %s::date)
            AND CASE WHEN {col["freq"]} = 'MONTHLY' THEN
                ({col["byday"]} = '' OR {col["byday"]} ~* %s)
                AND ({col["bymonthday"]} = '' OR {col["bymonthday"]} ~* %s)
                AND ({col["byday"]} <> '' OR {col["bymonthday"]} <> ''
                     OR EXTRACT(DAY FROM {col["dtstart"]})::int = %s)
                AND ({col["interval"]} <= 1 OR {col["dtstart"]} IS NULL
                     OR MOD(%s - (EXTRACT(YEAR FROM {col["dtstart"]})::int * 12
                                  + EXTRACT(MONTH FROM {col["dtstart"]})::int),
                            {col["interval"]}) = 0)
            ELSE
                ({col["byday"]} ~* %s
                 OR ({col["byday"]} = '' AND EXTRACT(ISODOW FROM {col["dtstart"]})::int = %s))
                AND ({col["interval"]} <= 1 OR {col["dtstart"]} IS NULL
                     OR MOD((%s::date - {col["dtstart"]})
                            + EXTRACT(ISODOW FROM {col["dtstart"]})::int - 1,
                            {col["interval"]} * 7) = 0)
            END, false)"""
        params: list[Any] = [day, day, day, day]
        params += [
            _token_regex(opening.day_tokens(day, monthly=True)),
            _token_regex(opening.month_day_tokens(day)),
            day.day,
            day.year * 12 + day.month,
            _token_regex(opening.day_tokens(day, monthly=False)),
            day.isoweekday(),
            monday,
        ]
        return sql, tuple(params)


def _on_day_q(day: dt.date) -> Q:
    """Schedules recurring on that date (``_RecursOn``), less those a bank holiday cancels."""
    applies = Q(_RecursOn(day))
    if opening.bank_holiday(day) is not None:
        applies &= Q(open_on_bank_holidays=True)
    return applies


def _covers(at: dt.time) -> Q:
    """A row whose session covers that time on its own day."""
    return Q(opens_at__lte=at) & (Q(closes_at__lte=F("opens_at")) | Q(closes_at__gt=at))


def _covers_after_midnight(at: dt.time) -> Q:
    """A row whose session started the day before and still runs at that time."""
    return Q(closes_at__lte=F("opens_at"), closes_at__gt=at)


@dataclass(frozen=True)
class _Scope:
    """Where a listing's rows come from, relative to the row being filtered (OuterRef)."""

    schedules: Callable[[Q], Q]  # "some schedule in scope matches this filter"
    exceptions: Callable[[Q], Q]  # "some exception in scope matches this filter"


def _sal_scope() -> _Scope:
    """Rows for one service at a location, as opening.sal_rows picks them."""
    from .models import Schedule, ScheduleException

    def schedules(match: Q) -> Q:
        own = Schedule.objects.filter(service_at_location=OuterRef("pk"))
        of_service = Schedule.objects.filter(
            Q(location__isnull=True) | Q(location=OuterRef("location_id")),
            service=OuterRef("service_id"),
            service_at_location__isnull=True,
        )
        return Q(Exists(own.filter(match))) | (
            ~Q(Exists(own)) & Q(Exists(of_service.filter(match)))
        )

    def exceptions(match: Q) -> Q:
        this_sal = Q(service_at_location__isnull=True) | Q(service_at_location=OuterRef("pk"))
        rows = ScheduleException.objects.filter(
            Q(service_at_location=OuterRef("pk"))
            | (
                Q(location=OuterRef("location_id"))
                & (Q(service__isnull=True) | Q(service=OuterRef("service_id")))
                & this_sal
            )
            | (
                Q(service=OuterRef("service_id"))
                & (Q(location__isnull=True) | Q(location=OuterRef("location_id")))
                & this_sal
            )
        )
        return Q(Exists(rows.filter(match)))

    return _Scope(schedules=schedules, exceptions=exceptions)


def _own_scope(field: str) -> _Scope:
    """A location's or a service's own rows (opening.location_rows / service_rows)."""
    from .models import Schedule, ScheduleException

    others = {"location", "service", "service_at_location"} - {field}
    own = {field: OuterRef("pk"), **{f"{other}__isnull": True for other in others}}
    return _Scope(
        schedules=lambda match: Q(Exists(Schedule.objects.filter(match, **own))),
        exceptions=lambda match: Q(Exists(ScheduleException.objects.filter(match, **own))),
    )


def _exception_covering(day: dt.date, *, closed: bool) -> Q:
    return Q(starts_on__lte=day, ends_on__gte=day, closed=closed)


def _open_on_q(scope: _Scope, day: dt.date) -> Q:
    special = scope.exceptions(_exception_covering(day, closed=False))
    closed = scope.exceptions(_exception_covering(day, closed=True))
    running = scope.schedules(_on_day_q(day) & Q(**_HAS_TIMES))
    return special | (running & ~closed)


def _sessions_cover_q(scope: _Scope, day: dt.date, match: Q) -> Q:
    """The day's sessions (special hours, else the schedules unless closed) include ``match``."""
    special = _exception_covering(day, closed=False)
    return scope.exceptions(special & match) | (
        ~scope.exceptions(special)
        & ~scope.exceptions(_exception_covering(day, closed=True))
        & scope.schedules(_on_day_q(day) & Q(**_HAS_TIMES) & match)
    )


def _open_at_q(scope: _Scope, moment: dt.datetime) -> Q:
    local = moment.astimezone(opening.LONDON)
    day, at = local.date(), local.time()
    return _sessions_cover_q(scope, day, _covers(at)) | _sessions_cover_q(
        scope, day - dt.timedelta(days=1), _covers_after_midnight(at)
    )


def _service_open(open_q: Callable[[_Scope], Q]) -> Q:
    """Open at any of its places; a service with no place goes by its own times."""
    from .models import ServiceAtLocation

    places = ServiceAtLocation.objects.filter(service=OuterRef("pk"))
    return Q(Exists(places.filter(open_q(_sal_scope())))) | (
        ~Q(Exists(places)) & open_q(_own_scope("service"))
    )


def _location_open(open_q: Callable[[_Scope], Q]) -> Q:
    from .models import ServiceAtLocation

    places = ServiceAtLocation.objects.filter(location=OuterRef("pk"))
    return open_q(_own_scope("location")) | Q(Exists(places.filter(open_q(_sal_scope()))))


def _any_schedule_of_service(rows: ScheduleQuerySet) -> Q:
    """Some of these schedules belong to the service, directly or at one of its places.

    Two EXISTS rather than one with an OR across a join: each can use its foreign-key index.
    """
    return Q(Exists(rows.filter(service=OuterRef("pk")))) | Q(
        Exists(rows.filter(service_at_location__service=OuterRef("pk")))
    )
