"""Stored copies of whole pages for visitors who are not signed in (luton2040/page_cache.py),
through the pages that use them: the find-support search and a hub page. A stored copy must
read exactly as the page would, carry the visitor's own CSP nonce and a CSRF token that works
for them, and never reach anyone whose page differs (signed in, a shortlist, another language)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from hubs import opening
from hubs.models import Service
from luton2040.accounts.models import User
from luton2040.page_cache import _stored_copy, for_visitor
from tests.factories import (
    TEST_PASSWORD,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("hubs:index")
MONDAY_1130 = dt.datetime(2026, 12, 7, 11, 30, tzinfo=opening.LONDON)  # not a bank holiday


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opening, "local_now", lambda: MONDAY_1130)


def _listings(count: int) -> list[Service]:
    hub = LocationFactory(is_hub=True, name="Hockwell Ring Hub")
    services = []
    for n in range(count):
        service = ServiceFactory(name=f"Food club {n}")
        tag(service, "category", "food")
        ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=service, location=hub))
        services.append(service)
    return services


def _stored(path: str, **headers: str) -> None:
    """Ask for a page twice, as two visitors: the second time it is stored."""
    for _ in range(2):
        Client().get(path, **headers)


def _nonce(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf_input(response) -> str:  # type: ignore[no-untyped-def]
    return CSRF_INPUT.search(response.content.decode()).group(1)


@pytest.mark.parametrize("count", [2, 15])
def test_a_search_asked_for_again_is_served_stored_with_each_visitors_own_nonce_and_token(
    django_assert_num_queries, count: int
) -> None:
    services = _listings(count)
    Client().get(SEARCH, {"category": "food"})  # asked for once: not stored yet
    first = Client(enforce_csrf_checks=True).get(SEARCH, {"category": "food"})  # stored
    assert first.context is not None
    visitor = Client(enforce_csrf_checks=True)

    # None, whatever the page size: the directory's version was read by the request before.
    with django_assert_num_queries(0):
        page = visitor.get(SEARCH, {"category": "food"})

    assert page.status_code == 200
    assert page.context is None  # served, not rendered
    body = page.content.decode()
    # Word for word the page the first visitor got, but for the nonce and the token.
    as_first_saw = first.content.decode().replace(_csrf_input(first), _csrf_input(page))
    assert body.replace(_nonce(page), "") == as_first_saw.replace(_nonce(first), "")
    assert all(service.name in body for service in services)
    assert _nonce(page) != _nonce(first)
    assert f'nonce="{_nonce(page)}"' in body and _nonce(first) not in body
    assert "\x00" not in body
    assert "Cookie" in page["Vary"]
    # The shortlist button on the stored copy works for this visitor, with their own cookie.
    added = visitor.post(
        reverse("hubs:shortlist-add"),
        {"csrfmiddlewaretoken": _csrf_input(page), "service": services[0].uuid, "next": SEARCH},
    )
    assert added.status_code == 302
    assert visitor.session["hubs_shortlist"] == [str(services[0].uuid)]


def test_a_hub_page_is_stored_too_and_a_missing_hub_is_not(django_assert_num_queries) -> None:
    _listings(2)
    hub = LocationFactory(is_hub=True, name="Lewsey Farm Hub")
    url = reverse("hubs:hub-detail", kwargs={"slug": hub.slug})
    _stored(url)

    with django_assert_num_queries(0):
        again = Client().get(url)

    assert again.status_code == 200 and "Lewsey Farm Hub" in again.content.decode()
    missing = reverse("hubs:hub-detail", kwargs={"slug": "no-such-hub"})
    _stored(missing)
    answer = Client().get(missing)
    assert answer.status_code == 404
    assert answer.context is not None  # rendered again: a 404 is never stored


def test_signed_in_residents_and_visitors_with_a_shortlist_get_their_own_page(
    resident: User,
) -> None:
    (service,) = _listings(1)
    _stored(SEARCH)

    with_shortlist = Client()
    with_shortlist.post(reverse("hubs:shortlist-add"), {"service": service.uuid, "next": SEARCH})
    own = with_shortlist.get(SEARCH)
    assert own.context is not None
    assert "Remove from shortlist" in own.content.decode()

    signed_in = Client()
    signed_in.login(email=resident.email, password=TEST_PASSWORD)
    theirs = signed_in.get(SEARCH)
    assert theirs.context is not None and "Sign out" in theirs.content.decode()

    # And what they saw was not stored for anyone else.
    visitor = Client().get(SEARCH).content.decode()
    assert "Sign out" not in visitor and "Remove from shortlist" not in visitor


def test_a_change_to_the_directory_and_the_turn_of_the_minute_show_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (service,) = _listings(1)  # Mondays 10:00 to 14:00
    closing = MONDAY_1130.replace(hour=13, minute=59)
    monkeypatch.setattr(opening, "local_now", lambda: closing)
    _stored(SEARCH)
    assert "Open now until 14:00" in Client().get(SEARCH).content.decode()

    newcomer = ServiceFactory(name="Wigmore Warm Space")
    changed = Client().get(SEARCH)
    assert changed.context is not None and newcomer.name in changed.content.decode()
    _stored(SEARCH)

    monkeypatch.setattr(opening, "local_now", lambda: closing + dt.timedelta(minutes=1))
    later = Client().get(SEARCH)
    assert later.context is not None
    assert "Open now until 14:00" not in later.content.decode()
    assert newcomer.name in later.content.decode() and service.name in later.content.decode()


def test_each_language_has_its_own_stored_page(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGES = [("en-gb", "English"), ("ur", "Urdu")]
    _listings(1)

    _stored(SEARCH, HTTP_ACCEPT_LANGUAGE="ur")
    urdu = Client().get(SEARCH, HTTP_ACCEPT_LANGUAGE="ur")
    english = Client().get(SEARCH, HTTP_ACCEPT_LANGUAGE="en-gb")

    assert urdu.context is None  # served: stored the second time it was asked for

    assert 'lang="ur" dir="rtl"' in urdu.content.decode()
    assert english.context is not None
    assert 'lang="en-gb" dir="ltr"' in english.content.decode()


def test_only_a_get_with_no_session_and_no_message_waiting_is_served_a_stored_page(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    factory = RequestFactory()
    assert for_visitor(factory.get(SEARCH))
    assert for_visitor(factory.head(SEARCH))
    assert not for_visitor(factory.post(SEARCH))
    with_session = factory.get(SEARCH)
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert not for_visitor(with_session)
    with_message = factory.get(SEARCH)
    with_message.COOKIES[CookieStorage.cookie_name] = "abc"
    assert not for_visitor(with_message)


def test_a_page_that_writes_its_csrf_token_anywhere_but_a_form_input_is_never_stored() -> None:
    # Another visitor would be handed this visitor's CSRF secret.
    token = "a" * 64
    field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    request = RequestFactory().get(SEARCH)

    in_forms_only = _stored_copy(request, HttpResponse(f"<form>{field}</form>" * 2))
    also_in_a_meta_tag = _stored_copy(
        request, HttpResponse(f'<meta name="csrf" content="{token}"><form>{field}</form>')
    )

    assert in_forms_only is not None and token.encode() not in in_forms_only["body"]
    assert also_in_a_meta_tag is None
