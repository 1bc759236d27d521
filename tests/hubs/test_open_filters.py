"""The SQL opening-time filters (hubs.querysets) agree with the Python engine (hubs.opening).

The key proof is ``test_sql_agrees_with_the_engine``: one data set holding every kind of
schedule and exception, checked day by day and time by time through both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.db.models import Prefetch

from hubs.models import Location, Schedule, Service, ServiceAtLocation
from hubs.opening import (
    LOCATION_PREFETCH,
    LONDON,
    SAL_PREFETCH,
    SERVICE_PREFETCH,
    bank_holiday,
    is_open_at,
    local_today,
    location_rows,
    sal_rows,
    schedule_applies,
    service_rows,
    state_at,
    times_on,
)

from ..factories import (
    LocationFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
T = dt.time


def at(place: ServiceAtLocation, byday: str, opens: T | None, closes: T | None, **kw: Any) -> Any:
    return ScheduleFactory(
        service_at_location=place, byday=byday, opens_at=opens, closes_at=closes, **kw
    )


def place(location: Any, name: str) -> ServiceAtLocation:
    return ServiceAtLocationFactory(location=location, service=ServiceFactory(name=name))


@pytest.fixture
def directory() -> dict[str, Any]:
    """Every kind of schedule and exception, at two hubs and a few other places."""
    hub = LocationFactory(is_hub=True, name="High Town hub")
    other_hub = LocationFactory(is_hub=True, name="Lewsey hub")
    ScheduleFactory(
        service_at_location=None,
        service=None,
        location=hub,
        byday="WE",
        opens_at=T(9),
        closes_at=T(17),
    )
    ScheduleExceptionFactory(
        service_at_location=None, location=hub, starts_on=D(2026, 4, 1), reason="Repairs"
    )

    weekly = place(hub, "weekly")
    at(weekly, "MO", T(10), T(14))
    ScheduleExceptionFactory(  # special hours on the late summer bank holiday
        service_at_location=weekly,
        starts_on=D(2026, 8, 31),
        closed=False,
        opens_at=T(10),
        closes_at=T(12),
    )
    at(place(other_hub, "fortnightly"), "TU", T(10), T(12), interval=2, dtstart=D(2026, 1, 6))
    at(place(hub, "second monday"), "2MO", T(13), T(15), freq="MONTHLY")
    at(place(other_hub, "last friday"), "-1FR", T(18), T(21), freq="MONTHLY")
    at(place(LocationFactory(), "1st and 15th"), "", T(9), T(10), freq="MONTHLY", bymonthday="1,15")
    at(
        place(hub, "warm space"),
        "MO,WE,FR",
        T(10),
        T(16),
        valid_from=D(2026, 10, 1),
        valid_to=D(2027, 3, 31),
    )
    at(place(other_hub, "bank holidays too"), "MO", T(9), T(17), open_on_bank_holidays=True)

    shelter = place(other_hub, "night shelter")
    at(shelter, "SA", T(22), T(2))
    ScheduleExceptionFactory(
        service_at_location=shelter,
        starts_on=D(2026, 12, 24),
        closed=False,
        opens_at=T(20),
        closes_at=T(8),
    )
    ScheduleExceptionFactory(
        service_at_location=shelter, starts_on=D(2026, 4, 4), reason="Volunteers away"
    )

    phone_line = ServiceFactory(name="phone line")  # no place: its own times
    ScheduleFactory(
        service_at_location=None, service=phone_line, byday="TH", opens_at=T(10), closes_at=T(12)
    )
    ScheduleExceptionFactory(service_at_location=None, service=phone_line, starts_on=D(2026, 4, 9))
    ScheduleExceptionFactory(
        service_at_location=None,
        service=phone_line,
        starts_on=D(2026, 4, 11),
        closed=False,
        opens_at=T(10),
        closes_at=T(11),
    )

    two_places = place(hub, "two places")
    at(two_places, "SU", T(11), T(13))
    second = ServiceAtLocationFactory(service=two_places.service, location=LocationFactory())
    ScheduleFactory(  # the service's usual times, used where a place has none of its own
        service_at_location=None,
        service=second.service,
        byday="FR",
        opens_at=T(14),
        closes_at=T(16),
    )
    ScheduleExceptionFactory(
        service_at_location=None, service=second.service, starts_on=D(2026, 4, 10)
    )

    at(
        place(hub, "every other month"),
        "1TU",
        T(19),
        T(21),
        freq="MONTHLY",
        interval=2,
        dtstart=D(2026, 1, 6),
    )
    at(place(other_hub, "no times"), "MO", None, None)
    at(
        place(hub, "from first session"),
        "",
        T(12),
        T(13),
        dtstart=D(2026, 3, 25),
        until=D(2026, 12, 31),
    )
    at(place(other_hub, "midweek start"), "MO,WE", T(15), T(17), interval=2, dtstart=D(2026, 1, 7))
    at(place(hub, "till midnight"), "FR", T(20), T(0))
    ServiceFactory(name="no schedule")
    return {"hub": hub, "other_hub": other_hub}


def days(start: D, end: D) -> list[D]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


PERIODS = {
    "spring 2026 (clocks go forward, Easter)": days(D(2026, 3, 26), D(2026, 4, 14)),
    "late summer 2026": days(D(2026, 8, 27), D(2026, 9, 3)),
    "autumn 2026 (season starts, clocks go back)": days(D(2026, 9, 28), D(2026, 10, 6))
    + days(D(2026, 10, 23), D(2026, 10, 27)),
    "Christmas 2026": days(D(2026, 12, 19), D(2027, 1, 5)),
    "Easter 2027 (season ends)": days(D(2027, 3, 25), D(2027, 4, 2)),
    "late summer 2027": days(D(2027, 8, 27), D(2027, 8, 31)),
}
# Either side of midnight, openings and closings, and evening.
TIMES = [
    T(0, 30),
    T(1, 59),
    T(2),
    T(9, 30),
    T(10),
    T(13, 59),
    T(14),
    T(18, 30),
    T(20, 15),
    T(23, 59),
]

Rows = tuple[list[Schedule], list[Any]]


def service_rows_by_pk() -> Iterator[tuple[int, list[Rows]]]:
    """Each service's rows, per place (or its own when it has none), loaded once."""
    places = ServiceAtLocation.objects.prefetch_related(*SAL_PREFETCH)
    services = Service.objects.prefetch_related(
        *SERVICE_PREFETCH, Prefetch("service_at_locations", queryset=places)
    )
    for service in services:
        sals = list(service.service_at_locations.all())
        yield service.pk, [sal_rows(sal) for sal in sals] if sals else [service_rows(service)]


def location_rows_by_pk() -> Iterator[tuple[int, list[Rows]]]:
    places = ServiceAtLocation.objects.prefetch_related(*SAL_PREFETCH)
    locations = Location.objects.prefetch_related(
        *LOCATION_PREFETCH, Prefetch("service_at_locations", queryset=places)
    )
    for location in locations:
        own = location_rows(location)
        yield location.pk, [own, *(sal_rows(sal) for sal in location.service_at_locations.all())]


def engine_says(
    rows: Sequence[tuple[int, list[Rows]]], is_open: Callable[[Rows], bool]
) -> set[int]:
    return {pk for pk, listing in rows if any(is_open(r) for r in listing)}


def open_on(day: D) -> Callable[[Rows], bool]:
    return lambda r: times_on(schedules=r[0], exceptions=r[1], day=day).is_open_day


def open_at(moment: dt.datetime) -> Callable[[Rows], bool]:
    return lambda r: is_open_at(schedules=r[0], exceptions=r[1], moment=moment)


def open_now(moment: dt.datetime) -> Callable[[Rows], bool]:
    # The full answer a listing shows; slower (it looks ahead for "Next open ..."), so sampled.
    return lambda r: state_at(schedules=r[0], exceptions=r[1], moment=moment).open_now


@pytest.mark.parametrize("period", list(PERIODS))
def test_sql_agrees_with_the_engine(directory: dict[str, Any], period: str) -> None:
    services = list(service_rows_by_pk())
    locations = list(location_rows_by_pk())
    schedules = list(Schedule.objects.all())
    service_names = dict(Service.objects.values_list("pk", "name"))
    location_names = dict(Location.objects.values_list("pk", "name"))
    schedule_names = {s.pk: f"{service_names.get(s.service_id, 'hub')}: {s}" for s in schedules}
    disagreements: list[str] = []

    def compare(what: str, sql: set[int], engine: set[int], names: dict[int, str]) -> None:
        if sql != engine:
            only_sql = sorted(names[pk] for pk in sql - engine)
            only_engine = sorted(names[pk] for pk in engine - sql)
            disagreements.append(f"{what}: only SQL {only_sql}, only engine {only_engine}")

    opened_any_day = set()
    for day in PERIODS[period]:
        holiday = bank_holiday(day)
        compare(
            f"Schedule.on_day({day})",
            set(Schedule.objects.on_day(day).values_list("pk", flat=True)),
            {
                s.pk
                for s in schedules
                if schedule_applies(s, day) and (holiday is None or s.open_on_bank_holidays)
            },
            schedule_names,
        )
        sql_services = set(Service.objects.open_on(day).values_list("pk", flat=True))
        opened_any_day |= sql_services
        compare(
            f"Service.open_on({day})",
            sql_services,
            engine_says(services, open_on(day)),
            service_names,
        )
        compare(
            f"Location.open_on({day})",
            set(Location.objects.open_on(day).values_list("pk", flat=True)),
            engine_says(locations, open_on(day)),
            location_names,
        )
        for wall in TIMES:
            moment = dt.datetime.combine(day, wall, tzinfo=LONDON).astimezone(dt.UTC)
            sql_open_now = set(Service.objects.open_at(moment).values_list("pk", flat=True))
            compare(
                f"Service.open_at({day} {wall})",
                sql_open_now,
                engine_says(services, open_at(moment)),
                service_names,
            )
            if wall == TIMES[day.toordinal() % len(TIMES)]:  # one time a day, rotating
                compare(
                    f"state_at({day} {wall}).open_now",
                    sql_open_now,
                    engine_says(services, open_now(moment)),
                    service_names,
                )
            compare(
                f"Location.open_at({day} {wall})",
                set(Location.objects.open_at(moment).values_list("pk", flat=True)),
                engine_says(locations, open_at(moment)),
                location_names,
            )
    assert disagreements == []
    assert opened_any_day, "the data set must open something in every period"


def open_names(queryset: Any) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_open_on_examples(directory: dict[str, Any]) -> None:
    # Wednesday 1 April 2026: the hub is closed for repairs, so are its services that day.
    assert open_names(Service.objects.open_on(D(2026, 4, 1))) == {"midweek start", "1st and 15th"}
    assert open_names(Location.objects.hubs().open_on(D(2026, 4, 1))) == {"Lewsey hub"}
    # Easter Monday: only the bank-holiday service (Monday sessions are closed).
    assert open_names(Service.objects.open_on(D(2026, 4, 6))) == {"bank holidays too"}
    # Late summer bank holiday: the special hours open the weekly service too.
    assert open_names(Service.objects.open_on(D(2026, 8, 31))) == {"bank holidays too", "weekly"}
    # The night shelter opens on Christmas Eve on special hours; a phone line with no place.
    assert "night shelter" in open_names(Service.objects.open_on(D(2026, 12, 24)))
    assert "phone line" in open_names(Service.objects.open_on(D(2026, 4, 2)))
    assert "phone line" not in open_names(Service.objects.open_on(D(2026, 4, 9)))


def test_open_at_examples(directory: dict[str, Any]) -> None:
    sunday_1am = dt.datetime(2026, 4, 12, 1, 0, tzinfo=LONDON)
    assert open_names(Service.objects.open_at(sunday_1am)) == {"night shelter"}
    assert open_names(Location.objects.open_at(sunday_1am)) == {"Lewsey hub"}
    # Christmas Day 07:00: still the special overnight hours from Christmas Eve.
    assert open_names(Service.objects.open_at(dt.datetime(2026, 12, 25, 7, tzinfo=LONDON))) == {
        "night shelter"
    }
    # 09:30 UTC on the spring-forward Sunday is 10:30 BST... no Sunday-morning session, but
    # 11:30 BST (10:30 UTC) is inside "two places" 11:00 to 13:00.
    assert open_names(Service.objects.open_at(dt.datetime(2026, 3, 29, 10, 30, tzinfo=dt.UTC))) == {
        "two places"
    }
    assert (
        open_names(Service.objects.open_at(dt.datetime(2026, 3, 29, 9, 30, tzinfo=dt.UTC))) == set()
    )


def test_a_service_open_at_two_places_is_listed_once(directory: dict[str, Any]) -> None:
    both = ServiceFactory(name="both")
    for location in (directory["hub"], directory["other_hub"]):
        at(ServiceAtLocationFactory(service=both, location=location), "TU", T(10), T(12))
    tuesday = Service.objects.open_on(D(2026, 4, 14))
    assert [s.name for s in tuesday].count("both") == 1
    assert Location.objects.open_on(D(2026, 4, 14)).filter(pk=directory["hub"].pk).count() == 1


# --- weekends, evenings and the API's day/time filters ---------------------------------------


@pytest.fixture
def week_sessions() -> None:
    """Current schedules with plain weekly and monthly days; one ended, one not begun."""
    today = local_today()
    at(place(LocationFactory(), "monday morning"), "MO", T(9), T(12))
    at(place(LocationFactory(), "saturday"), "SA", T(10), T(13))
    at(place(LocationFactory(), "last sunday"), "-1SU", T(14), T(16), freq="MONTHLY")
    at(place(LocationFactory(), "tuesday evening"), "TU", T(18), T(20))
    at(place(LocationFactory(), "friday late"), "FR", T(21), T(1))
    at(place(LocationFactory(), "thursday afternoon"), "TH", T(13), T(17, 59))
    at(place(LocationFactory(), "ended"), "SA", T(18), T(22), valid_to=today - dt.timedelta(days=1))
    at(
        place(LocationFactory(), "next winter"),
        "SU",
        T(10),
        T(12),
        valid_from=today + dt.timedelta(days=60),
    )
    ScheduleFactory(
        service_at_location=None,
        service=ServiceFactory(name="helpline"),
        byday="WE,SU",
        opens_at=T(8),
        closes_at=T(10),
    )


def test_open_at_weekends(week_sessions: None) -> None:
    assert open_names(Service.objects.open_at_weekends()) == {
        "saturday",
        "last sunday",
        "next winter",
        "helpline",
    }


def test_open_in_evenings(week_sessions: None) -> None:
    assert open_names(Service.objects.open_in_evenings()) == {"tuesday evening", "friday late"}


@pytest.mark.parametrize(
    ("days", "start", "end", "expected"),
    [
        (["MO"], None, None, {"monday morning"}),
        (["sa", "SU"], None, None, {"saturday", "last sunday", "next winter", "helpline"}),
        ([], T(17), None, {"tuesday evening", "friday late", "thursday afternoon"}),
        ([], None, T(9), {"helpline"}),  # a 09:00 start does not overlap "until 09:00"
        (["MO", "WE"], T(9, 30), T(10), {"monday morning", "helpline"}),
        (["FR"], T(23), T(23, 30), {"friday late"}),
        (["TU"], T(12), T(13), set()),
        (["XX"], None, None, set()),  # an unknown day code matches nothing, not everything
    ],
)
def test_running_during(
    week_sessions: None, days: list[str], start: T | None, end: T | None, expected: set[str]
) -> None:
    found = Service.objects.running_during(days=days, start_time=start, end_time=end)
    assert open_names(found) == expected


# --- constant query counts --------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 12])
def test_filters_cost_one_query_whatever_the_data(
    size: int, django_assert_num_queries: Any
) -> None:
    hub = LocationFactory(is_hub=True)
    for n in range(size):
        sal = ServiceAtLocationFactory(location=hub)
        at(sal, "MO,SA", T(10), T(19))
        at(ServiceAtLocationFactory(service=sal.service), "-1FR", T(22), T(2), freq="MONTHLY")
        ScheduleExceptionFactory(
            service_at_location=sal, starts_on=D(2026, 4, 13) + dt.timedelta(days=7 * n)
        )
    monday = D(2026, 4, 20)
    moment = dt.datetime(2026, 4, 20, 11, tzinfo=LONDON)
    filters = [
        Service.objects.open_on(monday),
        Service.objects.open_at(moment),
        Service.objects.open_at_weekends(),
        Service.objects.open_in_evenings(),
        Service.objects.running_during(days=["MO"], start_time=T(9), end_time=T(17)),
        Location.objects.hubs().open_on(monday),
        Location.objects.open_at(moment),
        Schedule.objects.on_day(monday),
    ]
    for queryset in filters:
        with django_assert_num_queries(1):
            assert list(queryset)
