"""Hub and service pages: what residents see, the timetable, freshness warnings, 404s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hubs import opening
from hubs.models import Service
from tests.factories import (
    AccessibilityFactory,
    AddressFactory,
    LanguageFactory,
    LocationFactory,
    PhoneFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

pytestmark = pytest.mark.django_db


def _next_bank_holiday_monday() -> dt.date:
    day = opening.local_today()
    while not (day.weekday() == 0 and opening.bank_holiday(day)):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def hub():  # type: ignore[no-untyped-def]
    hub = LocationFactory(
        name="Marsh Farm Futures",
        is_hub=True,
        transportation="Bus 24 stops outside.",
        latitude=51.9080,
        longitude=-0.4380,
    )
    AddressFactory(location=hub, address_1="The Hub, Purley Centre", postal_code="LU3 3SR")
    AccessibilityFactory(location=hub, description="Step-free entrance")
    tag(hub, "accessibility", "hearing-loop")
    LanguageFactory(service=None, location=hub, name="Polish", code="pl")
    PhoneFactory(location=hub, number="01582 123456")
    return hub


def test_hub_page_shows_place_details_and_a_map_link_only(client, hub) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("hubs:hub-detail", kwargs={"slug": hub.slug}))

    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Marsh Farm Futures",
        "The Hub, Purley Centre",
        "Bus 24 stops outside.",
        "Step-free entrance",
        "Hearing loop",
        "Polish",
        "01582 123456",
        "Show on a map",
    ):
        assert text in body
    assert "https://www.openstreetmap.org/?mlat=51.90800&amp;mlon=-0.43800" in body
    assert "<iframe" not in body and "<img" not in body  # nothing third-party loads


def test_hub_timetable_shows_a_bank_holiday_closure(client, hub, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    holiday = _next_bank_holiday_monday()
    monkeypatch.setattr(
        opening,
        "local_now",
        lambda: dt.datetime.combine(holiday - dt.timedelta(days=1), dt.time(9), opening.LONDON),
    )
    food = ServiceFactory(name="Food bank session")
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=food, location=hub))
    repair = ServiceFactory(name="Repair cafe")
    sal = ServiceAtLocationFactory(service=repair, location=hub)
    ScheduleFactory(service_at_location=sal, byday="TU")
    ScheduleExceptionFactory(
        service_at_location=sal,
        starts_on=holiday + dt.timedelta(days=1),
        ends_on=holiday + dt.timedelta(days=1),
        reason="volunteer training",
    )

    response = client.get(reverse("hubs:hub-detail", kwargs={"slug": hub.slug}))

    days = {row.day: row for row in response.context["timetable"]}
    monday = [(e.name, e.times.text) for e in days[holiday].entries]
    name = opening.bank_holiday(holiday)
    assert monday == [("Food bank session", f"Closed (bank holiday: {name})")]
    tuesday = [(e.name, e.times.text) for e in days[holiday + dt.timedelta(days=1)].entries]
    assert tuesday == [("Repair cafe", "Closed (volunteer training)")]
    body = response.content.decode()
    assert f"Closed (bank holiday: {name})" in body
    assert food.get_absolute_url() in body


def test_a_hub_page_shows_a_new_session_at_once(client, hub) -> None:  # type: ignore[no-untyped-def]
    # The day's timetable is cached for everyone, keyed by the directory's version.
    url = reverse("hubs:hub-detail", kwargs={"slug": hub.slug})
    assert "Knit and natter" not in client.get(url).content.decode()

    knit = ServiceFactory(name="Knit and natter")
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=knit, location=hub))
    body = client.get(url).content.decode()

    assert "Knit and natter" in body


@pytest.mark.parametrize("count", [2, 12])
def test_hub_page_query_count_is_constant(  # type: ignore[no-untyped-def]
    client, django_assert_num_queries, count, no_stored_pages
) -> None:
    hub = LocationFactory(is_hub=True)
    AddressFactory(location=hub)
    ScheduleFactory(location=hub, service_at_location=None, service=None)
    sessions = [
        ScheduleFactory(service_at_location=ServiceAtLocationFactory(location=hub))
        for _ in range(count)
    ]
    url = reverse("hubs:hub-detail", kwargs={"slug": hub.slug})

    # The first request today: the directory version (1), then everything the page shows.
    with django_assert_num_queries(16):
        first = client.get(url)
    # Then the day's part comes from the cache, and the version was read by the request before:
    # the hub and its own hours (3).
    with django_assert_num_queries(3):
        again = client.get(url)

    assert first.status_code == again.status_code == 200
    for response in (first, again):
        body = response.content.decode()
        assert all(session.service.name in body for session in sessions)


def test_non_hub_locations_and_unknown_slugs_are_404(client) -> None:  # type: ignore[no-untyped-def]
    place = LocationFactory(is_hub=False)

    assert client.get(reverse("hubs:hub-detail", kwargs={"slug": place.slug})).status_code == 404
    assert client.get(reverse("hubs:hub-detail", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("hubs:service-detail", kwargs={"slug": "nope"})).status_code == 404


def test_hub_list_filters_by_ward_and_open_today(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from luton2040.places.models import Ward

    monday = opening.local_today() + dt.timedelta(days=(7 - opening.local_today().weekday()))
    while opening.bank_holiday(monday):
        monday += dt.timedelta(days=7)
    monkeypatch.setattr(
        opening, "local_now", lambda: dt.datetime.combine(monday, dt.time(9), opening.LONDON)
    )
    biscot = LocationFactory(name="Biscot hub", is_hub=True, ward=Ward.objects.get(slug="biscot"))
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(location=biscot))
    LocationFactory(name="Farley hub", is_hub=True, ward=Ward.objects.get(slug="farley"))
    LocationFactory(name="Not a hub", is_hub=False)
    url = reverse("hubs:hub-list")

    def hubs(query):  # type: ignore[no-untyped-def]
        return [card.hub.name for card in client.get(url, query).context["cards"]]

    assert hubs({}) == ["Biscot hub", "Farley hub"]
    assert hubs({"ward": "farley"}) == ["Farley hub"]
    assert hubs({"open_today": "on"}) == ["Biscot hub"]
    assert client.get(url, {"ward": "atlantis"}).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_hub_list_query_count_is_constant(client, django_assert_num_queries, count) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        hub = LocationFactory(is_hub=True)
        AddressFactory(location=hub)
        ScheduleFactory(service_at_location=ServiceAtLocationFactory(location=hub))
    url = reverse("hubs:hub-list")
    client.get(url)

    with django_assert_num_queries(7):
        response = client.get(url, {"open_today": "on"})

    assert response.status_code == 200


@pytest.fixture
def service():  # type: ignore[no-untyped-def]
    service = ServiceFactory(
        name="Luton Food Bank",
        eligibility_description="Anyone in crisis.",
        minimum_age=18,
        referral=Service.Referral.REFERRAL,
        who_can_refer="Citizens Advice, your GP or a social worker.",
        application_process="Ask a referral agency for a voucher.",
        what_to_bring="Your voucher and a bag.",
        cost=Service.Cost.FREE,
        email="help@foodbank.example",
        alert="We have moved to the Hockwell Ring hub.",
    )
    tag(service, "eligibility", "low-income")
    PhoneFactory(service=service, number="01582 654321")
    LanguageFactory(service=service, name="Urdu", code="ur")
    hub = LocationFactory(name="Hockwell Ring Hub", is_hub=True)
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=service, location=hub))
    return service


def test_service_page_answers_the_questions_residents_ask(client, service) -> None:  # type: ignore[no-untyped-def]
    response = client.get(service.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "We have moved to the Hockwell Ring hub.",
        "Anyone in crisis.",
        "People on low incomes",
        "Ages 18 and over.",
        "You need a referral",
        "Citizens Advice, your GP or a social worker.",
        "Your voucher and a bag.",
        "Free.",
        "Hockwell Ring Hub",
        "10:00 to 14:00",
        "Urdu",
        "01582 654321",
        "help@foodbank.example",
        "Add to shortlist",
        "Report a problem with this listing",
        "Was this useful?",
    ):
        assert text in body, text
    assert reverse("hubs:report-create", kwargs={"slug": service.slug}) in body
    assert "govuk-warning-text" not in body


@pytest.mark.parametrize(("days_old", "warned"), [(30, False), (213, True)])
def test_stale_listing_warning(client, days_old, warned) -> None:  # type: ignore[no-untyped-def]
    service = ServiceFactory(assured_date=opening.local_today() - dt.timedelta(days=days_old))

    body = client.get(service.get_absolute_url()).content.decode()

    assert ("govuk-warning-text" in body) is warned
    assert ("Details may have changed" in body) is warned


def test_never_verified_listing_is_warned_and_unconfirmed_is_labelled(client) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    service = ServiceFactory(assured_date=None, unconfirmed_since=timezone.now())

    body = client.get(service.get_absolute_url()).content.decode()

    assert "This listing has not been verified yet." in body
    assert "Not confirmed by the provider" in body


def test_temporarily_closed_service_shows_a_banner(client) -> None:  # type: ignore[no-untyped-def]
    service = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)

    body = client.get(service.get_absolute_url()).content.decode()

    assert "This service is temporarily closed." in body


@pytest.mark.parametrize(
    ("status", "code"), [(Service.Status.DEFUNCT, 410), (Service.Status.INACTIVE, 404)]
)
def test_services_not_listed_say_they_have_closed(client, status, code) -> None:  # type: ignore[no-untyped-def]
    service = ServiceFactory(name="Old pantry", status=status)

    response = client.get(service.get_absolute_url())

    assert response.status_code == code
    assert "Old pantry has closed" in response.content.decode()
    assert "Add to shortlist" not in response.content.decode()
