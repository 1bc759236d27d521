"""Opening times: is a service or hub open today, now, or next week?

Pure Python over rows the caller has already loaded (see ``SAL_PREFETCH`` and
``LOCATION_PREFETCH``): nothing here queries the database, so a list page costs the same number
of queries for 5 listings or 500. ``hubs.querysets`` holds the SQL twin of these rules for
filters ("open on Saturday", "open now"); tests/hubs/test_open_filters.py proves both agree.

The rules, one place for all of them:

- Times are wall-clock times in Europe/London: a 10:00 session is at 10:00 in GMT and in BST.
  Any "now" is converted to London time first.
- A schedule applies on a day inside valid_from..valid_to and dtstart..until (blank = unbounded).
- WEEKLY: the weekday's code (MO..SU) is in ``byday`` (blank byday: dtstart's weekday). With
  ``interval`` 2 or more, the day's week must be a whole number of intervals after dtstart's week
  (weeks start on Monday; wkst is not honoured). No dtstart means every week.
- MONTHLY: a ``byday`` token matches: "MO" (every Monday), "2MO" (second Monday), "-1FR" (last
  Friday); and/or a ``bymonthday`` number matches: "1,15", "-1" (last day). Both given: both must
  match (RFC 5545). Neither: dtstart's day of the month. ``interval`` counts months from dtstart.
- ``count`` is NOT honoured (an occurrence count cannot be checked in one SQL filter): the
  editor should store the last date in ``until`` instead.
- A schedule without both times gives no session.
- England and Wales bank holidays close a schedule unless ``open_on_bank_holidays``.
- Exceptions covering the day: special hours replace the day's sessions (and win over a closed
  exception on the same day: they are the more deliberate statement); otherwise a closed
  exception closes the day and its reason is shown.
- closes_at <= opens_at runs past midnight: 22:00 to 02:00 is open at 01:00 the next day.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import holidays
from django.utils import formats
from django.utils.translation import gettext

if TYPE_CHECKING:
    from .models import Location, Schedule, ScheduleException, Service, ServiceAtLocation

LONDON = zoneinfo.ZoneInfo("Europe/London")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LOOK_AHEAD_DAYS = 35  # "Next open ..." searches this far: covers a monthly session
CLOSES_SOON = dt.timedelta(minutes=30)


def local_now() -> dt.datetime:
    """The current moment, aware, in Europe/London."""
    return dt.datetime.now(tz=LONDON)


def local_today() -> dt.date:
    """Today's date in Europe/London (not UTC: between 00:00 and 01:00 BST they differ)."""
    return local_now().date()


@functools.cache
def _bank_holidays(year: int) -> dict[dt.date, str]:
    # England and Wales share bank holidays; "ENG" gives them (including "observed" substitutes).
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday(day: dt.date) -> str | None:
    """The bank holiday's name on that day in England and Wales, or None."""
    return _bank_holidays(day.year).get(day)


# --- values -----------------------------------------------------------------------------------


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


@dataclass(frozen=True, order=True)
class Session:
    """One opening, wall-clock London time. closes_at <= opens_at means it runs past midnight."""

    opens_at: dt.time
    closes_at: dt.time

    @property
    def past_midnight(self) -> bool:
        return self.closes_at <= self.opens_at

    @property
    def text(self) -> str:
        return gettext("%(opens)s to %(closes)s") % {
            "opens": _hhmm(self.opens_at),
            "closes": _hhmm(self.closes_at),
        }

    def covers(self, at: dt.time) -> bool:
        """Open at that time on the session's own day (the part before midnight)."""
        return self.opens_at <= at and (self.past_midnight or at < self.closes_at)

    def covers_after_midnight(self, at: dt.time) -> bool:
        """Open at that time on the day after the session's day."""
        return self.past_midnight and at < self.closes_at


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


@dataclass(frozen=True)
class DayTimes:
    """What happens on one date: the sessions, or why it is closed."""

    day: dt.date
    sessions: tuple[Session, ...]
    closed_reason: str = ""  # "" or "bank holiday: Christmas Day" or an exception's reason
    special_hours: bool = False  # sessions come from an exception, not the usual schedule

    @property
    def is_open_day(self) -> bool:
        return bool(self.sessions)

    @property
    def sessions_text(self) -> str:
        return _join([session.text for session in self.sessions])

    @property
    def text(self) -> str:
        """ "10:00 to 14:00", "10:00 to 12:00 and 13:00 to 16:00", "Closed (reason)", "Closed"."""
        if self.sessions:
            return self.sessions_text
        if self.closed_reason:
            return gettext("Closed (%(reason)s)") % {"reason": self.closed_reason}
        return gettext("Closed")


@dataclass(frozen=True)
class OpenState:
    """The answer for a listing at one moment: open now, and the sentence to show."""

    open_now: bool
    today: DayTimes
    text: str
    closes_soon: bool = False  # open now and closing within 30 minutes


# --- which schedules apply --------------------------------------------------------------------


def _tokens(value: str) -> list[str]:
    return [token.strip().upper().lstrip("+") for token in value.split(",") if token.strip()]


def _days_in_month(day: dt.date) -> int:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - dt.timedelta(days=1)).day


def day_tokens(day: dt.date, *, monthly: bool) -> set[str]:
    """The BYDAY tokens that match this date: {"MO"} weekly; {"MO", "2MO", "-3MO"} monthly."""
    code = WEEKDAY_CODES[day.weekday()]
    if not monthly:
        return {code}
    nth = (day.day - 1) // 7 + 1
    nth_from_end = (_days_in_month(day) - day.day) // 7 + 1
    return {code, f"{nth}{code}", f"-{nth_from_end}{code}"}


def month_day_tokens(day: dt.date) -> set[str]:
    """The BYMONTHDAY numbers that match this date: {"15", "-17"} for 15 of a 31-day month."""
    return {str(day.day), str(day.day - _days_in_month(day) - 1)}


def _in_window(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _recurs_on(schedule: Schedule, day: dt.date) -> bool:
    start = schedule.dtstart
    interval = max(schedule.interval or 1, 1)
    if schedule.freq == "MONTHLY":
        byday, bymonthday = _tokens(schedule.byday), _tokens(schedule.bymonthday)
        if byday and not set(byday) & day_tokens(day, monthly=True):
            return False
        if bymonthday and not set(bymonthday) & month_day_tokens(day):
            return False
        if not byday and not bymonthday and (start is None or start.day != day.day):
            return False
        if interval > 1 and start is not None:
            months = (day.year * 12 + day.month) - (start.year * 12 + start.month)
            return months % interval == 0
        return True
    # WEEKLY (and anything unrecognised, read as weekly)
    byday = _tokens(schedule.byday)
    if byday:
        if WEEKDAY_CODES[day.weekday()] not in byday:
            return False
    elif start is None or start.weekday() != day.weekday():
        return False
    if interval > 1 and start is not None:
        start_monday = start - dt.timedelta(days=start.weekday())
        return ((day - start_monday).days // 7) % interval == 0
    return True


def schedule_applies(schedule: Schedule, day: dt.date) -> bool:
    """Whether the schedule recurs on that date, before bank holidays and exceptions."""
    return (
        _in_window(day, schedule.valid_from, schedule.valid_to)
        and _in_window(day, schedule.dtstart, schedule.until)
        and _recurs_on(schedule, day)
    )


def _session(row: Schedule | ScheduleException) -> Session | None:
    if row.opens_at is None or row.closes_at is None:
        return None
    return Session(opens_at=row.opens_at, closes_at=row.closes_at)


def _sorted_sessions(sessions: Iterable[Session | None]) -> tuple[Session, ...]:
    return tuple(sorted({session for session in sessions if session is not None}))


def times_on(
    *,
    schedules: Sequence[Schedule],
    exceptions: Sequence[ScheduleException],
    day: dt.date,
) -> DayTimes:
    """The sessions on one date, after bank holidays and exceptions."""
    covering = [e for e in exceptions if e.starts_on <= day <= e.ends_on]
    special = [e for e in covering if not e.closed]
    if special:
        return DayTimes(
            day=day,
            sessions=_sorted_sessions(_session(e) for e in special),
            special_hours=True,
        )
    closed = [e for e in covering if e.closed]
    if closed:
        reason = next((e.reason for e in closed if e.reason), "")
        return DayTimes(day=day, sessions=(), closed_reason=reason)
    applying = [s for s in schedules if schedule_applies(s, day)]
    holiday = bank_holiday(day)
    running = applying if holiday is None else [s for s in applying if s.open_on_bank_holidays]
    sessions = _sorted_sessions(_session(s) for s in running)
    if not sessions and holiday is not None and any(_session(s) for s in applying):
        # Only say "bank holiday" when it cancelled a session that would otherwise run.
        reason = gettext("bank holiday: %(name)s") % {"name": holiday}
        return DayTimes(day=day, sessions=(), closed_reason=reason)
    return DayTimes(day=day, sessions=sessions)


def week(
    *,
    schedules: Sequence[Schedule],
    exceptions: Sequence[ScheduleException],
    start: dt.date,
    days: int = 7,
) -> list[DayTimes]:
    """The timetable from ``start`` for ``days`` days, for a hub or service page."""
    return [
        times_on(schedules=schedules, exceptions=exceptions, day=start + dt.timedelta(days=n))
        for n in range(days)
    ]


# --- now --------------------------------------------------------------------------------------


def _wall(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=LONDON)


def _closing_moment(day: dt.date, session: Session) -> dt.datetime:
    """When a session that started on ``day`` ends, as an aware datetime."""
    return _wall(day + dt.timedelta(days=1) if session.past_midnight else day, session.closes_at)


def _open_until(
    day: dt.date, session: Session, sessions: Sequence[Session], following: Sequence[Session]
) -> dt.datetime:
    """When the opening that includes ``session`` ends: back-to-back sessions count as one."""
    end = _closing_moment(day, session)
    later = [(day, s) for s in sessions if s.opens_at > session.opens_at]
    later += [(day + dt.timedelta(days=1), s) for s in following]
    for start_day, nxt in later:
        if _wall(start_day, nxt.opens_at) == end:
            end = _closing_moment(start_day, nxt)
    return end


def _next_open_text(day: dt.date, start: dt.datetime, now_day: dt.date) -> str:
    if (day - now_day).days < 7:
        when = formats.date_format(day, "l")
    else:
        when = formats.date_format(day, "l j F")
    return gettext("Next open %(day)s %(time)s") % {"day": when, "time": _hhmm(start.time())}


def _local(moment: dt.datetime) -> tuple[dt.date, dt.time]:
    if moment.tzinfo is None:
        raise ValueError("opening times need an aware datetime")
    local = moment.astimezone(LONDON)
    return local.date(), local.time()


def _current_session(
    yesterday: DayTimes, today: DayTimes, at: dt.time
) -> tuple[dt.date, Session] | None:
    """The session running at that time today, or last night's still running after midnight."""
    current: tuple[dt.date, Session] | None = None
    for session in yesterday.sessions:
        if session.covers_after_midnight(at):
            current = (yesterday.day, session)
    for session in today.sessions:
        if session.covers(at):
            current = (today.day, session)
    return current


def is_open_at(
    *,
    schedules: Sequence[Schedule],
    exceptions: Sequence[ScheduleException],
    moment: dt.datetime,
) -> bool:
    """Open at that moment: ``state_at(...).open_now`` without working out the sentence."""
    today, at = _local(moment)
    yesterday = times_on(
        schedules=schedules, exceptions=exceptions, day=today - dt.timedelta(days=1)
    )
    times = times_on(schedules=schedules, exceptions=exceptions, day=today)
    return _current_session(yesterday, times, at) is not None


def state_at(
    *,
    schedules: Sequence[Schedule],
    exceptions: Sequence[ScheduleException],
    moment: dt.datetime,
) -> OpenState:
    """Open now? And the sentence for a listing: "Open now until 14:00", "Closed today. ..."."""
    today, at = _local(moment)

    def day_times(day: dt.date) -> DayTimes:
        return times_on(schedules=schedules, exceptions=exceptions, day=day)

    yesterday = day_times(today - dt.timedelta(days=1))
    times = day_times(today)
    tomorrow = day_times(today + dt.timedelta(days=1))

    current = _current_session(yesterday, times, at)
    if current is not None:
        day, session = current
        following = tomorrow.sessions if day == today else times.sessions
        same_day = yesterday.sessions if day != today else times.sessions
        until = _open_until(day, session, same_day, following)
        left = until.astimezone(dt.UTC) - moment.astimezone(dt.UTC)
        text = gettext("Open now until %(time)s") % {"time": _hhmm(until.time())}
        return OpenState(open_now=True, today=times, text=text, closes_soon=left <= CLOSES_SOON)

    later_today = [s for s in times.sessions if s.opens_at > at]
    if later_today:
        text = gettext("Open today %(times)s") % {"times": times.sessions_text}
        return OpenState(open_now=False, today=times, text=text)

    if times.sessions:
        closed = gettext("Closed now.")
    elif times.closed_reason:
        closed = gettext("Closed today (%(reason)s).") % {"reason": times.closed_reason}
    else:
        closed = gettext("Closed today.")
    for offset in range(1, LOOK_AHEAD_DAYS + 1):
        ahead = tomorrow if offset == 1 else day_times(today + dt.timedelta(days=offset))
        if ahead.sessions:
            start = _wall(ahead.day, ahead.sessions[0].opens_at)
            text = f"{closed} {_next_open_text(ahead.day, start, today)}"
            return OpenState(open_now=False, today=times, text=text)
    return OpenState(open_now=False, today=times, text=closed.rstrip("."))


# --- rows for one listing, from prefetched relations ------------------------------------------

# select_related("service", "location") is welcome too; these are what sal_rows reads.
SAL_PREFETCH: tuple[str, ...] = (
    "schedules",
    "exceptions",
    "service__schedules",
    "service__exceptions",
    "location__exceptions",
)
LOCATION_PREFETCH: tuple[str, ...] = ("schedules", "exceptions")
SERVICE_PREFETCH: tuple[str, ...] = ("schedules", "exceptions")


def _unique(rows: Iterable[ScheduleException]) -> list[ScheduleException]:
    seen: dict[int, ScheduleException] = {}
    for row in rows:
        seen.setdefault(row.pk, row)
    return sorted(seen.values(), key=lambda row: (row.starts_on, row.pk))


def sal_rows(sal: ServiceAtLocation) -> tuple[list[Schedule], list[ScheduleException]]:
    """The schedules and exceptions for one service at one location (needs ``SAL_PREFETCH``).

    The place's own schedules, else the service's schedules that name no place (or this one);
    exceptions of this service at this place, of the place (a hub closed for repairs) and of the
    service everywhere.
    """
    schedules = list(sal.schedules.all())
    if not schedules:
        schedules = [
            s
            for s in sal.service.schedules.all()
            if s.service_at_location_id is None and s.location_id in (None, sal.location_id)
        ]
    own = list(sal.exceptions.all())
    place = [
        e
        for e in sal.location.exceptions.all()
        if e.service_id in (None, sal.service_id) and e.service_at_location_id in (None, sal.pk)
    ]
    service = [
        e
        for e in sal.service.exceptions.all()
        if e.service_at_location_id in (None, sal.pk) and e.location_id in (None, sal.location_id)
    ]
    return schedules, _unique([*own, *place, *service])


def location_rows(location: Location) -> tuple[list[Schedule], list[ScheduleException]]:
    """A hub's own opening hours, not its services' (needs ``LOCATION_PREFETCH``)."""
    schedules = [
        s
        for s in location.schedules.all()
        if s.service_id is None and s.service_at_location_id is None
    ]
    exceptions = [
        e
        for e in location.exceptions.all()
        if e.service_id is None and e.service_at_location_id is None
    ]
    return schedules, exceptions


def service_rows(service: Service) -> tuple[list[Schedule], list[ScheduleException]]:
    """A service's own times, for a service with no place (a phone line; ``SERVICE_PREFETCH``)."""
    schedules = [
        s
        for s in service.schedules.all()
        if s.service_at_location_id is None and s.location_id is None
    ]
    exceptions = [
        e
        for e in service.exceptions.all()
        if e.service_at_location_id is None and e.location_id is None
    ]
    return schedules, exceptions
