"""Save and come back later (a link by email, the address not kept), changing a response until
the consultation closes (signed in, or by the secret link in an anonymous receipt), the receipt
email, and "Tell me what happened as a result"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from engagement import kinds
from engagement.models import Answer, OutcomeRequest, Response
from luton2040.accounts.models import User
from luton2040.notifications.models import Notification

from .test_respond_forms import Survey, make_survey, page_data
from .test_respond_journey import answer_every_page, close, section_url, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_to_all() -> Survey:
    return make_survey(allow_anonymous=True, one_response_per_person=False)


def emailed_path(body: str, slug: str) -> str:
    found = re.search(
        rf"https?://[^\s\"]+(/have-your-say/consultations/{slug}/respond/return/[^\s\"/]+/)", body
    )
    assert found, body
    return found.group(1)


# --- save and come back later ----------------------------------------------------------------


def test_anonymous_save_and_return_by_emailed_link(
    client: Client, open_to_all: Survey, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    survey = open_to_all
    q = survey.q
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1))
    # Half of page 2, then "Save and come back later": the required scale can wait.
    later = client.post(section_url(survey, 2), {f"q{q['number'].pk}": "6", "action": "save-later"})
    assert later["Location"] == url(survey, "respond-save")
    page = client.get(later["Location"])
    assert "Save your answers and come back later" in page.content.decode()

    bad = client.post(url(survey, "respond-save"), {"email": "not an email"})
    assert bad.status_code == 400
    assert (
        "Enter an email address in the correct format, like name@example.com"
        in bad.content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url(survey, "respond-save"), {"email": "Amina@Example.org"})
    assert saved.status_code == 200
    assert "We have sent a link to Amina@Example.org" in saved.content.decode()

    (message,) = mailoutbox
    assert message.to == ["Amina@example.org"]
    assert message.subject == f"Finish your response to {survey.consultation.title}"
    link = emailed_path(message.body, survey.consultation.slug)
    token = link.rstrip("/").rsplit("/", 1)[1]

    response = Response.objects.get()
    assert response.status == Response.Status.IN_PROGRESS
    assert response.last_section == 1
    assert token not in response.resume_token_hash  # only its hash is kept
    row = Response.objects.filter(pk=response.pk).values()[0]
    assert not any("amina" in str(value).lower() for value in row.values())
    notification = Notification.objects.get(kind=kinds.RESPONSE_RESUME_LINK)
    assert str(response.pk) not in notification.idempotency_key.split(":")

    # Another browser (the session is gone): the link carries on at page 2, answers kept.
    other = Client()
    back = other.get(link)
    assert back["Location"] == section_url(survey, 2)
    assert 'value="6"' in other.get(section_url(survey, 2)).content.decode()
    assert other.post(section_url(survey, 2), page_data(survey, 2))["Location"] == section_url(
        survey, 3
    )


def test_a_new_link_replaces_the_old_one(client: Client, open_to_all: Survey) -> None:
    survey = open_to_all
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1) | {"action": "save-later"})
    client.post(url(survey, "respond-save"), {"email": "amina@example.org"})
    first = Notification.objects.get().context["resume_url"]
    client.post(url(survey, "respond-save"), {"email": "amina@example.org"})
    second = Notification.objects.exclude(context__resume_url=first).get().context["resume_url"]
    stale = Client().get(first)
    assert stale.status_code == 404
    assert "This link does not work" in stale.content.decode()
    assert Client().get(second).status_code == 302


def test_signed_in_save_for_later_keeps_the_answers_on_the_account(
    client: Client, resident: User
) -> None:
    survey = make_survey()
    client.force_login(resident)
    client.post(url(survey, "respond"))
    later = client.post(section_url(survey, 1), page_data(survey, 1) | {"action": "save-later"})
    page = client.get(later["Location"]).content.decode()
    assert "Your answers are saved to your account" in page
    assert not Notification.objects.exists()
    assert Answer.objects.filter(response__respondent=resident).count() == 4


def test_no_save_for_later_when_the_consultation_does_not_offer_it(client: Client) -> None:
    survey = make_survey(
        allow_anonymous=True, one_response_per_person=False, allow_save_and_return=False
    )
    client.post(url(survey, "respond"))
    assert "Save and come back later" not in client.get(section_url(survey, 1)).content.decode()
    assert client.get(url(survey, "respond-save")).status_code == 404


# --- changing a response until the consultation closes -------------------------------------------


def test_signed_in_respondent_changes_their_response_until_it_closes(
    client: Client, resident: User
) -> None:
    survey = make_survey()
    q = survey.q
    client.force_login(resident)
    answer_every_page(client, survey)
    client.post(url(survey, "respond-equality"), {})
    client.post(url(survey, "respond-check"), {})
    response = Response.objects.get()
    assert response.updated_at is None

    start = client.get(url(survey, "respond")).content.decode()
    assert url(survey, "respond-change") in start
    assert client.get(url(survey, "respond-change"))["Location"] == url(survey, "respond-check")
    check = client.get(url(survey, "respond-check")).content.decode()
    assert "Your response" in check and "Finish" in check
    changed = client.post(
        f"{section_url(survey, 1)}?change=1",
        page_data(survey, 1) | {f"q{q['short-text'].pk}": "Bury Park"},
    )
    assert changed["Location"] == url(survey, "respond-check")
    assert Answer.objects.get(question=q["short-text"]).text == "Bury Park"
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert response.updated_at is not None
    finished = client.post(url(survey, "respond-check"), {})
    assert "Response updated" in client.get(finished["Location"]).content.decode()

    close(survey)
    refused = client.get(url(survey, "respond-change"))
    assert refused.status_code == 403
    assert "This consultation has closed" in refused.content.decode()
    late = client.post(
        f"{section_url(survey, 1)}?change=1",
        page_data(survey, 1) | {f"q{q['short-text'].pk}": "Too late"},
    )
    assert late.status_code == 403
    assert "Too late" in late.content.decode()  # shown back, not lost silently
    assert Answer.objects.get(question=q["short-text"]).text == "Bury Park"


def test_anonymous_respondent_changes_their_response_by_the_receipt_link(
    client: Client, open_to_all: Survey, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    survey = open_to_all
    q = survey.q
    answer_every_page(client, survey)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(survey, "respond-check"), {"receipt": "on", "email": "amina@example.org"})
    (receipt,) = mailoutbox
    link = emailed_path(receipt.body, survey.consultation.slug)
    # The confirmation page shows the same link.
    assert link in client.get(url(survey, "respond-sent")).content.decode()

    other = Client()
    assert other.get(link)["Location"] == url(survey, "respond-check")
    assert "Your response" in other.get(url(survey, "respond-check")).content.decode()
    other.post(
        f"{section_url(survey, 1)}?change=1",
        page_data(survey, 1) | {f"q{q['short-text'].pk}": "Marsh Farm"},
    )
    assert Answer.objects.get(question=q["short-text"]).text == "Marsh Farm"
    response = Response.objects.get()
    assert response.updated_at is None  # nothing finer than the day it was sent

    close(survey)
    refused = Client().get(link)
    assert refused.status_code == 403
    assert "This consultation has closed" in refused.content.decode()


def test_a_save_for_later_link_cannot_change_a_sent_response(
    client: Client, open_to_all: Survey
) -> None:
    survey = open_to_all
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1) | {"action": "save-later"})
    client.post(url(survey, "respond-save"), {"email": "amina@example.org"})
    link = Notification.objects.get().context["resume_url"]
    for number in (1, 2, 3):
        client.post(section_url(survey, number), page_data(survey, number))
    client.post(url(survey, "respond-check"), {})
    assert Client().get(link).status_code == 404


# --- the receipt -----------------------------------------------------------------------------


def test_receipt_for_a_signed_in_respondent_copies_their_answers(
    client: Client, resident: User, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    survey = make_survey()
    client.force_login(resident)
    answer_every_page(client, survey)
    check = client.get(url(survey, "respond-check")).content.decode()
    assert "rashida.resident@example.org" in check  # where the email goes
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(survey, "respond-check"), {"receipt": "on"})
    (receipt,) = mailoutbox
    assert receipt.to == [resident.email]
    assert receipt.subject == f"Your response to {survey.consultation.title}"
    body = receipt.body
    assert f"Thank you for responding to {survey.consultation.title}" in body
    for shown in ("Which bus stop do you use most?", "Park Street", "1. Reliability", "LU1 2BQ"):
        assert shown in body, shown
    assert url(survey, "respond-change") in body
    html = receipt.alternatives[0][0]
    assert "Park Street" in html
    assert Notification.objects.get().user == resident


def test_receipt_for_an_anonymous_respondent_has_the_link_but_not_the_answers(
    client: Client, open_to_all: Survey, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    survey = open_to_all
    answer_every_page(client, survey)
    missing = client.post(url(survey, "respond-check"), {"receipt": "on"})
    assert missing.status_code == 400
    assert (
        "Enter your email address, or untick the emails you asked for" in missing.content.decode()
    )
    assert Response.objects.get().status == Response.Status.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(survey, "respond-check"), {"receipt": "on", "email": "amina@example.org"})
    (receipt,) = mailoutbox
    assert receipt.to == ["amina@example.org"]
    assert "Park Street" not in receipt.body
    assert "private link" in receipt.body
    assert "/respond/return/" in receipt.body


def test_no_receipt_unless_asked(client: Client, open_to_all: Survey) -> None:
    answer_every_page(client, open_to_all)
    client.post(url(open_to_all, "respond-check"), {"email": "amina@example.org"})
    assert not Notification.objects.exists()


# --- hearing back ----------------------------------------------------------------------------


def test_hear_back_by_account(client: Client, resident: User) -> None:
    survey = make_survey()
    client.force_login(resident)
    answer_every_page(client, survey)
    client.post(url(survey, "respond-check"), {"hear_back": "on"})
    request = OutcomeRequest.objects.get()
    assert (request.user, request.email, request.consultation) == (
        resident,
        "",
        survey.consultation,
    )


def test_hear_back_by_email_lower_cased_and_never_twice(
    client: Client, open_to_all: Survey
) -> None:
    survey = open_to_all
    for _ in range(2):  # two responses from the same address
        browser = Client()
        answer_every_page(browser, survey)
        browser.post(
            url(survey, "respond-check"), {"hear_back": "on", "email": "Amina@EXAMPLE.org"}
        )
    assert Response.objects.filter(status="submitted").count() == 2
    request = OutcomeRequest.objects.get()
    assert (request.user, request.email) == (None, "amina@example.org")
    # No key from the request to a response.
    assert not [f for f in OutcomeRequest._meta.get_fields() if f.related_model is Response]
