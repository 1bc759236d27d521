"""Sweep entries for the resident directory: search, hub and service pages, shortlist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .pagespec import PageSpec


def _directory(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A hub with two services (one stale, with an alert) and everything their pages show."""
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

    hub = LocationFactory(name="Marsh Farm Futures", is_hub=True, transportation="Bus 24.")
    AddressFactory(location=hub)
    AccessibilityFactory(location=hub)
    tag(hub, "accessibility", "wheelchair-access")
    LanguageFactory(service=None, location=hub)
    PhoneFactory(location=hub)
    food = ServiceFactory(
        name="Luton Food Bank",
        referral=Service.Referral.REFERRAL,
        who_can_refer="Your GP.",
        what_to_bring="A bag.",
        alert="New venue from May.",
        assured_date=dt.date.today() - dt.timedelta(days=400),
    )
    tag(food, "category", "food")
    tag(food, "programme", "food-first")
    PhoneFactory(service=food)
    sal = ServiceAtLocationFactory(service=food, location=hub)
    ScheduleFactory(service_at_location=sal, byday="MO,TU,WE,TH,FR,SA,SU")
    ScheduleExceptionFactory(
        service_at_location=sal,
        starts_on=dt.date.today() + dt.timedelta(days=2),
        ends_on=dt.date.today() + dt.timedelta(days=2),
        reason="staff training",
    )
    warm = ServiceFactory(name="Warm Space Café")
    tag(warm, "category", "warm-spaces")
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=warm, location=hub))
    return {"hub": hub.slug, "food": food.slug, "food_uuid": str(food.uuid)}


def _hub(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _directory(request)["hub"]}


def _service(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _directory(request)["food"]}


def _closed_service(request: pytest.FixtureRequest) -> dict[str, Any]:
    from hubs.models import Service
    from tests.factories import ServiceFactory

    return {"slug": ServiceFactory(status=Service.Status.DEFUNCT).slug}


def _search(request: pytest.FixtureRequest) -> None:
    _directory(request)
    return None


def directory(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The sweep's directory data, for the keyboard flows."""
    return _directory(request)


PAGES: list[PageSpec] = [
    PageSpec("hubs:index", setup=_search),
    PageSpec("hubs:hub-list", setup=_search),
    PageSpec("hubs:hub-detail", setup=_hub),
    PageSpec("hubs:service-detail", setup=_service),
    PageSpec("hubs:service-detail", setup=_closed_service, status=410),
    # Search states: results near a postcode with a filter and a misspelling, and a bad postcode.
    PageSpec("/find-support/?q=food+bak&postcode=LU2+0DD&category=food", setup=_search),
    PageSpec("/find-support/?postcode=nonsense&q=food", setup=_search),
    PageSpec("hubs:shortlist"),
    # A shared list with services in it needs their ids in the query string, which the sweep
    # cannot know in advance: test_keyboard_directory.py runs axe on it.
    PageSpec("hubs:shortlist-shared"),
]
