"""The hub desk: hub staff (organisation editors) and council staff enter paper, phone and
assisted responses, recorded anonymously with the channel, the hub and who typed them in."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import (
    Answer,
    Consultation,
    EqualityMonitoring,
    OutcomeRequest,
    Question,
    Response,
)
from engagement.services.hub_desk import hub_desk_response_enter
from engagement.views.hub_desk import SESSION_KEY
from hubs.models import Location
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward

from ..factories import ConsultationFactory, LocationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

DESK = "engagement:hub-desk"
ENTRY = "engagement:hub-desk-entry"


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def _survey(**consultation: Any) -> tuple[Consultation, dict[str, Question]]:
    """Two sections: a required yes/no and a comment; then the person's ward."""
    consultation = ConsultationFactory(**consultation)
    first = SectionFactory(consultation=consultation, title="Bus routes", position=0)
    second = SectionFactory(consultation=consultation, title="Where you live", position=1)
    questions = {
        "route": QuestionFactory(
            section=first,
            kind="single-choice",
            text="Should the 31 run on Sundays?",
            required=True,
            options=["Yes", "No"],
        ),
        "comment": QuestionFactory(section=first, kind="long-text", text="Anything else?"),
        "ward": QuestionFactory(section=second, kind="ward", text="Which ward is it about?"),
    }
    return consultation, questions


def _name(question: Question) -> str:
    return f"s{question.section_id}-q{question.pk}"


def _option(question: Question, label: str) -> str:
    return str(question.options.get(label=label).pk)


def _form(questions: dict[str, Question], **values: Any) -> dict[str, Any]:
    """A filled-in paper form: the 31 on Sundays, yes; the rest as given."""
    data: dict[str, Any] = {
        "channel": "paper",
        _name(questions["route"]): _option(questions["route"], "Yes"),
        _name(questions["comment"]): "More buses after 6pm please",
        _name(questions["ward"]): "",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def hub(organisation: Any) -> Location:
    """The org editor's organisation's hub."""
    return LocationFactory(
        organisation=organisation,
        is_hub=True,
        name="Marsh Farm Community Hub",
        ward=Ward.objects.get(slug="northwell"),
    )


@pytest.fixture
def other_hub(db: None) -> Location:
    """Another organisation's hub."""
    return LocationFactory(is_hub=True, name="Lewsey Community Centre")


# --- Who may use the desk --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["org_editor", "staff"])
def test_hub_staff_and_council_staff_use_the_desk(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    consultation, _questions = _survey()
    client.force_login(request.getfixturevalue(persona))
    desk = client.get(reverse(DESK))
    assert desk.status_code == 200
    assert consultation.title in _text(desk)
    assert client.get(reverse(ENTRY, args=[consultation.slug])).status_code == 200


# Staff without two-factor have a resident's powers (accounts/rules.py staff_with_mfa).
@pytest.mark.parametrize(
    "persona", ["resident", "outsider", "taskforce_member", "staff_without_mfa"]
)
def test_nobody_else_does(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    consultation, questions = _survey()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(DESK)).status_code == 403
    assert client.get(reverse(ENTRY, args=[consultation.slug])).status_code == 403
    assert (
        client.post(reverse(ENTRY, args=[consultation.slug]), _form(questions)).status_code == 403
    )
    assert not Response.objects.exists()


def test_anonymous_are_sent_to_sign_in(client: Client) -> None:
    consultation, questions = _survey()
    for response in (
        client.get(reverse(DESK)),
        client.get(reverse(ENTRY, args=[consultation.slug])),
        client.post(reverse(ENTRY, args=[consultation.slug]), _form(questions)),
    ):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("status", "answer"),
    [("draft", 404), ("forthcoming", 403), ("awaiting-outcome", 403), ("outcome-published", 403)],
)
def test_only_open_and_just_closed_consultations_take_responses(
    client: Client, org_editor: User, status: str, answer: int
) -> None:
    consultation, questions = _survey(status=status)
    client.force_login(org_editor)
    assert consultation.title not in _text(client.get(reverse(DESK)))
    assert client.get(reverse(ENTRY, args=[consultation.slug])).status_code == answer
    assert client.post(reverse(ENTRY, args=[consultation.slug]), _form(questions)).status_code == (
        answer
    )
    assert not Response.objects.exists()


# --- Entering a response ---------------------------------------------------------------------


def test_a_hub_editor_enters_a_paper_form(client: Client, org_editor: User, hub: Location) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    page = _text(client.get(url))
    # Their only hub is chosen for them; the whole survey is on the one page.
    assert re.search(rf'<option value="{hub.pk}" selected>Marsh Farm Community Hub', page)
    assert "Should the 31 run on Sundays?" in page and "Which ward is it about?" in page
    assert 'value="online"' not in page  # the desk never records an online response

    sent = client.post(
        url,
        _form(
            questions,
            hub=hub.pk,
            **{_name(questions["ward"]): Ward.objects.get(slug="northwell").pk},
        ),
    )
    assert sent.status_code == 302 and sent["Location"] == url

    response = Response.objects.get()
    assert response.channel == "paper"
    assert response.hub == hub
    assert response.entered_by == org_editor
    assert response.respondent is None
    assert response.status == "submitted"
    assert response.submitted_at is None  # anonymous: the day only
    answers = {answer.question_id: answer for answer in Answer.objects.all()}
    assert answers[questions["route"].pk].option_ids == [int(_option(questions["route"], "Yes"))]
    assert answers[questions["comment"].pk].text == "More buses after 6pm please"
    assert answers[questions["ward"].pk].ward.slug == "northwell"  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(
        actor=org_editor, verb="consultation.response_entered", object_id=str(consultation.pk)
    ).exists()

    # The form comes back empty for the next one, keeping the way it came in and the hub.
    again = _text(client.get(url))
    assert f"Response entered (reference {response.pk})" in again
    assert "More buses after 6pm please" not in again
    assert re.search(r'value="paper" checked', again)
    assert re.search(rf'<option value="{hub.pk}" selected>', again)


def test_a_hub_editor_cannot_record_another_organisations_hub(
    client: Client, org_editor: User, hub: Location, other_hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    assert "Lewsey Community Centre" not in _text(client.get(url))
    refused = client.post(url, _form(questions, hub=other_hub.pk))
    assert refused.status_code == 400
    assert "Select one of your organisation's hubs" in _text(refused)
    assert not Response.objects.exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(PermissionDenied):
        hub_desk_response_enter(
            consultation=consultation,
            answers={},
            channel="paper",
            entered_by=org_editor,
            hub=other_hub,
        )


def test_a_hub_editor_says_which_of_their_hubs(
    client: Client, org_editor: User, hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    refused = client.post(reverse(ENTRY, args=[consultation.slug]), _form(questions, hub=""))
    assert refused.status_code == 400
    assert "Select the hub where the response was given" in _text(refused)


def test_council_staff_may_name_any_hub_or_none(
    client: Client, staff: User, other_hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(staff)
    url = reverse(ENTRY, args=[consultation.slug])
    assert client.post(url, _form(questions, hub=other_hub.pk, channel="phone")).status_code == 302
    assert (
        client.post(
            url, _form(questions, hub="", channel="email", **{_name(questions["comment"]): "Hi"})
        ).status_code
        == 302
    )
    assert sorted(Response.objects.values_list("channel", "hub_id", "entered_by_id")) == [
        ("email", None, staff.pk),
        ("phone", other_hub.pk, staff.pk),
    ]


def test_a_paper_form_with_gaps_is_entered_as_it_is(
    client: Client, org_editor: User, hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    sent = client.post(
        reverse(ENTRY, args=[consultation.slug]),
        _form(questions, hub=hub.pk, **{_name(questions["route"]): None}),
    )
    assert sent.status_code == 302  # the required question was left blank on paper
    assert Answer.objects.get().question == questions["comment"]


def test_a_blank_form_is_refused(client: Client, org_editor: User, hub: Location) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    refused = client.post(
        reverse(ENTRY, args=[consultation.slug]),
        _form(
            questions,
            hub=hub.pk,
            **{_name(questions["route"]): None, _name(questions["comment"]): ""},
        ),
    )
    assert refused.status_code == 400
    assert "Enter at least one answer from the form" in _text(refused)
    assert not Response.objects.exists()


def test_bad_input_is_explained_and_kept(client: Client, org_editor: User, hub: Location) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    refused = client.post(
        reverse(ENTRY, args=[consultation.slug]),
        _form(questions, hub=hub.pk, channel="", hear_back_email="not an address"),
    )
    assert refused.status_code == 400
    page = _text(refused)
    assert "There is a problem" in page
    assert "Select how the response reached you" in page
    assert "Enter an email address in the correct format" in page
    assert "More buses after 6pm please" in page  # what was typed is kept
    assert 'value="not an address"' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page


def test_equality_answers_and_a_request_to_hear_back_are_kept_apart(
    client: Client, org_editor: User, hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    client.post(
        reverse(ENTRY, args=[consultation.slug]),
        _form(
            questions,
            hub=hub.pk,
            channel="assisted",
            hear_back_email="Amira@Example.org",
            **{
                "equality-ward": Ward.objects.get(slug="biscot").pk,
                "equality-age_band": "65-plus",
                "equality-sex": "female",
            },
        ),
    )
    monitoring = EqualityMonitoring.objects.get()
    assert (monitoring.channel, monitoring.age_band, monitoring.sex) == (
        "assisted",
        "65-plus",
        "female",
    )
    assert monitoring.ward.slug == "biscot"  # type: ignore[union-attr]
    request = OutcomeRequest.objects.get()
    assert (request.email, request.user) == ("amira@example.org", None)


def test_no_equality_questions_when_the_consultation_does_not_ask_them(
    client: Client, org_editor: User, hub: Location
) -> None:
    consultation, questions = _survey(ask_equality_questions=False)
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    assert "About the person" not in _text(client.get(url))
    client.post(url, _form(questions, hub=hub.pk, **{"equality-sex": "female"}))
    assert Response.objects.count() == 1
    assert not EqualityMonitoring.objects.exists()


# --- The same form twice ---------------------------------------------------------------------


def test_the_same_answers_twice_in_ten_minutes_are_questioned(
    client: Client, org_editor: User, hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    client.post(url, _form(questions, hub=hub.pk))
    first = Response.objects.get()

    warned = client.post(url, _form(questions, hub=hub.pk, channel="phone"))
    assert warned.status_code == 200
    page = _text(warned)
    assert (
        "You entered a form with exactly these answers less than a minute ago "
        f"(reference {first.pk})"
    ) in page
    assert "More buses after 6pm please" in page
    assert Response.objects.count() == 1

    fingerprint = re.search(r'name="confirm_duplicate" value="([0-9a-f]+)"', page)
    assert fingerprint
    confirmed = client.post(
        url, _form(questions, hub=hub.pk, confirm_duplicate=fingerprint.group(1))
    )
    assert confirmed.status_code == 302
    assert Response.objects.count() == 2

    # Different answers are not questioned.
    other = _form(questions, hub=hub.pk, **{_name(questions["comment"]): "Fewer buses"})
    assert client.post(url, other).status_code == 302
    assert Response.objects.count() == 3


def test_after_ten_minutes_the_same_answers_are_not_questioned(
    client: Client, org_editor: User, hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    client.post(url, _form(questions, hub=hub.pk))
    session = client.session
    state = session[SESSION_KEY]
    eleven_minutes_ago = (timezone.now() - datetime.timedelta(minutes=11)).timestamp()
    state["recent"] = [dict(entry, t=eleven_minutes_ago) for entry in state["recent"]]
    session[SESSION_KEY] = state
    session.save()
    assert client.post(url, _form(questions, hub=hub.pk)).status_code == 302
    assert Response.objects.count() == 2


def test_another_person_entering_the_same_answers_is_not_questioned(
    client: Client, org_editor: User, staff: User, hub: Location
) -> None:
    consultation, questions = _survey()
    client.force_login(org_editor)
    client.post(reverse(ENTRY, args=[consultation.slug]), _form(questions, hub=hub.pk))
    other = Client()
    other.force_login(staff)
    assert other.post(reverse(ENTRY, args=[consultation.slug]), _form(questions)).status_code == 302
    assert Response.objects.count() == 2


# --- After closing: posted responses only ----------------------------------------------------


def test_after_closing_only_posted_responses_are_entered(
    client: Client, org_editor: User, hub: Location
) -> None:
    now = timezone.now()
    consultation, questions = _survey(
        status="closed",
        opens_at=now - datetime.timedelta(weeks=6),
        closes_at=now - datetime.timedelta(days=2),
    )
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    desk = _text(client.get(reverse(DESK)))
    assert "Closed: posted responses only" in desk
    page = _text(client.get(url))
    assert "enter only responses that were posted before it closed" in page
    assert 'value="phone"' not in page and 'value="paper"' in page

    refused = client.post(url, _form(questions, hub=hub.pk, channel="phone"))
    assert refused.status_code == 400
    assert "Select one of the ways listed" in _text(refused)
    assert client.post(url, _form(questions, hub=hub.pk, channel="paper")).status_code == 302
    assert Response.objects.get().channel == "paper"
    with pytest.raises(PermissionDenied):
        hub_desk_response_enter(
            consultation=consultation,
            answers={},
            channel="event",
            entered_by=org_editor,
            hub=hub,
        )


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5])
def test_the_desk_costs_the_same_queries_however_many_consultations(
    client: Client, org_editor: User, django_assert_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        ConsultationFactory()
    client.force_login(org_editor)
    client.get(reverse(DESK))
    # Session, user, roles, consultations, and the model permissions the page header asks.
    with django_assert_num_queries(6):
        page = client.get(reverse(DESK))
    assert _text(page).count("Enter responses") == count


@pytest.mark.parametrize("extra_questions", [0, 6])
def test_the_entry_page_costs_the_same_queries_however_long_the_survey(
    client: Client,
    org_editor: User,
    hub: Location,
    django_assert_num_queries: Any,
    extra_questions: int,
) -> None:
    consultation, questions = _survey()
    section = questions["route"].section
    for i in range(extra_questions):
        QuestionFactory(section=section, kind="multiple-choice", options=["A", "B", "C"])
        QuestionFactory(section=section, kind="ward" if i % 2 else "date")
    client.force_login(org_editor)
    url = reverse(ENTRY, args=[consultation.slug])
    client.get(url)
    # Session, user, roles, consultation, sections, questions, options; the hubs (is there
    # just the one? and the choices); the wards once for the survey's ward questions and once
    # for the equality question; the model permissions the page header asks.
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200


def test_hub_staff_find_the_hub_desk_from_have_your_say(client, org_editor, resident) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    desk = reverse("engagement:hub-desk")
    client.force_login(org_editor)
    assert desk in client.get(reverse("engagement:index")).content.decode()
    client.force_login(resident)
    assert desk not in client.get(reverse("engagement:index")).content.decode()
