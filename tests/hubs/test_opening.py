"""The opening-times engine (hubs.opening): dates are chosen explicitly, never "today".

Calendar used below: 2026-04-13 and 2026-03-09 are Mondays; 2026-03-29 and 2026-10-25 are the
clock-change Sundays; bank holidays include 2026-04-06 and 2027-03-29 (Easter Monday),
2026-08-31 and 2027-08-30 (late summer), 2026-12-25 (Friday) and 2026-12-26 (Saturday).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hubs.models import ServiceAtLocation
from hubs.opening import (
    LOCATION_PREFETCH,
    LONDON,
    SAL_PREFETCH,
    DayTimes,
    Session,
    bank_holiday,
    local_now,
    local_today,
    location_rows,
    sal_rows,
    state_at,
    times_on,
    week,
)

from ..factories import (
    LocationFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
)

D = dt.date
T = dt.time


TEN, TWO_PM = T(10), T(14)


def session(byday: str = "MO", opens: T = TEN, closes: T = TWO_PM, **kwargs: Any) -> Any:
    """An unsaved schedule (the engine never touches the database)."""
    return ScheduleFactory.build(byday=byday, opens_at=opens, closes_at=closes, **kwargs)


def exception(starts_on: D, ends_on: D | None = None, **kwargs: Any) -> Any:
    return ScheduleExceptionFactory.build(
        starts_on=starts_on, ends_on=ends_on or starts_on, **kwargs
    )


def text_on(schedules: list[Any], day: D, exceptions: list[Any] | None = None) -> str:
    return times_on(schedules=schedules, exceptions=exceptions or [], day=day).text


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def state(schedules: list[Any], moment: dt.datetime, exceptions: list[Any] | None = None) -> Any:
    return state_at(schedules=schedules, exceptions=exceptions or [], moment=moment)


# --- days -------------------------------------------------------------------------------------


def test_weekly_session_runs_on_its_weekday_only() -> None:
    monday = [session("MO")]
    assert text_on(monday, D(2026, 4, 13)) == "10:00 to 14:00"
    assert text_on(monday, D(2026, 4, 14)) == "Closed"
    assert times_on(schedules=monday, exceptions=[], day=D(2026, 4, 20)).is_open_day


def test_several_sessions_read_as_a_sentence_in_time_order() -> None:
    two = [session("MO", T(13), T(16)), session("MO", T(10), T(12))]
    assert text_on(two, D(2026, 4, 13)) == "10:00 to 12:00 and 13:00 to 16:00"
    three = [*two, session("MO", T(18), T(19, 30))]
    assert text_on(three, D(2026, 4, 13)) == "10:00 to 12:00, 13:00 to 16:00 and 18:00 to 19:30"
    # Two rows with the same times (entered twice) show once.
    assert text_on([session("MO"), session("MO")], D(2026, 4, 13)) == "10:00 to 14:00"


def test_weekly_schedule_without_days_runs_on_its_first_sessions_weekday() -> None:
    wednesdays = [session("", dtstart=D(2026, 4, 1))]
    assert text_on(wednesdays, D(2026, 4, 8)) == "10:00 to 14:00"
    assert text_on(wednesdays, D(2026, 4, 9)) == "Closed"


@pytest.mark.parametrize(
    ("day", "runs"),
    [
        (D(2025, 12, 30), False),  # a Tuesday in step, but before the first session
        (D(2026, 1, 6), True),  # the first session
        (D(2026, 1, 13), False),
        (D(2026, 1, 20), True),
        (D(2026, 1, 27), False),
        (D(2026, 3, 31), True),  # 12 weeks on, across the clock change
        (D(2027, 1, 5), True),  # 52 weeks on, across the new year
        (D(2027, 1, 12), False),
    ],
)
def test_fortnightly_session_runs_every_other_week_from_its_first_session(
    day: D, runs: bool
) -> None:
    fortnightly = [session("TU", interval=2, dtstart=D(2026, 1, 6))]
    assert times_on(schedules=fortnightly, exceptions=[], day=day).is_open_day is runs


def test_fortnightly_weeks_count_from_the_week_of_a_midweek_first_session() -> None:
    # First session Wednesday 7 January; the Monday of that week is before it, so not a session.
    fortnightly = [session("MO,WE", interval=2, dtstart=D(2026, 1, 7))]
    assert text_on(fortnightly, D(2026, 1, 5)) == "Closed"
    assert text_on(fortnightly, D(2026, 1, 7)) == "10:00 to 14:00"
    assert text_on(fortnightly, D(2026, 1, 12)) == "Closed"
    assert text_on(fortnightly, D(2026, 1, 19)) == "10:00 to 14:00"
    assert text_on(fortnightly, D(2026, 1, 21)) == "10:00 to 14:00"


@pytest.mark.parametrize(
    ("day", "runs"),
    [
        (D(2026, 3, 2), False),
        (D(2026, 3, 9), True),
        (D(2026, 3, 16), False),
        (D(2026, 5, 11), True),
    ],
)
def test_second_monday_of_the_month(day: D, runs: bool) -> None:
    second_monday = [session("2MO", freq="MONTHLY", opens=T(13), closes=T(15))]
    assert times_on(schedules=second_monday, exceptions=[], day=day).is_open_day is runs


@pytest.mark.parametrize(
    ("day", "runs"),
    [
        (D(2026, 1, 30), True),  # a fifth Friday is the last
        (D(2026, 1, 23), False),
        (D(2026, 3, 20), False),
        (D(2026, 3, 27), True),
        (D(2026, 4, 24), True),
        (D(2026, 2, 27), True),
    ],
)
def test_last_friday_of_the_month(day: D, runs: bool) -> None:
    last_friday = [session("-1FR", freq="MONTHLY", opens=T(18), closes=T(21))]
    assert times_on(schedules=last_friday, exceptions=[], day=day).is_open_day is runs


def test_monthly_on_days_of_the_month() -> None:
    first_and_fifteenth = [session("", freq="MONTHLY", bymonthday="1,15")]
    assert text_on(first_and_fifteenth, D(2026, 3, 1)) == "10:00 to 14:00"
    assert text_on(first_and_fifteenth, D(2026, 3, 15)) == "10:00 to 14:00"
    assert text_on(first_and_fifteenth, D(2026, 3, 2)) == "Closed"
    last_day = [session("", freq="MONTHLY", bymonthday="-1")]
    assert text_on(last_day, D(2026, 2, 28)) == "10:00 to 14:00"
    assert text_on(last_day, D(2026, 3, 30)) == "Closed"


def test_every_other_month_counts_months_from_the_first_session() -> None:
    bimonthly = [session("1TU", freq="MONTHLY", interval=2, dtstart=D(2026, 1, 6))]
    assert text_on(bimonthly, D(2026, 3, 3)) == "10:00 to 14:00"
    assert text_on(bimonthly, D(2026, 2, 3)) == "Closed"


@pytest.mark.parametrize(
    ("day", "runs"),
    [
        (D(2026, 9, 30), False),  # Wednesday before the season
        (D(2026, 10, 2), True),  # first Friday of the season
        (D(2027, 1, 6), True),
        (D(2027, 3, 31), True),  # last day of the season, a Wednesday
        (D(2027, 4, 2), False),  # Friday after it ends
    ],
)
def test_warm_space_runs_only_in_its_season(day: D, runs: bool) -> None:
    warm_space = [session("MO,WE,FR", valid_from=D(2026, 10, 1), valid_to=D(2027, 3, 31))]
    assert times_on(schedules=warm_space, exceptions=[], day=day).is_open_day is runs


def test_until_ends_a_schedule() -> None:
    ending = [session("MO", until=D(2026, 4, 13))]
    assert text_on(ending, D(2026, 4, 13)) == "10:00 to 14:00"
    assert text_on(ending, D(2026, 4, 20)) == "Closed"


def test_schedule_without_times_gives_no_session() -> None:
    assert text_on([session("MO", opens=None, closes=None)], D(2026, 4, 13)) == "Closed"


# --- bank holidays ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 12, 25), "Christmas Day"),
        (D(2026, 4, 6), "Easter Monday"),
        (D(2027, 3, 29), "Easter Monday"),
        (D(2026, 8, 31), "Late Summer Bank Holiday"),
        (D(2027, 8, 30), "Late Summer Bank Holiday"),
    ],
)
def test_bank_holiday_closes_a_session_unless_it_runs_on_bank_holidays(day: D, name: str) -> None:
    code = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    assert bank_holiday(day) == name
    closed = times_on(schedules=[session(code)], exceptions=[], day=day)
    assert not closed.is_open_day
    assert closed.closed_reason == f"bank holiday: {name}"
    assert closed.text == f"Closed (bank holiday: {name})"
    assert text_on([session(code, open_on_bank_holidays=True)], day) == "10:00 to 14:00"
    # A week earlier, an ordinary day: the session runs.
    assert text_on([session(code)], day - dt.timedelta(days=7)) == "10:00 to 14:00"


def test_ordinary_days_are_not_bank_holidays() -> None:
    assert bank_holiday(D(2026, 12, 24)) is None
    assert bank_holiday(D(2026, 8, 24)) is None


def test_bank_holiday_is_only_given_as_the_reason_when_it_cancels_a_session() -> None:
    # Good Friday 2026: a Monday-only service is simply closed that day.
    assert text_on([session("MO")], D(2026, 4, 3)) == "Closed"


def test_one_session_runs_on_a_bank_holiday_and_another_does_not() -> None:
    rows = [session("MO", T(9), T(12), open_on_bank_holidays=True), session("MO", T(13), T(15))]
    assert text_on(rows, D(2026, 8, 31)) == "09:00 to 12:00"


# --- exceptions -------------------------------------------------------------------------------


def test_closed_exception_closes_every_day_it_covers_with_its_reason() -> None:
    rows = [session("MO,TU")]
    repairs = [exception(D(2026, 4, 13), D(2026, 4, 14), reason="Closed for roof repairs")]
    monday = times_on(schedules=rows, exceptions=repairs, day=D(2026, 4, 13))
    assert not monday.is_open_day
    assert monday.text == "Closed (Closed for roof repairs)"
    assert text_on(rows, D(2026, 4, 14), repairs) == "Closed (Closed for roof repairs)"
    assert text_on(rows, D(2026, 4, 20), repairs) == "10:00 to 14:00"


def test_special_hours_replace_the_usual_sessions() -> None:
    rows = [session("MO")]
    short_day = [exception(D(2026, 4, 13), closed=False, opens_at=T(10), closes_at=T(12))]
    day = times_on(schedules=rows, exceptions=short_day, day=D(2026, 4, 13))
    assert day.text == "10:00 to 12:00"
    assert day.special_hours
    # ... and open a day that is usually closed, even a bank holiday.
    boxing_day = [exception(D(2026, 12, 26), closed=False, opens_at=T(11), closes_at=T(15))]
    assert text_on(rows, D(2026, 12, 26), boxing_day) == "11:00 to 15:00"


def test_special_hours_win_over_a_wider_closure() -> None:
    closed_for_christmas = exception(D(2026, 12, 21), D(2027, 1, 3), reason="Christmas break")
    new_years_eve = exception(D(2026, 12, 31), closed=False, opens_at=T(10), closes_at=T(13))
    rows = [session("MO,TH")]
    assert text_on(rows, D(2026, 12, 31), [closed_for_christmas, new_years_eve]) == (
        "10:00 to 13:00"
    )
    assert text_on(rows, D(2026, 12, 24), [closed_for_christmas, new_years_eve]) == (
        "Closed (Christmas break)"
    )


def test_week_gives_seven_days_from_the_start() -> None:
    days = week(
        schedules=[session("MO"), session("WE", T(18), T(20))],
        exceptions=[],
        start=D(2026, 8, 30),  # Sunday, then the late summer bank holiday
    )
    assert [d.day for d in days] == [D(2026, 8, 30) + dt.timedelta(days=n) for n in range(7)]
    assert [d.text for d in days] == [
        "Closed",
        "Closed (bank holiday: Late Summer Bank Holiday)",
        "Closed",
        "18:00 to 20:00",
        "Closed",
        "Closed",
        "Closed",
    ]
    assert len(week(schedules=[], exceptions=[], start=D(2026, 1, 1), days=14)) == 14


# --- now --------------------------------------------------------------------------------------


def test_local_now_and_today_are_london_time() -> None:
    assert local_now().tzinfo == LONDON
    assert local_today() == local_now().date()


def test_state_needs_an_aware_moment() -> None:
    with pytest.raises(ValueError):
        state([session("MO")], dt.datetime(2026, 4, 13, 10))


def test_open_now_until_closing_time() -> None:
    now = state([session("MO")], london(2026, 4, 13, 11))
    assert now.open_now
    assert now.text == "Open now until 14:00"
    assert not now.closes_soon
    assert now.today == DayTimes(
        day=D(2026, 4, 13), sessions=(Session(opens_at=T(10), closes_at=T(14)),)
    )


@pytest.mark.parametrize(("minute", "soon"), [(29, False), (30, True), (45, True), (59, True)])
def test_closes_soon_in_the_last_half_hour(minute: int, soon: bool) -> None:
    now = state([session("MO")], london(2026, 4, 13, 13, minute))
    assert now.open_now
    assert now.closes_soon is soon


def test_back_to_back_sessions_count_as_one_opening() -> None:
    now = state(
        [session("MO", T(10), T(12)), session("MO", T(12), T(14))], london(2026, 4, 13, 11, 45)
    )
    assert now.text == "Open now until 14:00"
    assert not now.closes_soon


def test_open_later_today() -> None:
    now = state([session("MO")], london(2026, 4, 13, 9, 15))
    assert not now.open_now
    assert now.text == "Open today 10:00 to 14:00"


def test_closed_today_and_when_it_next_opens() -> None:
    rows = [session("TU")]
    sunday = state(rows, london(2026, 4, 12, 12))
    assert not sunday.open_now
    assert sunday.text == "Closed today. Next open Tuesday 10:00"
    # After today's session has ended: a week away, so the date too ("Tuesday" alone would
    # read as today).
    assert state(rows, london(2026, 4, 14, 15)).text == (
        "Closed now. Next open Tuesday 21 April 10:00"
    )
    assert state([session("MO,TU")], london(2026, 4, 13, 15)).text == (
        "Closed now. Next open Tuesday 10:00"
    )


def test_next_open_more_than_a_week_away_gives_the_date() -> None:
    second_monday = [session("2MO", freq="MONTHLY")]
    assert state(second_monday, london(2026, 3, 20, 12)).text == (
        "Closed today. Next open Monday 13 April 10:00"
    )


def test_closed_today_with_nothing_in_the_next_35_days() -> None:
    ended = [session("MO", valid_to=D(2026, 1, 31))]
    assert state(ended, london(2026, 4, 13, 12)).text == "Closed today"


def test_closed_today_for_a_bank_holiday() -> None:
    saturdays = [session("SA")]
    boxing_day = state(saturdays, london(2026, 12, 26, 11))
    assert not boxing_day.open_now
    assert boxing_day.today.closed_reason == "bank holiday: Boxing Day"
    assert boxing_day.text == (
        "Closed today (bank holiday: Boxing Day). Next open Saturday 2 January 10:00"
    )


def test_closed_today_for_an_exception_skips_to_the_next_session() -> None:
    rows = [session("MO,TU")]
    repairs = [exception(D(2026, 4, 13), reason="Closed for roof repairs")]
    assert state(rows, london(2026, 4, 13, 11), repairs).text == (
        "Closed today (Closed for roof repairs). Next open Tuesday 10:00"
    )


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        # Spring forward, Sunday 29 March 2026: 10:30 BST is 09:30 UTC.
        (utc(2026, 3, 29, 9, 30), True),
        (utc(2026, 3, 29, 8, 45), False),  # 09:45 BST
        (london(2026, 3, 29, 10, 30), True),
        (utc(2026, 3, 22, 10, 30), True),  # the Sunday before, GMT
        (utc(2026, 3, 22, 9, 30), False),
        # Fall back, Sunday 25 October 2026: 10:30 GMT is 10:30 UTC.
        (utc(2026, 10, 25, 10, 30), True),
        (utc(2026, 10, 25, 9, 45), False),  # 09:45 GMT (it would be 10:45 in BST)
        (london(2026, 10, 25, 10, 30), True),
        (utc(2026, 10, 18, 9, 45), True),  # the Sunday before, 10:45 BST
    ],
)
def test_ten_oclock_stays_ten_oclock_across_the_clock_change(
    moment: dt.datetime, open_now: bool
) -> None:
    assert state([session("SU")], moment).open_now is open_now


def test_closing_soon_uses_real_minutes_in_the_night_the_clocks_go_back() -> None:
    # 00:00 to 02:00 on 25 October 2026 lasts three real hours: 01:00-02:00 happens twice.
    night = [session("SU", T(0), T(2))]
    first_one_thirty = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)  # BST
    assert state(night, first_one_thirty).open_now
    assert not state(night, first_one_thirty).closes_soon


def test_session_past_midnight_is_open_the_next_morning() -> None:
    night_shelter = [session("SA", T(22), T(2))]
    saturday = D(2026, 4, 11)
    assert text_on(night_shelter, saturday) == "22:00 to 02:00"
    assert state(night_shelter, london(2026, 4, 11, 23)).open_now
    early_sunday = state(night_shelter, london(2026, 4, 12, 1))
    assert early_sunday.open_now
    assert early_sunday.text == "Open now until 02:00"
    assert not early_sunday.today.is_open_day  # Sunday has no session of its own
    assert not state(night_shelter, london(2026, 4, 12, 2)).open_now
    assert not state(night_shelter, london(2026, 4, 11, 1)).open_now  # Friday night: none
    assert state(night_shelter, london(2026, 4, 12, 1, 45)).closes_soon


# --- rows for a listing -----------------------------------------------------------------------


@pytest.mark.django_db
def test_sal_rows_uses_its_own_schedules_and_every_exception_that_applies(
    django_assert_num_queries: Any,
) -> None:
    place = ServiceAtLocationFactory()
    service, location = place.service, place.location
    elsewhere = ServiceAtLocationFactory(service=service)
    own = ScheduleFactory(service_at_location=place, byday="TU")
    ScheduleFactory(service_at_location=None, service=service, byday="FR")  # overridden here
    mine = ScheduleExceptionFactory(service_at_location=place, starts_on=D(2026, 1, 1))
    repairs = ScheduleExceptionFactory(
        service_at_location=None, location=location, starts_on=D(2026, 2, 1)
    )
    everywhere = ScheduleExceptionFactory(
        service_at_location=None, service=service, starts_on=D(2026, 3, 1)
    )
    ScheduleExceptionFactory(service_at_location=elsewhere, service=service)  # another place's
    ScheduleExceptionFactory(  # another service at the same place
        service_at_location=None, location=location, service=ServiceAtLocationFactory().service
    )

    sal = ServiceAtLocation.objects.prefetch_related(*SAL_PREFETCH).get(pk=place.pk)
    with django_assert_num_queries(0):
        schedules, exceptions = sal_rows(sal)
    assert schedules == [own]
    assert exceptions == [mine, repairs, everywhere]

    other = ServiceAtLocation.objects.prefetch_related(*SAL_PREFETCH).get(pk=elsewhere.pk)
    schedules, _ = sal_rows(other)
    assert [s.byday for s in schedules] == ["FR"]  # no own schedule: the service's


@pytest.mark.django_db
def test_location_rows_are_the_hubs_own_hours(django_assert_num_queries: Any) -> None:
    hub = LocationFactory(is_hub=True)
    hours = ScheduleFactory(service_at_location=None, service=None, location=hub, byday="MO,TU")
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(location=hub), location=hub)
    closed = ScheduleExceptionFactory(service_at_location=None, location=hub)
    loaded = type(hub).objects.prefetch_related(*LOCATION_PREFETCH).get(pk=hub.pk)
    with django_assert_num_queries(0):
        assert location_rows(loaded) == ([hours], [closed])
