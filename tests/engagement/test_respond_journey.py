"""Responding online, page by page: start, one page per section, about you, check your answers
(with Change links), sent. Who may respond to what: drafts are 404, forthcoming and closed
consultations say so plainly (and keep what was typed), sign-in when the consultation needs it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Answer, Consultation, EqualityMonitoring, Response
from luton2040.accounts.models import User

from .test_respond_forms import Survey, make_survey, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def url(survey: Survey, name: str, **kwargs: Any) -> str:
    return reverse(f"engagement:{name}", kwargs={"slug": survey.consultation.slug, **kwargs})


def section_url(survey: Survey, number: int) -> str:
    return url(survey, "respond-section", number=number)


def answer_every_page(client: Client, survey: Survey) -> None:
    """Start, then answer the three sections (ends on the page after the last section)."""
    response = client.post(url(survey, "respond"))
    assert response.status_code == 302, response.content
    assert response["Location"] == section_url(survey, 1)
    for number in (1, 2, 3):
        response = client.post(section_url(survey, number), page_data(survey, number))
        assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def open_to_all() -> Survey:
    return make_survey(allow_anonymous=True, one_response_per_person=False)


@pytest.fixture
def signed_in_only() -> Survey:
    return make_survey()  # the factory's default: sign in, one response each


# --- the whole journey -----------------------------------------------------------------------


def test_anonymous_resident_responds_page_by_page(client: Client, open_to_all: Survey) -> None:
    survey = open_to_all
    start = client.get(url(survey, "respond"))
    assert start.status_code == 200
    text = start.content.decode()
    assert "There are 3 sections." in text
    assert "It takes about" in text
    assert "You do not need an account to respond" in text

    assert client.post(url(survey, "respond"))["Location"] == section_url(survey, 1)
    page = client.get(section_url(survey, 2))
    assert "Section 2 of 3" in page.content.decode()

    for number, following in ((1, 2), (2, 3)):
        sent = client.post(section_url(survey, number), page_data(survey, number))
        assert sent["Location"] == section_url(survey, following)
    sent = client.post(section_url(survey, 3), page_data(survey, 3))
    assert sent["Location"] == url(survey, "respond-equality")

    about_you = client.post(
        url(survey, "respond-equality"), {"age_band": "25-34", "disability": "no"}
    )
    assert about_you["Location"] == url(survey, "respond-check")
    check = client.get(url(survey, "respond-check"))
    text = check.content.decode()
    assert "Check your answers before sending your response" in text
    for shown in (
        "Park Street",
        "More buses after 8pm.",
        "Every day",
        "Route A",
        "Agree",
        "1. Reliability",
        "2. Fares",
        "3. Frequency",
        "4",
        "3 November 2025",
        "Biscot",
        "LU1 2BQ",
        "25 to 34",
    ):
        assert shown in text, shown
    assert not EqualityMonitoring.objects.exists()  # kept in the session until sent

    done = client.post(url(survey, "respond-check"), {})
    assert done["Location"] == url(survey, "respond-sent")
    confirmation = client.get(done["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation
    assert "Response sent" in confirmation

    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.answers.count() == 10
    equality = EqualityMonitoring.objects.get()
    assert (equality.age_band, equality.disability, equality.sex) == ("25-34", "no", "")


def test_signed_in_resident_responds_and_their_draft_survives_the_session(
    client: Client, signed_in_only: Survey, resident: User
) -> None:
    survey = signed_in_only
    client.force_login(resident)
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1))
    draft = Response.objects.get()
    assert (draft.respondent, draft.status, draft.last_section) == (resident, "in-progress", 1)

    # A new browser (the session has gone): the start page carries on where they left off.
    other = Client()
    other.force_login(resident)
    start = other.get(url(survey, "respond")).content.decode()
    assert "Continue your response" in start
    assert other.post(url(survey, "respond"))["Location"] == section_url(survey, 2)
    page_one = other.get(section_url(survey, 1)).content.decode()
    assert 'value="Park Street"' in page_one


def test_signed_in_only_consultation_sends_anonymous_people_to_sign_in(
    client: Client, signed_in_only: Survey
) -> None:
    survey = signed_in_only
    start = client.get(url(survey, "respond"))
    login = f"{reverse('account_login')}?{urlencode({'next': url(survey, 'respond')})}"
    assert start.status_code == 200
    assert "Sign in to respond" in start.content.decode()
    assert login.replace("&", "&amp;") in start.content.decode() or login in start.content.decode()
    assert client.post(url(survey, "respond"))["Location"] == login
    assert client.get(section_url(survey, 1))["Location"] == login
    assert not Response.objects.exists()


def test_a_signed_in_person_may_respond_anonymously_where_allowed(
    client: Client, open_to_all: Survey, resident: User
) -> None:
    survey = open_to_all
    client.force_login(resident)
    assert "How do you want to respond?" in client.get(url(survey, "respond")).content.decode()
    missing = client.post(url(survey, "respond"), {})
    assert missing.status_code == 400
    assert "Select how you want to respond" in missing.content.decode()
    client.post(url(survey, "respond"), {"how": "anonymous"})
    assert Response.objects.get().respondent is None


# --- errors, check your answers and Change ---------------------------------------------------


def test_a_page_with_errors_shows_the_summary_and_keeps_what_was_typed(
    client: Client, open_to_all: Survey
) -> None:
    survey = open_to_all
    client.post(url(survey, "respond"))
    q = survey.q
    data = page_data(survey, 1) | {
        f"q{q['short-text'].pk}": "",
        f"q{q['long-text'].pk}": "Kept as typed",
    }
    page = client.post(section_url(survey, 1), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text
    assert f'href="#id_q{q["short-text"].pk}"' in text
    assert "Enter your answer to “Which bus stop do you use most?”" in text
    assert "Kept as typed</textarea>" in text
    assert "<title>Error:" in text
    assert not Answer.objects.exists()  # nothing saved from a page with errors


def test_check_answers_change_link_returns_to_the_check_page(
    client: Client, open_to_all: Survey
) -> None:
    survey = open_to_all
    answer_every_page(client, survey)
    q = survey.q
    check = client.get(url(survey, "respond-check")).content.decode()
    change = f"{section_url(survey, 2)}?change=1#question-{q['number'].pk}"
    assert f'href="{change}"' in check
    changed = client.post(
        f"{section_url(survey, 2)}?change=1", page_data(survey, 2) | {f"q{q['number'].pk}": "9"}
    )
    assert changed["Location"] == url(survey, "respond-check")
    assert Answer.objects.get(question=q["number"]).number == 9


def test_check_answers_sends_to_a_page_with_a_required_question_unanswered(
    client: Client, open_to_all: Survey
) -> None:
    survey = open_to_all
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1))
    # Page 2 skipped by typing the address of page 3.
    client.post(section_url(survey, 3), page_data(survey, 3))
    assert client.get(url(survey, "respond-check"))["Location"] == section_url(survey, 2)
    assert client.post(url(survey, "respond-check"), {})["Location"] == section_url(survey, 2)
    assert Response.objects.get().status == Response.Status.IN_PROGRESS


def test_no_equality_page_when_the_consultation_does_not_ask(client: Client) -> None:
    survey = make_survey(
        allow_anonymous=True, one_response_per_person=False, ask_equality_questions=False
    )
    answer_every_page(client, survey)
    assert client.get(url(survey, "respond-equality")).status_code == 404
    client.post(url(survey, "respond-check"), {})
    assert Response.objects.get().status == Response.Status.SUBMITTED
    assert not EqualityMonitoring.objects.exists()


def test_check_page_queries_do_not_grow_with_the_survey(
    client: Client, open_to_all: Survey, django_assert_max_num_queries: Any
) -> None:
    from ..factories import QuestionFactory

    survey = open_to_all
    answer_every_page(client, survey)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(survey, "respond-check")).status_code == 200
        return len(queries)

    before = count()
    for n in range(6):
        QuestionFactory(
            section=survey.sections[1], kind="single-choice", options=["Yes", "No"], position=10 + n
        )
        QuestionFactory(section=survey.sections[2], kind="ward", position=10 + n)
    with django_assert_max_num_queries(before):
        assert client.get(url(survey, "respond-check")).status_code == 200


# --- who may respond to what -----------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, "resident", "outsider", "staff"])
def test_a_draft_consultation_is_not_found(
    client: Client, persona: str | None, request: pytest.FixtureRequest
) -> None:
    survey = make_survey(status=Consultation.Status.DRAFT, published_at=None)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for address in (
        url(survey, "respond"),
        section_url(survey, 1),
        url(survey, "respond-check"),
        url(survey, "respond-sent"),
        url(survey, "respond-return", token="anything"),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url(survey, "respond")).status_code == 404


def test_a_forthcoming_consultation_says_when_it_opens(client: Client, resident: User) -> None:
    opens = timezone.now() + datetime.timedelta(days=3)
    survey = make_survey(
        status=Consultation.Status.FORTHCOMING,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
    )
    client.force_login(resident)
    page = client.get(url(survey, "respond"))
    assert page.status_code == 200
    assert "This consultation is not open yet" in page.content.decode()
    assert client.post(url(survey, "respond")).status_code == 403
    assert not Response.objects.exists()


def close(survey: Survey) -> None:
    Consultation.objects.filter(pk=survey.consultation.pk).update(
        status=Consultation.Status.CLOSED,
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )


def test_answers_sent_after_closing_are_refused_and_shown_back(
    client: Client, signed_in_only: Survey, resident: User
) -> None:
    survey = signed_in_only
    client.force_login(resident)
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1))
    close(survey)
    q = survey.q
    late = client.post(section_url(survey, 2), page_data(survey, 2) | {f"q{q['number'].pk}": "7"})
    assert late.status_code == 403
    text = late.content.decode()
    assert "This consultation has closed" in text
    assert "Your answers below were not sent" in text
    assert "How many journeys do you make a week?" in text and "7" in text  # what was typed
    assert "Park Street" in text  # and what was saved before
    assert not Answer.objects.filter(question=q["number"]).exists()
    assert client.get(url(survey, "respond")).status_code == 200
    assert client.post(url(survey, "respond-check"), {}).status_code == 403
    assert Response.objects.get().status == Response.Status.IN_PROGRESS


def test_someone_else_s_draft_is_not_reachable(
    client: Client, signed_in_only: Survey, resident: User, outsider: User
) -> None:
    survey = signed_in_only
    client.force_login(resident)
    client.post(url(survey, "respond"))
    client.post(section_url(survey, 1), page_data(survey, 1))
    other = Client()
    other.force_login(outsider)
    page = other.get(section_url(survey, 1))
    assert page["Location"] == url(survey, "respond")  # they start their own
    other.post(url(survey, "respond"))
    assert "Park Street" not in other.get(section_url(survey, 1)).content.decode()
    assert Response.objects.filter(respondent=outsider).count() == 1


def test_one_response_each_the_start_page_offers_change_instead(
    client: Client, signed_in_only: Survey, resident: User
) -> None:
    survey = signed_in_only
    client.force_login(resident)
    answer_every_page(client, survey)
    client.post(url(survey, "respond-check"), {})
    start = client.get(url(survey, "respond")).content.decode()
    assert "Change your response" in start
    assert "Start now" not in start
    assert client.post(url(survey, "respond"))["Location"] == url(survey, "respond")
    assert Response.objects.count() == 1


def test_unknown_section_number_is_not_found(client: Client, open_to_all: Survey) -> None:
    client.post(url(open_to_all, "respond"))
    assert client.get(section_url(open_to_all, 4)).status_code == 404


def test_change_your_response_needs_a_sent_response_of_your_own(
    client: Client, signed_in_only: Survey, resident: User, outsider: User
) -> None:
    survey = signed_in_only
    change = url(survey, "respond-change")
    # Anonymous: sign in first, then come back here.
    login = f"{reverse('account_login')}?{urlencode({'next': change})}"
    assert client.get(change)["Location"] == login
    # Signed in with nothing sent: the start page.
    client.force_login(resident)
    answer_every_page(client, survey)
    client.post(url(survey, "respond-check"), {})
    other = Client()
    other.force_login(outsider)
    assert other.get(change)["Location"] == url(survey, "respond")
    assert other.get(url(survey, "respond-check"))["Location"] == url(survey, "respond")
    # The confirmation page is the sender's alone.
    assert other.get(url(survey, "respond-sent"))["Location"] == url(survey, "respond")
    assert Client().get(url(survey, "respond-sent"))["Location"] == url(survey, "respond")
    assert client.get(url(survey, "respond-sent")).status_code == 200
