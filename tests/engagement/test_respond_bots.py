"""Bots: the honeypot (a response it catches looks sent and is not kept) and the per-IP limit
on sends (a friendly 429 that loses nothing, keyed by a hash that expires)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from engagement.models import Answer, Response
from luton2040.notifications.models import Notification

from .test_respond_forms import Survey, make_survey
from .test_respond_journey import answer_every_page, section_url, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey() -> Survey:
    return make_survey(allow_anonymous=True, one_response_per_person=False)


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(
    client: Client, survey: Survey
) -> None:
    answer_every_page(client, survey)
    page = client.get(url(survey, "respond-check")).content.decode()
    honeypot = page[page.index('<div class="govuk-visually-hidden" aria-hidden="true">') :]
    honeypot = honeypot[: honeypot.index("</div>")]
    assert 'name="website"' in honeypot
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


def test_a_filled_honeypot_looks_sent_but_keeps_nothing(client: Client, survey: Survey) -> None:
    answer_every_page(client, survey)
    sent = client.post(
        url(survey, "respond-check"),
        {"website": "http://spam.example", "receipt": "on", "email": "bot@example.org"},
    )
    assert sent["Location"] == url(survey, "respond-sent")
    assert "Response sent" in client.get(sent["Location"]).content.decode()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not Notification.objects.exists()


def test_a_honeypot_filled_on_a_survey_page_is_remembered_until_sending(
    client: Client, survey: Survey
) -> None:
    from .test_respond_forms import page_data

    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1) | {"website": "spam"})
    for number in (2, 3):
        client.post(section_url(survey, number), page_data(survey, number))
    client.post(url(survey, "respond-check"), {})
    assert not Response.objects.filter(status=Response.Status.SUBMITTED).exists()


def test_the_rate_limit_pauses_sends_from_one_address_and_loses_nothing(
    survey: Survey, settings: object
) -> None:
    settings.ENGAGEMENT_RESPONSES_PER_MINUTE = 2  # type: ignore[attr-defined]
    for _ in range(2):
        browser = Client(REMOTE_ADDR="198.51.100.7")
        answer_every_page(browser, survey)
        assert browser.post(url(survey, "respond-check"), {})["Location"].endswith("/sent/")

    third = Client(REMOTE_ADDR="198.51.100.7")
    answer_every_page(third, survey)
    paused = third.post(url(survey, "respond-check"), {})
    assert paused.status_code == 429
    text = paused.content.decode()
    assert "Wait a minute, then try again" in text
    assert "Your answers are saved" in text
    draft = Response.objects.get(status=Response.Status.IN_PROGRESS)
    assert draft.answers.count() == 10

    # Someone else, elsewhere, is not held up.
    elsewhere = Client(REMOTE_ADDR="203.0.113.50")
    answer_every_page(elsewhere, survey)
    assert elsewhere.post(url(survey, "respond-check"), {}).status_code == 302

    # The key is a keyed hash of the address, never the address, and it expires.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:198.51.100.7".encode()).hexdigest()[:32]  # type: ignore[attr-defined]
    key = f"engagement:respond:send:{digest}"
    assert cache.get(key) == 3
    assert "198.51.100.7" not in key
    cache.delete(key)  # a minute later
    assert third.post(url(survey, "respond-check"), {}).status_code == 302
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 4


def test_the_limit_can_be_switched_off(survey: Survey, settings: object) -> None:
    settings.ENGAGEMENT_RESPONSES_PER_MINUTE = 0  # type: ignore[attr-defined]
    for _ in range(3):
        browser = Client(REMOTE_ADDR="198.51.100.7")
        answer_every_page(browser, survey)
        assert browser.post(url(survey, "respond-check"), {}).status_code == 302


def test_save_for_later_emails_are_limited_too(survey: Survey, settings: object) -> None:
    from .test_respond_forms import page_data

    settings.ENGAGEMENT_RESPONSES_PER_MINUTE = 1  # type: ignore[attr-defined]
    browser = Client(REMOTE_ADDR="198.51.100.7")
    browser.post(url(survey, "respond"))
    browser.post(section_url(survey, 1), page_data(survey, 1) | {"action": "save-later"})
    assert browser.post(url(survey, "respond-save"), {"email": "a@example.org"}).status_code == 200
    assert browser.post(url(survey, "respond-save"), {"email": "b@example.org"}).status_code == 429
    assert Notification.objects.count() == 1


def test_no_ip_address_reaches_the_database(survey: Survey) -> None:
    browser = Client(REMOTE_ADDR="198.51.100.7")
    answer_every_page(browser, survey)
    browser.post(url(survey, "respond-check"), {})
    assert settings.ENGAGEMENT_RESPONSES_PER_MINUTE > 0
    for row in Response.objects.values():
        assert "198.51.100.7" not in str(row)
