"""The shortlist: add and remove without JavaScript, kept in the session, shared by link."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from hubs.models import Service
from tests.factories import PhoneFactory, ScheduleFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SHORTLIST = reverse("hubs:shortlist")
SHARED = reverse("hubs:shortlist-shared")


def add(client, service, next_url: str = "") -> object:  # type: ignore[no-untyped-def]
    return client.post(
        reverse("hubs:shortlist-add"), {"service": str(service.uuid), "next": next_url}
    )


def listed(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [card.service.name for card in response.context["cards"]]


def test_add_then_see_then_remove(client) -> None:  # type: ignore[no-untyped-def]
    food = ServiceFactory(name="Food bank")
    PhoneFactory(service=food, number="01582 111222")
    warm = ServiceFactory(name="Warm space")

    response = add(client, food, next_url=food.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == food.get_absolute_url()
    add(client, warm)
    add(client, food)  # twice changes nothing

    page = client.get(SHORTLIST)
    assert listed(page) == ["Food bank", "Warm space"]
    assert "01582 111222" in page.content.decode()
    assert "Remove from shortlist" in page.content.decode()

    client.post(reverse("hubs:shortlist-remove"), {"service": str(food.uuid)})
    assert listed(client.get(SHORTLIST)) == ["Warm space"]


def test_redirect_goes_only_to_this_site(client) -> None:  # type: ignore[no-untyped-def]
    response = add(client, ServiceFactory(), next_url="https://evil.example/")

    assert response["Location"] == SHORTLIST


def test_shared_link_shows_the_list_to_anyone(client) -> None:  # type: ignore[no-untyped-def]
    food = ServiceFactory(name="Food bank")
    warm = ServiceFactory(name="Warm space")
    add(client, warm)
    add(client, food)
    share_url = client.get(SHORTLIST).context["share_url"]
    assert f"s={warm.uuid}&s={food.uuid}" in share_url

    stranger = client.__class__()
    response = stranger.get(share_url)

    assert response.status_code == 200
    assert listed(response) == ["Warm space", "Food bank"]
    assert "Add to shortlist" not in response.content.decode()


def test_bad_and_unknown_ids_are_ignored(client) -> None:  # type: ignore[no-untyped-def]
    food = ServiceFactory(name="Food bank")
    closed = ServiceFactory(name="Closed", status=Service.Status.DEFUNCT)
    query = f"?s=nonsense&s={uuid.uuid4()}&s={closed.uuid}&s={food.uuid}&s=%00"

    response = client.get(SHARED + query)

    assert response.status_code == 200
    assert listed(response) == ["Food bank"]
    bad = client.post(reverse("hubs:shortlist-add"), {"service": "not-a-uuid"})
    assert bad.status_code == 302
    assert (
        client.post(reverse("hubs:shortlist-add"), {"service": str(closed.uuid)}).status_code == 302
    )
    assert listed(client.get(SHORTLIST)) == []
    assert client.get(reverse("hubs:shortlist-add")).status_code == 405


def test_shortlist_holds_at_most_30(client) -> None:  # type: ignore[no-untyped-def]
    services = [ServiceFactory() for _ in range(31)]
    for service in services:
        add(client, service)

    assert len(client.get(SHORTLIST).context["cards"]) == 30


@pytest.mark.parametrize("count", [2, 10])
def test_shared_shortlist_query_count_is_constant(client, django_assert_num_queries, count) -> None:  # type: ignore[no-untyped-def]
    services = [ServiceFactory() for _ in range(count)]
    for service in services:
        PhoneFactory(service=service)
        ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=service))
    query = "?" + "&".join(f"s={s.uuid}" for s in services)

    # The services with their organisations (1); their places with the place and its ward (1),
    # the places' addresses (1), schedules (1) and exceptions (1), and their locations'
    # exceptions (1); programme tags (1); the services' own schedules (1) and exceptions (1),
    # which each place reads through its ``service`` (the same object); phones (1).
    with django_assert_num_queries(10):
        response = client.get(SHARED + query)

    assert len(response.context["cards"]) == count
