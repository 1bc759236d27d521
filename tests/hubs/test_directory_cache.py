"""The search page's caches: one worker refreshes a stale search while the others serve it, the
"open now" set is worked out once, and cards cached for the day still read right every minute
(on the days the clocks change too). Only the cache's public API is used, so these run the same
on Redis (CI) and on the local-memory cache. Every page here is rendered (no stored copy of the
whole page, tests/platform/test_page_cache.py): these caches are what a signed-in resident, and
each visitor's first request in a minute, rely on."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from hubs import filters as hub_filters
from hubs import opening
from hubs.filters import IdArray, ServiceFilter, directory_version
from hubs.models import Service
from hubs.selectors import cards, directory
from tests.factories import (
    LocationFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_stored_pages")]

URL = reverse("hubs:index")
WHEN = re.compile(r'When</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', re.S)


def when_lines(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each card's "When" line, by service name."""
    return {
        card.name: WHEN.search(card.html).group(1).strip() for card in response.context["cards"]
    }


def option_label(response, field: str, value: str) -> str:  # type: ignore[no-untyped-def]
    return {row.value: row.label for row in response.context["option_rows"][field]}[value]


def at_clock(monkeypatch, moment: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(opening, "local_now", lambda: moment)


def next_weekday(weekday: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """The next such day (Monday is 0) that is neither a bank holiday nor a clock change."""
    day = opening.local_today() + dt.timedelta(days=1)
    while day.weekday() != weekday or opening.bank_holiday(day) or cards.is_clock_change_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=opening.LONDON)


def last_sunday(month: int) -> dt.date:
    """The next last Sunday of March (clocks go forward) or October (back)."""
    year = opening.local_today().year
    while True:
        day = dt.date(year, month, 31)
        day -= dt.timedelta(days=(day.weekday() + 1) % 7)
        if day > opening.local_today():
            return day
        year += 1


def expected_line(service: Service, moment: dt.datetime) -> str:
    """The "When" line ``opening.state_at`` gives at that moment, worked out afresh."""
    (loaded,) = directory.services_in_order([service.pk])
    (card,) = directory.service_cards([loaded], moment=moment)
    return cards.when_line(card.state)


# --- the directory version --------------------------------------------------------------------


SUB_SELECT = re.compile(r"\(SELECT max\(\w+\) FROM \w+\)")


def test_the_version_function_reads_every_table_the_version_expression_names() -> None:
    # Migration 0007 froze hubs.filters.version_sql() into a PL/pgSQL function: a table added
    # to the version in Python alone would never change the stamp the caches are keyed by.
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'hubs_directory_version'")
        (source,) = cursor.fetchone()
        ServiceFactory()
        cursor.execute(f"SELECT {hub_filters.version_sql()}")
        (expected,) = cursor.fetchone()

    assert SUB_SELECT.findall(source) == SUB_SELECT.findall(hub_filters.version_sql())
    assert len(SUB_SELECT.findall(source)) == 14
    assert directory_version() == expected


def test_a_process_reads_the_version_once_a_second_and_again_after_a_save(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    service = ServiceFactory()
    monkeypatch.setattr(hub_filters, "DIRECTORY_VERSION_SECONDS", 1.0)
    now = [1000.0]
    monkeypatch.setattr(hub_filters, "_clock", lambda: now[0])
    read = directory_version()

    # Changed without a save (a bulk update, SQL): this process keeps what it read, for a second.
    Service.objects.filter(pk=service.pk).update(
        last_modified=service.last_modified + dt.timedelta(1)
    )
    now[0] += 0.9
    assert directory_version() == read
    now[0] += 0.2
    changed = directory_version()
    assert changed != read

    # A save forgets it at once, whatever the clock says.
    service.save()
    assert directory_version() != changed


# --- single flight: the search ----------------------------------------------------------------


def test_a_stale_search_is_served_while_another_worker_refreshes_it(  # type: ignore[no-untyped-def]
    client, monkeypatch
) -> None:
    pantry = ServiceFactory(name="Community Pantry", cost=Service.Cost.CHARGE)
    tag(pantry, "category", "food")
    query = {"category": "food"}
    start = next_weekday(0, hour=10)
    at_clock(monkeypatch, start)
    assert option_label(client.get(URL, query), "access", "free") == "Free (0)"

    # Changed in place by other means (not a save): the directory version stays the same, so
    # only the age of the cached search can bring the change in.
    Service.objects.filter(pk=pantry.pk).update(cost=Service.Cost.FREE)
    at_clock(monkeypatch, start + dt.timedelta(seconds=30))
    assert option_label(client.get(URL, query), "access", "free") == "Free (0)"  # fresh

    # Stale now, but another worker holds the refresh lock: its old answer is served at once.
    lock = directory.refresh_lock_key(
        directory.search_key(ServiceFilter(QueryDict(urlencode(query)), moment=start))
    )
    assert cache.add(lock, "another worker", timeout=1)
    at_clock(monkeypatch, start + dt.timedelta(seconds=61))
    assert option_label(client.get(URL, query), "access", "free") == "Free (0)"

    # That worker is gone: its lock expires, and the next request works the search out again.
    time.sleep(1.1)
    assert cache.get(lock) is None
    assert option_label(client.get(URL, query), "access", "free") == "Free (1)"


def test_a_search_without_a_cached_answer_is_worked_out_whoever_holds_the_lock(  # type: ignore[no-untyped-def]
    client, monkeypatch
) -> None:
    # Nothing older to serve: a lock left by a worker must not keep the answer from anyone.
    pantry = ServiceFactory(name="Community Pantry")
    tag(pantry, "category", "food")
    at_clock(monkeypatch, next_weekday(0, hour=10))
    key = directory.search_key(
        ServiceFilter(QueryDict("category=food"), moment=opening.local_now())
    )
    cache.add(directory.refresh_lock_key(key), "another worker", timeout=5)

    assert [card.name for card in client.get(URL, {"category": "food"}).context["cards"]] == [
        "Community Pantry"
    ]


def test_the_search_cache_key_has_the_language_and_the_point() -> None:
    moment = next_weekday(0, hour=10)
    plain = directory.search_key(ServiceFilter(QueryDict("category=food"), moment=moment))
    with translation.override("cy"):
        welsh = directory.search_key(ServiceFilter(QueryDict("category=food"), moment=moment))
    near = ServiceFilter(QueryDict("category=food&postcode=LU2+0DD"), moment=moment)

    assert len({plain, welsh, directory.search_key(near)}) == 3


# --- single flight: the "open now" set --------------------------------------------------------


def _open_now_key(moment: dt.datetime) -> str:
    local = moment.astimezone(opening.LONDON).replace(second=0, microsecond=0)
    return hub_filters._minute_key(local, version=directory_version())


def test_the_open_now_set_another_worker_is_working_out_is_waited_for(  # type: ignore[no-untyped-def]
    client, monkeypatch
) -> None:
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=ServiceFactory()))
    moment = next_weekday(0, hour=9)  # before the 10:00 session: nothing is open
    at_clock(monkeypatch, moment)
    client.get(URL)  # everything but the next minute's set is cached
    moment += dt.timedelta(minutes=1)
    at_clock(monkeypatch, moment)
    key = _open_now_key(moment)
    assert cache.add(f"{key}:lock", "another worker", timeout=5)
    # That worker stores its answer while this request waits: a made-up one here, so the page
    # shows it was used rather than worked out again.
    closed = Service.objects.get()
    threading.Timer(0.2, cache.set, (key, {"now": IdArray.of([closed.pk])}, 60)).start()

    assert option_label(client.get(URL), "when", "now") == "Open now (1)"


def test_the_open_now_set_is_worked_out_when_the_worker_holding_it_is_gone(  # type: ignore[no-untyped-def]
    client, monkeypatch
) -> None:
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=ServiceFactory()))
    moment = next_weekday(0, hour=10, minute=30)
    at_clock(monkeypatch, moment)
    client.get(URL)
    moment += dt.timedelta(minutes=1)
    at_clock(monkeypatch, moment)
    cache.add(f"{_open_now_key(moment)}:lock", "a worker that died", timeout=5)
    monkeypatch.setattr(hub_filters, "_WAIT_SECONDS", 0.2)

    assert option_label(client.get(URL), "when", "now") == "Open now (1)"


def test_the_next_minutes_open_now_set_is_ready_before_the_minute_turns(  # type: ignore[no-untyped-def]
    client, monkeypatch, django_assert_num_queries
) -> None:
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=ServiceFactory()))
    ten = next_weekday(0, hour=10)
    at_clock(monkeypatch, ten - dt.timedelta(seconds=5))  # 09:59:55
    early = client.get(URL)
    assert option_label(early, "when", "now") == "Open now (0)"

    at_clock(monkeypatch, ten)
    # None: the 10:00 set was made ahead, and the version was read by the request before.
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert option_label(response, "when", "now") == "Open now (1)"


# --- cards cached for the day -----------------------------------------------------------------


def test_a_cached_card_reads_as_opening_times_say_at_every_minute_of_the_day() -> None:
    # Sessions past midnight, back to back, overlapping across two places and running on into
    # tomorrow: the card is worked out once, and the line picked for each minute must be the
    # one ``opening.state_at`` gives at that minute.
    service = ServiceFactory(name="Night and day")
    # Places are listed by name; when both answer alike, the card shows the first one's.
    first = ServiceAtLocationFactory(service=service, location=LocationFactory(name="A place"))
    second = ServiceAtLocationFactory(service=service, location=LocationFactory(name="B place"))
    for place, byday, opens, closes in [
        (first, "MO", (22, 0), (2, 0)),
        (first, "TU", (9, 0), (12, 0)),
        (first, "TU", (12, 0), (13, 15)),
        (first, "TU", (23, 0), (0, 0)),
        (first, "WE", (0, 0), (0, 20)),
        (second, "TU", (12, 30), (17, 0)),
        (second, "TU", (0, 10), (0, 40)),
    ]:
        ScheduleFactory(
            service_at_location=place,
            byday=byday,
            opens_at=dt.time(*opens),
            closes_at=dt.time(*closes),
        )
    tuesday = next_weekday(1)
    version = directory_version()
    (loaded,) = directory.services_in_order([service.pk])

    wrong, rendered = [], {}
    for minute in range(24 * 60):
        for second in (0, 59):
            moment = tuesday + dt.timedelta(minutes=minute, seconds=second)
            (card,) = cards.result_cards([service.pk], version=version, moment=moment, near=None)
            (fresh,) = directory.service_cards([loaded], moment=moment)
            state = fresh.state
            assert state is not None
            wording = (state.text, state.closes_soon)
            if wording not in rendered:
                rendered[wording] = cards.when_line(state)
            shown = WHEN.search(card.html).group(1)  # type: ignore[union-attr]
            if shown != rendered[wording]:
                wrong.append(f"{moment:%H:%M:%S}: {shown!r}, not {rendered[wording]!r}")
    seen = set(rendered.values())
    assert wrong == []
    assert {
        "Open now until 02:00",
        "Open now until 02:00 (closes soon)",
        "Open today 09:00 to 12:00, 12:00 to 13:15 and 23:00 to 00:00",
        "Open now until 13:15",
        "Open now until 17:00 (closes soon)",
        "Open now until 00:20 (closes soon)",
    } <= seen


def test_cards_on_the_day_the_clocks_go_forward_count_real_minutes(  # type: ignore[no-untyped-def]
    client, monkeypatch
) -> None:
    # 00:00 to 02:10 on that Sunday lasts 1 h 10 min (01:00 becomes 02:00), so "closes soon"
    # starts at 00:40, not at the wall clock's 01:40.
    service = ServiceFactory(name="Night shelter")
    ScheduleFactory(
        service_at_location=ServiceAtLocationFactory(service=service),
        byday="SU",
        opens_at=dt.time(0, 0),
        closes_at=dt.time(2, 10),
    )
    sunday = last_sunday(3)
    lines = {}
    for hour, minute in [(0, 30), (0, 45), (2, 5)]:
        moment = dt.datetime.combine(sunday, dt.time(hour, minute), tzinfo=opening.LONDON)
        at_clock(monkeypatch, moment)
        lines[(hour, minute)] = when_lines(client.get(URL))["Night shelter"]
        assert lines[(hour, minute)] == expected_line(service, moment)
    assert lines == {
        (0, 30): "Open now until 02:10",
        (0, 45): "Open now until 02:10 (closes soon)",
        (2, 5): "Open now until 02:10 (closes soon)",
    }


def test_cards_on_the_day_the_clocks_go_back_tell_the_two_1am_apart(  # type: ignore[no-untyped-def]
    client, monkeypatch
) -> None:
    service = ServiceFactory(name="Night shelter")
    ScheduleFactory(
        service_at_location=ServiceAtLocationFactory(service=service),
        byday="SU",
        opens_at=dt.time(0, 0),
        closes_at=dt.time(1, 45),
    )
    sunday = last_sunday(10)
    lines = []
    for fold in (0, 1):  # 01:00 British Summer Time, then 01:00 GMT an hour later
        moment = dt.datetime.combine(sunday, dt.time(1, 0, fold=fold), tzinfo=opening.LONDON)
        at_clock(monkeypatch, moment)
        lines.append(when_lines(client.get(URL))["Night shelter"])
        assert lines[-1] == expected_line(service, moment)
    # The same wall-clock minute reads differently (30 minutes or less to go only the second
    # time), so neither may be served the other's cached card.
    assert lines[0] != lines[1]


# --- what a card may contain ------------------------------------------------------------------


def test_a_listing_with_odd_characters_is_escaped_and_keeps_its_when_line(client) -> None:  # type: ignore[no-untyped-def]
    odd = 'Tom & Jerry\'s <b>"Café"</b> {{ when_marker }} %s {% now %} hubs-when-'
    service = ServiceFactory(name=odd, summary=odd)
    place = ServiceAtLocationFactory(service=service)
    ScheduleFactory(service_at_location=place, byday="MO,TU,WE,TH,FR,SA,SU")
    ScheduleExceptionFactory(
        service_at_location=place,
        starts_on=opening.local_today(),
        reason="<script>alert(1)</script> & repairs",
    )

    response = client.get(URL)

    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<b>" not in body
    assert "Tom &amp; Jerry&#x27;s &lt;b&gt;&quot;Café&quot;&lt;/b&gt; {{ when_marker }} %s" in body
    (line,) = when_lines(response).values()
    assert line.startswith("Closed today (&lt;script&gt;alert(1)&lt;/script&gt; &amp; repairs).")
    assert cards._WHEN_MARKER not in body


def test_cached_searches_and_cards_are_kept_apart_by_the_point_searched_from(client) -> None:  # type: ignore[no-untyped-def]
    far = ServiceFactory(name="A far service")
    near = ServiceFactory(name="Z near service")
    ServiceAtLocationFactory(
        service=far, location=LocationFactory(latitude=51.8930, longitude=-0.4725)
    )
    ServiceAtLocationFactory(
        service=near, location=LocationFactory(latitude=51.8800, longitude=-0.4040)
    )

    anywhere = client.get(URL, {"q": "service"})
    nearby = client.get(URL, {"q": "service", "postcode": "LU2 0DD"})
    anywhere_again = client.get(URL, {"q": "service"})

    assert [card.name for card in anywhere.context["cards"]] == [far.name, near.name]
    assert [card.name for card in nearby.context["cards"]] == [near.name, far.name]
    assert all("miles" in card.html for card in nearby.context["cards"])
    assert not any("miles" in card.html for card in anywhere_again.context["cards"])
