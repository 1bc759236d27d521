"""Residents search the directory: words (misspelt too), filters with counts, near me, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hubs import opening
from hubs.models import Service
from luton2040.places.models import Ward
from tests.factories import (
    LanguageFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

pytestmark = pytest.mark.django_db

URL = reverse("hubs:index")


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [card.name for card in response.context["cards"]]


def option_label(response, field: str, value: str) -> str:  # type: ignore[no-untyped-def]
    return {row.value: row.label for row in response.context["option_rows"][field]}[value]


def ticked(response, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.value for row in response.context["option_rows"][field] if row.selected]


@pytest.fixture
def food_bank() -> Service:
    service = ServiceFactory(
        name="Luton Food Bank", summary="Emergency food parcels with a voucher."
    )
    tag(service, "category", "food")
    tag(service, "programme", "food-first")
    return service


@pytest.fixture
def warm_space() -> Service:
    service = ServiceFactory(
        name="St Mary's Warm Spaces", summary="A warm room with hot drinks and Wi-Fi."
    )
    tag(service, "category", "warm-spaces")
    tag(service, "programme", "warm-spaces")
    return service


@pytest.fixture
def debt_advice() -> Service:
    service = ServiceFactory(
        name="Debt Advice Drop-in",
        summary="Help with bills and debt.",
        referral=Service.Referral.REFERRAL,
        cost=Service.Cost.CHARGE,
    )
    tag(service, "category", "money-advice")
    return service


@pytest.mark.parametrize("words", ["foodbank", "food bak", "Food Bank", "food parcels"])
def test_words_and_misspellings_find_the_food_bank(client, food_bank, warm_space, words) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"q": words})

    assert response.status_code == 200
    assert names(response)[0] == "Luton Food Bank"
    assert "St Mary's Warm Spaces" not in names(response)


def test_warm_space_finds_warm_spaces(client, food_bank, warm_space) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"q": "warm space"})

    assert names(response) == ["St Mary's Warm Spaces"]
    assert "1 service" in response.content.decode()


def test_closed_for_good_services_are_never_found(client, food_bank) -> None:  # type: ignore[no-untyped-def]
    ServiceFactory(name="Old Food Bank", status=Service.Status.DEFUNCT)

    response = client.get(URL, {"q": "food bank"})

    assert names(response) == ["Luton Food Bank"]


def test_search_also_finds_services_at_a_hub_by_its_name(client, food_bank) -> None:  # type: ignore[no-untyped-def]
    hub = LocationFactory(name="Marsh Farm Futures", is_hub=True)
    ServiceAtLocationFactory(service=food_bank, location=hub)

    response = client.get(URL, {"q": "marsh farm"})

    assert names(response) == ["Luton Food Bank"]
    assert "Marsh Farm Futures" in response.content.decode()  # offered as a hub that matches


def test_category_filter_narrows_and_counts_match(
    client, food_bank, warm_space, debt_advice
) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"category": ["food"]})

    assert names(response) == ["Luton Food Bank"]
    # "Either of" counts ignore the facet's own choice: what ticking another would add.
    assert option_label(response, "category", "food") == "Food (1)"
    assert option_label(response, "category", "warm-spaces") == "Warm and welcoming spaces (1)"
    assert option_label(response, "category", "housing") == "Housing and homelessness (0)"

    both = client.get(URL, {"category": ["food", "warm-spaces"]})
    assert names(both) == ["Luton Food Bank", "St Mary's Warm Spaces"]


def test_programme_filter_and_counts(client, food_bank, warm_space, debt_advice) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"programme": "warm-spaces"})

    assert names(response) == ["St Mary's Warm Spaces"]
    assert option_label(response, "programme", "food-first") == "Food First (1)"
    assert "Programme: Warm Spaces" in response.content.decode()  # the MOJ selected tag


def test_counts_respect_the_other_facets(client, food_bank, warm_space, debt_advice) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"access": "free"})

    assert names(response) == ["Luton Food Bank", "St Mary's Warm Spaces"]
    assert option_label(response, "category", "money-advice") == (
        "Money, debt and benefits advice (0)"
    )
    assert option_label(response, "access", "no-referral") == "No referral needed (2)"


def test_free_and_no_referral_filters(client, food_bank, debt_advice) -> None:  # type: ignore[no-untyped-def]
    pay = ServiceFactory(name="Pantry", cost=Service.Cost.PAY_AS_YOU_CAN)

    everyone = client.get(URL)
    assert option_label(everyone, "access", "free") == "Free (1)"
    assert option_label(everyone, "access", "no-referral") == "No referral needed (2)"

    assert names(client.get(URL, {"access": "free"})) == ["Luton Food Bank"]
    assert names(client.get(URL, {"access": "no-referral"})) == ["Luton Food Bank", pay.name]
    assert names(client.get(URL, {"access": ["free", "no-referral"]})) == ["Luton Food Bank"]


def test_ward_filter_covers_service_areas_and_places(
    client, food_bank, warm_space, debt_advice
) -> None:  # type: ignore[no-untyped-def]
    biscot = Ward.objects.get(slug="biscot")
    ServiceAreaFactory(service=food_bank, ward=biscot)
    ServiceAtLocationFactory(service=warm_space, location=LocationFactory(ward=biscot))

    response = client.get(URL, {"ward": "biscot"})

    assert names(response) == ["Luton Food Bank", "St Mary's Warm Spaces"]
    assert option_label(response, "ward", "biscot") == "Biscot (2)"
    assert option_label(response, "ward", "farley") == "Farley (0)"


def test_language_filter(client, food_bank, warm_space) -> None:  # type: ignore[no-untyped-def]
    LanguageFactory(service=food_bank, name="Urdu", code="ur")
    place = LocationFactory()
    LanguageFactory(service=None, location=place, name="Polish", code="pl")
    ServiceAtLocationFactory(service=warm_space, location=place)

    assert names(client.get(URL, {"language": "ur"})) == ["Luton Food Bank"]
    response = client.get(URL, {"language": "pl"})
    assert names(response) == ["St Mary's Warm Spaces"]
    assert option_label(response, "language", "ur") == "Urdu (1)"


def test_accessibility_filter(client, food_bank, warm_space) -> None:  # type: ignore[no-untyped-def]
    step_free = LocationFactory()
    tag(step_free, "accessibility", "wheelchair-access")
    ServiceAtLocationFactory(service=food_bank, location=step_free)
    ServiceAtLocationFactory(service=warm_space)

    response = client.get(URL, {"accessibility": "wheelchair-access"})

    assert names(response) == ["Luton Food Bank"]
    assert option_label(response, "accessibility", "wheelchair-access") == "Wheelchair access (1)"


def test_age_filter_keeps_services_whose_range_covers_it(client) -> None:  # type: ignore[no-untyped-def]
    ServiceFactory(name="Youth club", minimum_age=11, maximum_age=18)
    ServiceFactory(name="Over 60s lunch", minimum_age=60)
    ServiceFactory(name="Anyone")

    assert names(client.get(URL, {"age": "16"})) == ["Anyone", "Youth club"]
    assert names(client.get(URL, {"age": "70"})) == ["Anyone", "Over 60s lunch"]


def test_age_that_is_not_a_number_gets_an_error_and_keeps_the_rest(client, food_bank) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"age": "sixteen", "q": "food"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert 'value="sixteen"' in body
    assert names(response) == ["Luton Food Bank"]


def test_a_choice_that_is_not_valid_gets_an_error_and_keeps_the_ticks(  # type: ignore[no-untyped-def]
    client, food_bank, warm_space
) -> None:
    response = client.get(URL, {"category": ["food", "made-up"], "access": "free"})

    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Select a valid choice. made-up is not one of the available choices." in body
    # Ticked as sent, as Django's own widgets keep a field that is not valid.
    assert ticked(response, "category") == ["food"]
    assert 'name="category" type="checkbox" value="food" checked>' in body
    assert ticked(response, "access") == ["free"]
    # The category filter is not applied until it is valid; the rest of the search is.
    assert names(response) == ["Luton Food Bank", "St Mary's Warm Spaces"]

    nowhere = client.get(URL, {"ward": "atlantis"})
    assert "Select a valid choice. atlantis is not one of the available choices." in (
        nowhere.content.decode()
    )
    assert ticked(nowhere, "ward") == []  # not even "Anywhere in Luton", as Django's select
    assert ticked(client.get(URL), "ward") == [""]


def _monday_at(hour: int) -> dt.datetime:
    today = opening.local_today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    # Skip bank holiday Mondays: the schedule below does not run on them.
    while opening.bank_holiday(monday):
        monday += dt.timedelta(days=7)
    return dt.datetime.combine(monday, dt.time(hour), tzinfo=opening.LONDON)


def test_open_now_and_open_today(client, food_bank, warm_space, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=food_bank))  # Mon 10-14
    evening = ScheduleFactory(
        service_at_location=ServiceAtLocationFactory(service=warm_space),
        byday="MO",
        opens_at=dt.time(17, 0),
        closes_at=dt.time(20, 0),
    )
    moment = _monday_at(11)
    monkeypatch.setattr(opening, "local_now", lambda: moment)

    now = client.get(URL, {"when": "now"})
    assert names(now) == ["Luton Food Bank"]
    assert option_label(now, "when", "now") == "Open now (1)"
    assert "Open now until 14:00" in now.content.decode()

    today = client.get(URL, {"when": "today"})
    assert names(today) == ["Luton Food Bank", "St Mary's Warm Spaces"]
    assert "Open today 17:00 to 20:00" in today.content.decode()

    evenings = client.get(URL, {"when": "evenings"})
    assert names(evenings) == [evening.service.name]


def test_open_now_is_exact_to_the_minute_from_a_cached_search(  # type: ignore[no-untyped-def]
    client, food_bank, monkeypatch
) -> None:
    # The search and its cards are cached for the day, not the minute: the "open now" count
    # and each card's "When" line must still change the minute a session starts.
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=food_bank))  # Mon 10-14
    ten = _monday_at(10)
    before = ten - dt.timedelta(minutes=1)
    after = ten + dt.timedelta(minutes=1)

    monkeypatch.setattr(opening, "local_now", lambda: before)
    early = client.get(URL, {"category": "food"})
    assert option_label(early, "when", "now") == "Open now (0)"
    assert "Open today 10:00 to 14:00" in early.content.decode()
    assert "Open now until" not in early.content.decode()

    monkeypatch.setattr(opening, "local_now", lambda: after)
    late = client.get(URL, {"category": "food"})
    assert option_label(late, "when", "now") == "Open now (1)"
    assert "Open now until 14:00" in late.content.decode()
    assert names(client.get(URL, {"when": "now"})) == ["Luton Food Bank"]

    # The "closes soon" line starts at 13:30 exactly.
    monkeypatch.setattr(opening, "local_now", lambda: ten + dt.timedelta(hours=3, minutes=29))
    assert "closes soon" not in client.get(URL, {"category": "food"}).content.decode()
    monkeypatch.setattr(opening, "local_now", lambda: ten + dt.timedelta(hours=3, minutes=30))
    assert (
        "Open now until 14:00 (closes soon)"
        in client.get(URL, {"category": "food"}).content.decode()
    )

    monkeypatch.setattr(opening, "local_now", lambda: ten + dt.timedelta(hours=4))
    closed = client.get(URL, {"category": "food"})
    assert option_label(closed, "when", "now") == "Open now (0)"
    assert "Closed now." in closed.content.decode()


def test_weekend_filter(client, food_bank, warm_space) -> None:  # type: ignore[no-untyped-def]
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=food_bank), byday="SA")
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=warm_space), byday="TU")

    response = client.get(URL, {"when": "weekends"})

    assert names(response) == ["Luton Food Bank"]
    assert option_label(response, "when", "weekends") == "Open at weekends (1)"


def test_near_me_sorts_by_distance_and_shows_it(client) -> None:  # type: ignore[no-untyped-def]
    # LU2's centre is at 51.8798, -0.4030 in the offline data.
    far = ServiceFactory(name="A far service")
    near = ServiceFactory(name="Z near service")
    ServiceAtLocationFactory(
        service=far, location=LocationFactory(latitude=51.8930, longitude=-0.4725)
    )
    ServiceAtLocationFactory(
        service=near, location=LocationFactory(latitude=51.8800, longitude=-0.4040)
    )
    ServiceFactory(name="B phone line")  # no place: last

    response = client.get(URL, {"postcode": "lu2 0dd"})

    assert names(response) == ["Z near service", "A far service", "B phone line"]
    body = response.content.decode()
    assert "Nearest to LU2 0DD first." in body
    assert "Distances are approximate, measured from the centre of LU2." in body
    assert "0.0 miles (0.1 km) away" in body
    assert "3.1 miles (5.0 km) away" in body


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("not a postcode", "Enter a real postcode, like LU1 2BQ"),
        ("LU2", "Enter your full postcode"),
        ("ZZ9 9ZZ", "We do not know that postcode"),
    ],
)
def test_bad_postcode_shows_the_error_and_keeps_what_was_typed(
    client, food_bank, postcode, message
) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL, {"postcode": postcode, "q": "food", "category": "food"})

    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert f'value="{postcode}"' in body
    assert 'value="food"' in body
    assert names(response) == ["Luton Food Bank"]  # the rest of the search still works
    assert "<title>Error:" in body


def test_result_card_shows_badges_and_old_verification(client) -> None:  # type: ignore[no-untyped-def]
    old = ServiceFactory(name="Pantry", assured_date=opening.local_today() - dt.timedelta(days=300))
    tag(old, "programme", "food-first")

    body = client.get(URL).content.decode()

    assert "Food First" in body
    assert "No referral needed" in body
    assert "Last verified" in body


def test_results_are_paginated(client) -> None:  # type: ignore[no-untyped-def]
    for n in range(25):
        ServiceFactory(name=f"Service {n:02d}")

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(names(first)) == 20
    assert names(second) == [f"Service {n:02d}" for n in range(20, 25)]
    assert 'class="govuk-pagination"' in first.content.decode()
    assert client.get(URL, {"page": "abc"}).status_code == 200


@pytest.fixture
def still_clock(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Query counts hold within a minute: a new minute needs its "open now" set (one query), and
    # a request in the last seconds of a minute works out the next minute's ahead.
    moment = _monday_at(11)
    monkeypatch.setattr(opening, "local_now", lambda: moment)


def _many(count: int) -> None:
    hub = LocationFactory(is_hub=True)
    for _ in range(count):
        service = ServiceFactory()
        tag(service, "category", "food")
        tag(service, "programme", "food-first")
        LanguageFactory(service=service)
        ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=service, location=hub))


@pytest.mark.parametrize("count", [2, 15])
def test_search_page_query_count_is_constant(  # type: ignore[no-untyped-def]
    client, django_assert_num_queries, count, still_clock, no_stored_pages
) -> None:
    _many(count)
    query = {"q": "test", "category": "food", "postcode": "LU2 0DD", "when": "today"}
    client.get(URL, query)  # warm caches (content types, option lists, this search)

    with django_assert_num_queries(QUERIES_PER_REPEATED_SEARCH):
        response = client.get(URL, query)

    assert len(response.context["cards"]) == count


@pytest.mark.parametrize("count", [2, 15])
def test_a_new_search_costs_a_constant_number_of_queries(  # type: ignore[no-untyped-def]
    client, django_assert_num_queries, count, still_clock, no_stored_pages
) -> None:
    _many(count)
    client.get(URL, {"q": "warm"})  # option lists and "when" sets cached; not this search
    query = {"q": "test", "category": "food", "postcode": "LU2 0DD", "when": "today"}

    with django_assert_num_queries(QUERIES_PER_NEW_SEARCH):
        response = client.get(URL, query)

    assert len(response.context["cards"]) == count
    assert response.context["paginator"].count == count


# A search made before the same day, with the directory unchanged: none. The directory version
# was read by the request before (hubs.filters.DIRECTORY_VERSION_SECONDS), and counts, order,
# matching hubs and the cards come from the cache.
QUERIES_PER_REPEATED_SEARCH = 0
# A new search: all counts with the total and the order of the matches (1),
# hubs matching the words (1), then the page of services and the card prefetches (8: a search
# card loads no addresses, and its places reuse the service's own timetable rows); none of it
# grows with the results.
QUERIES_PER_NEW_SEARCH = 10


def test_a_repeated_search_shows_changes_to_the_directory_at_once(client) -> None:  # type: ignore[no-untyped-def]
    # The counts, the order and the cards are cached for everyone (a minute at most), keyed by
    # the directory's version: a new listing, or a saved edit, must still show at once.
    pantry = ServiceFactory(name="Community Pantry")
    tag(pantry, "category", "food")
    query = {"category": "food"}
    assert names(client.get(URL, query)) == ["Community Pantry"]

    added = ServiceFactory(name="Apple Food Share")
    tag(added, "category", "food")
    response = client.get(URL, query)
    assert names(response) == ["Apple Food Share", "Community Pantry"]
    assert response.context["paginator"].count == 2

    pantry.name = "Bramingham Pantry"
    pantry.save()
    assert names(client.get(URL, query)) == ["Apple Food Share", "Bramingham Pantry"]

    added.status = Service.Status.DEFUNCT
    added.save()
    response = client.get(URL, query)
    assert names(response) == ["Bramingham Pantry"]
    assert option_label(response, "category", "food") == "Food (1)"
