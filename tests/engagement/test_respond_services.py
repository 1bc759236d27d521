"""The services other areas call (the hub desk enters paper and phone responses with
response_submit and SectionAnswersForm), and their contracts: one transaction, equality
stored apart, hear-back by account or email (a repeat ignored), the audit record for staff
entry, changes refused after close, links forgotten after close."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from engagement import kinds
from engagement.forms.answers import ChoiceAnswer
from engagement.models import (
    Answer,
    Channel,
    Consultation,
    EqualityMonitoring,
    OutcomeRequest,
    Response,
)
from engagement.selectors.responses import (
    answer_values,
    answers_for_display,
    response_by_token,
)
from engagement.services import responses as services
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification
from luton2040.places.models import Ward

from ..factories import LocationFactory
from .test_respond_forms import Survey, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey() -> Survey:
    return make_survey()


def every_answer(survey: Survey) -> dict[int, Any]:
    q = survey.q
    return {
        q["short-text"].pk: "Park Street",
        q["long-text"].pk: "More buses",
        q["single-choice"].pk: ChoiceAnswer(other_text="By bike"),
        q["multiple-choice"].pk: ChoiceAnswer((survey.option("multiple-choice", "Route C"),)),
        q["scale"].pk: survey.option("scale", "Agree"),  # a bare option id is accepted too
        q["ranking"].pk: [
            survey.option("ranking", x) for x in ("Fares", "Reliability", "Frequency")
        ],
        q["number"].pk: Decimal("3.5"),
        q["date"].pk: datetime.date(2025, 1, 31),
        q["ward"].pk: Ward.objects.get(slug="biscot"),
        q["postcode"].pk: "LU2 0DD",
    }


def test_hub_desk_enters_a_paper_response(
    survey: Survey, staff: User, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    hub = LocationFactory(is_hub=True, name="Marsh Farm Hub")
    with django_capture_on_commit_callbacks(execute=True):
        response = services.response_submit(
            consultation=survey.consultation,
            answers=every_answer(survey),
            channel=Channel.PAPER,
            entered_by=staff,
            hub=hub,
            equality={"age_band": "65-plus", "ward": Ward.objects.get(slug="biscot")},
            hear_back_email=" Old.Lady@Example.ORG ",
            receipt_email="old.lady@example.org",
        )
    response.refresh_from_db()
    assert (response.status, response.channel, response.entered_by, response.hub) == (
        Response.Status.SUBMITTED,
        Channel.PAPER,
        staff,
        hub,
    )
    assert response.respondent is None and response.submitted_at is None
    assert response.answers.count() == 10
    values = answer_values(response=response)
    assert values[survey.q["ranking"].pk] == ChoiceAnswer(
        tuple(survey.option("ranking", x) for x in ("Fares", "Reliability", "Frequency"))
    )
    assert values[survey.q["single-choice"].pk] == ChoiceAnswer(other_text="By bike")
    equality = EqualityMonitoring.objects.get()
    assert (equality.age_band, equality.channel, equality.ward.slug) == (
        "65-plus",
        "paper",
        "biscot",
    )
    assert OutcomeRequest.objects.get().email == "old.lady@example.org"
    assert Notification.objects.get().kind == kinds.RESPONSE_RECEIPT
    assert len(mailoutbox) == 1
    # The secret link for the person to change it online, returned once and kept as a hash.
    assert (
        response_by_token(
            consultation=survey.consultation,
            token=response.secret_token,  # type: ignore[attr-defined]
        )
        == response
    )
    # Staff entry is audited against the consultation, not the (anonymous) response.
    event = AuditEvent.objects.get(verb="consultation.response_entered")
    assert (event.actor, event.object_id) == (staff, str(survey.consultation.pk))
    assert event.changes == {"channel": "paper", "hub": "Marsh Farm Hub"}


def test_everything_or_nothing(survey: Survey, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise IntegrityError("the equality table is away")

    monkeypatch.setattr(services, "equality_record", broken)
    with pytest.raises(IntegrityError):
        services.response_submit(
            consultation=survey.consultation,
            answers=every_answer(survey),
            equality={"age_band": "18-24"},
            hear_back_email="a@example.org",
        )
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not OutcomeRequest.objects.exists()


def test_one_response_each_refuses_a_second(survey: Survey, resident: User) -> None:
    first = services.response_submit(
        consultation=survey.consultation, answers={}, respondent=resident
    )
    with pytest.raises(services.AlreadyResponded) as refused:
        services.response_submit(consultation=survey.consultation, answers={}, respondent=resident)
    assert refused.value.response == first


def test_a_response_entered_for_someone_with_a_draft_becomes_that_draft(
    survey: Survey, resident: User, staff: User
) -> None:
    draft, _token = services.response_start(consultation=survey.consultation, respondent=resident)
    services.response_save_progress(
        response=draft, answers={survey.q["short-text"].pk: "Online answer"}, last_section=1
    )
    sent = services.response_submit(
        consultation=survey.consultation,
        answers={survey.q["long-text"].pk: "Given by phone"},
        respondent=resident,
        channel=Channel.PHONE,
        entered_by=staff,
    )
    assert sent.pk == draft.pk
    assert Response.objects.get().channel == Channel.PHONE
    assert set(Answer.objects.values_list("text", flat=True)) == {"Online answer", "Given by phone"}


def test_hear_back_by_account_needs_a_respondent_and_is_kept_once(
    survey: Survey, resident: User
) -> None:
    other = make_survey(allow_anonymous=True, one_response_per_person=False)
    for _ in range(2):
        services.response_submit(
            consultation=other.consultation, answers={}, respondent=resident, hear_back=True
        )
    services.response_submit(consultation=other.consultation, answers={}, hear_back=True)
    assert list(OutcomeRequest.objects.values_list("user", "email")) == [(resident.pk, "")]


def test_blank_values_remove_an_answer(survey: Survey) -> None:
    draft, _token = services.response_start(consultation=survey.consultation)
    q = survey.q
    services.response_save_progress(response=draft, answers={q["short-text"].pk: "Park Street"})
    services.response_save_progress(response=draft, answers={q["short-text"].pk: None})
    assert not Answer.objects.exists()


def test_questions_of_another_consultation_are_refused(survey: Survey) -> None:
    other = make_survey()
    draft, _token = services.response_start(consultation=survey.consultation)
    with pytest.raises(ValueError, match="not in this consultation"):
        services.response_save_progress(
            response=draft, answers={other.q["short-text"].pk: "Wrong survey"}
        )


def test_changes_are_refused_after_closing(survey: Survey, resident: User) -> None:
    response = services.response_submit(
        consultation=survey.consultation,
        answers={survey.q["short-text"].pk: "Park Street"},
        respondent=resident,
    )
    Consultation.objects.filter(pk=survey.consultation.pk).update(status="closed")
    with pytest.raises(services.ResponseClosed):
        services.response_update(response=response, answers={survey.q["short-text"].pk: "Late"})
    assert Answer.objects.get().text == "Park Street"


def test_forgetting_links_after_close_is_safe_to_run_twice(survey: Survey) -> None:
    anonymous = make_survey(allow_anonymous=True, one_response_per_person=False)
    response = services.response_submit(consultation=anonymous.consultation, answers={})
    token = response.secret_token  # type: ignore[attr-defined]
    assert services.responses_forget_links(consultation=anonymous.consultation) == 1
    assert services.responses_forget_links(consultation=anonymous.consultation) == 0
    assert response_by_token(consultation=anonymous.consultation, token=token) is None


def test_answers_for_display_words_every_kind(survey: Survey) -> None:
    response = services.response_submit(
        consultation=survey.consultation, answers=every_answer(survey)
    )
    rows = {
        row.question.kind: row.text
        for section in answers_for_display(response)
        for row in section.rows
    }
    assert rows == {
        "short-text": "Park Street",
        "long-text": "More buses",
        "single-choice": "Other: By bike",
        "multiple-choice": "Route C",
        "scale": "Agree",
        "ranking": "1. Fares\n2. Reliability\n3. Frequency",
        "number": "3.5",
        "date": "31 January 2025",
        "ward": "Biscot",
        "postcode": "LU2 0DD",
    }
    assert response.submitted_on == timezone.localdate()
