"""Council staff build a consultation's survey: sections and questions of every kind, the
question form's checks, moves, previews, the rules that protect answers once people have
responded, and who may do any of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from engagement.models import Answer, Consultation, Question, Response, Section
from engagement.services import survey as services
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent

from ..factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

Kind = Question.Kind
AGREE_SCALE = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
]


def _url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(f"engagement-staff:{name}", kwargs={"slug": consultation.slug, **kwargs})


def _text(response: Any) -> str:
    return response.content.decode()


def _question_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "text": "How often do you take the bus?",
        "help_text": "",
        "kind": Kind.SHORT_TEXT,
        "options": "",
        "max_choices": "",
        "max_length": "",
        "min_value": "",
        "max_value": "",
    }
    data.update(overrides)
    return data


def _responded(consultation: Consultation, question: Question | None = None) -> Response:
    """A sent response (with an answer to ``question``, if given)."""
    response = ResponseFactory(consultation=consultation)
    if question is not None:
        AnswerFactory(response=response, question=question, text="Most days")
    return response


def _positions(consultation: Consultation) -> tuple[list[str], list[tuple[str, str]]]:
    """Section titles and (section, question) pairs, in stored position order."""
    sections = list(
        Section.objects.filter(consultation=consultation)
        .order_by("position")
        .values_list("title", flat=True)
    )
    questions = list(
        Question.objects.filter(consultation=consultation)
        .order_by("position")
        .values_list("section__title", "text")
    )
    return sections, questions


def _assert_numbered_without_gaps(consultation: Consultation) -> None:
    sections = Section.objects.filter(consultation=consultation).order_by("position", "pk")
    assert [s.position for s in sections] == list(range(len(sections)))
    questions = Question.objects.filter(consultation=consultation).order_by(
        "section__position", "position", "pk"
    )
    assert [q.position for q in questions] == list(range(len(questions)))


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(title="Bus routes in Luton", status="draft")


@pytest.fixture
def section(consultation: Consultation) -> Section:
    return services.survey_section_add(
        consultation=consultation,
        by=None,
        title="Getting around",  # type: ignore[arg-type]
    )


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


# --- Sections -----------------------------------------------------------------------------------


def test_staff_add_a_section_and_see_it_in_the_survey(
    staff_client: Client, consultation: Consultation, staff: User
) -> None:
    response = staff_client.post(
        _url("survey-section-add", consultation),
        {"title": "About you", "intro": "A few questions about you."},
    )
    section = Section.objects.get(consultation=consultation)
    assert response.status_code == 302
    assert response["Location"] == _url("survey", consultation) + f"#section-{section.pk}"
    assert (section.title, section.intro, section.position) == (
        "About you",
        "A few questions about you.",
        0,
    )
    event = AuditEvent.objects.get(verb="survey.section_added")
    assert event.actor == staff and event.object_id == str(consultation.pk)
    page = _text(staff_client.get(_url("survey", consultation)))
    assert "About you" in page and "No questions in this section yet." in page


def test_a_section_needs_a_title_and_keeps_what_was_typed(
    staff_client: Client, consultation: Consultation
) -> None:
    response = staff_client.post(
        _url("survey-section-add", consultation), {"title": "", "intro": "Tell us about you."}
    )
    assert response.status_code == 400
    page = _text(response)
    assert "There is a problem" in page and "Enter a title for the section" in page
    assert "Tell us about you." in page
    assert not Section.objects.exists()


def test_staff_change_a_section(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    response = staff_client.post(
        _url("survey-section-edit", consultation, section_pk=section.pk),
        {"title": "Travel", "intro": ""},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.title == "Travel"
    event = AuditEvent.objects.get(verb="survey.section_changed")
    assert event.changes["title"] == ["Getting around", "Travel"]


def test_sections_move_up_and_down_and_stay_numbered(
    staff_client: Client, consultation: Consultation, staff: User
) -> None:
    first, second, third = (
        services.survey_section_add(consultation=consultation, by=staff, title=title)
        for title in ("One", "Two", "Three")
    )
    QuestionFactory(section=first, text="Q in one")
    QuestionFactory(section=third, text="Q in three")
    move = _url("survey-section-move", consultation, section_pk=third.pk)
    assert staff_client.post(move, {"direction": "up"}).status_code == 302
    assert _positions(consultation)[0] == ["One", "Three", "Two"]
    staff_client.post(
        _url("survey-section-move", consultation, section_pk=first.pk), {"direction": "down"}
    )
    assert _positions(consultation) == (
        ["Three", "One", "Two"],
        [("Three", "Q in three"), ("One", "Q in one")],
    )
    # At either end nothing moves.
    staff_client.post(_url("survey-section-move", consultation, section_pk=third.pk), {})
    staff_client.post(
        _url("survey-section-move", consultation, section_pk=second.pk), {"direction": "down"}
    )
    assert _positions(consultation)[0] == ["Three", "One", "Two"]
    assert AuditEvent.objects.filter(verb="survey.section_moved").count() == 2
    _assert_numbered_without_gaps(consultation)


def test_moving_needs_a_post(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    url = _url("survey-section-move", consultation, section_pk=section.pk)
    assert staff_client.get(url).status_code == 405


def test_deleting_a_section_deletes_its_questions_and_closes_the_gap(
    staff_client: Client, consultation: Consultation, staff: User
) -> None:
    one, two, three = (
        services.survey_section_add(consultation=consultation, by=staff, title=title)
        for title in ("One", "Two", "Three")
    )
    QuestionFactory(section=one, text="Kept")
    QuestionFactory(section=two, text="Goes")
    QuestionFactory(section=three, text="Also kept")
    url = _url("survey-section-delete", consultation, section_pk=two.pk)
    page = _text(staff_client.get(url))
    assert "Delete this section?" in page and "Goes" in page
    assert staff_client.post(url).status_code == 302
    assert _positions(consultation) == (
        ["One", "Three"],
        [("One", "Kept"), ("Three", "Also kept")],
    )
    _assert_numbered_without_gaps(consultation)
    assert AuditEvent.objects.get(verb="survey.section_deleted").changes["questions"] == ["Goes"]


# --- Adding questions of every kind -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        (Kind.SHORT_TEXT, {"max_length": "100"}, {"max_length": 100}),
        (Kind.LONG_TEXT, {}, {"max_length": None}),
        (
            Kind.SINGLE_CHOICE,
            {"options": "Yes\nNo\n\n", "allow_other": "on"},
            {"allow_other": True, "labels": ["Yes", "No"]},
        ),
        (
            Kind.MULTIPLE_CHOICE,
            {"options": "Bus\nTrain\nBike", "max_choices": "2", "allow_other": "on"},
            {"max_choices": 2, "allow_other": True, "labels": ["Bus", "Train", "Bike"]},
        ),
        (
            Kind.SCALE,
            {"options": "Very good\nGood\nPoor\nVery poor"},
            {"labels": ["Very good", "Good", "Poor", "Very poor"]},
        ),
        (Kind.SCALE, {"options": ""}, {"labels": AGREE_SCALE}),
        (
            Kind.RANKING,
            {"options": "Price\nReliability\nSafety"},
            {"labels": ["Price", "Reliability", "Safety"]},
        ),
        (
            Kind.NUMBER,
            {"min_value": "0", "max_value": "12.5"},
            {"min_value": Decimal("0"), "max_value": Decimal("12.5")},
        ),
        (Kind.DATE, {}, {}),
        (Kind.WARD, {}, {}),
        (Kind.POSTCODE, {}, {}),
    ],
)
def test_staff_add_each_kind_of_question(
    staff_client: Client,
    consultation: Consultation,
    section: Section,
    kind: str,
    extra: dict[str, str],
    expected: dict[str, Any],
) -> None:
    response = staff_client.post(
        _url("survey-question-add", consultation, section_pk=section.pk),
        _question_data(kind=kind, required="on", **extra),
    )
    assert response.status_code == 302, _text(response)
    question = Question.objects.get(section=section)
    assert response["Location"].endswith(f"#question-{question.pk}")
    assert (question.kind, question.consultation, question.required) == (kind, consultation, True)
    labels = expected.pop("labels", [])
    assert [o.label for o in question.options.order_by("position")] == labels
    for field, value in expected.items():
        assert getattr(question, field) == value, field
    event = AuditEvent.objects.get(verb="survey.question_added")
    assert event.changes["kind"] == kind
    page = _text(staff_client.get(_url("survey", consultation)))
    assert question.get_kind_display() in page and "How often do you take the bus?" in page
    for label in labels:
        assert label in page


def test_settings_another_kind_uses_are_not_stored(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    """The form shows every group of settings with JavaScript off; only the chosen kind's
    are kept."""
    staff_client.post(
        _url("survey-question-add", consultation, section_pk=section.pk),
        _question_data(
            kind=Kind.SHORT_TEXT,
            options="Yes\nNo",
            allow_other="on",
            max_choices="1",
            min_value="1",
            max_value="2",
        ),
    )
    question = Question.objects.get()
    assert not question.options.exists()
    assert (question.allow_other, question.max_choices, question.min_value) == (False, None, None)


def test_a_question_is_added_at_the_end_of_its_section_and_numbered_through_the_survey(
    staff_client: Client, consultation: Consultation, staff: User
) -> None:
    first = services.survey_section_add(consultation=consultation, by=staff, title="One")
    second = services.survey_section_add(consultation=consultation, by=staff, title="Two")
    staff_client.post(
        _url("survey-question-add", consultation, section_pk=second.pk), _question_data(text="B")
    )
    staff_client.post(
        _url("survey-question-add", consultation, section_pk=first.pk), _question_data(text="A")
    )
    staff_client.post(
        _url("survey-question-add", consultation, section_pk=first.pk), _question_data(text="A2")
    )
    assert _positions(consultation)[1] == [("One", "A"), ("One", "A2"), ("Two", "B")]
    _assert_numbered_without_gaps(consultation)


# --- The question form's checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({"text": ""}, "Enter the question", "How often"),
        ({"kind": ""}, "Select the type of question", "How often do you take the bus?"),
        (
            {"kind": Kind.SINGLE_CHOICE, "options": "Only one"},
            "Enter at least 2 options for people to choose from",
            "Only one",
        ),
        (
            {"kind": Kind.RANKING, "options": ""},
            "Enter at least 2 options for people to choose from",
            "How often do you take the bus?",
        ),
        (
            {"kind": Kind.MULTIPLE_CHOICE, "options": "Bus\nbus"},
            "is listed more than once",
            "Bus\nbus",
        ),
        (
            {"kind": Kind.MULTIPLE_CHOICE, "options": "Bus\nTrain", "max_choices": "3"},
            "The most options a person may tick must be 2 or fewer",
            'value="3"',
        ),
        (
            {"kind": Kind.MULTIPLE_CHOICE, "options": "Bus\nTrain", "max_choices": "0"},
            "The most options a person may tick must be 1 or more",
            'value="0"',
        ),
        (
            {"kind": Kind.NUMBER, "min_value": "10", "max_value": "5"},
            "The largest number allowed must be the same as or more than the smallest",
            'value="10"',
        ),
        (
            {"kind": Kind.NUMBER, "min_value": "ten"},
            "The smallest number allowed must be a number",
            'value="ten"',
        ),
        (
            {"kind": Kind.LONG_TEXT, "max_length": "many"},
            "The most characters must be a whole number",
            'value="many"',
        ),
        (
            {"kind": Kind.SINGLE_CHOICE, "options": "Yes\n" + "N" * 201},
            "Option 2 must be 200 characters or fewer",
            "Yes",
        ),
    ],
    ids=[
        "no-text",
        "no-kind",
        "one-option",
        "ranking-no-options",
        "same-option-twice",
        "max-choices-over-options",
        "max-choices-zero",
        "min-over-max",
        "min-not-a-number",
        "max-length-not-a-number",
        "option-too-long",
    ],
)
def test_question_form_errors_say_what_to_fix_and_keep_the_input(
    staff_client: Client,
    consultation: Consultation,
    section: Section,
    data: dict[str, str],
    message: str,
    kept: str,
) -> None:
    response = staff_client.post(
        _url("survey-question-add", consultation, section_pk=section.pk),
        _question_data(help_text="Think about last month.", **data),
    )
    assert response.status_code == 400
    page = _text(response)
    assert "govuk-error-summary" in page and message in page
    assert kept in page and "Think about last month." in page
    assert page.count(message) == 2  # in the summary and beside the field
    assert not Question.objects.exists()


def test_max_choices_counts_other_as_an_option(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    response = staff_client.post(
        _url("survey-question-add", consultation, section_pk=section.pk),
        _question_data(
            kind=Kind.MULTIPLE_CHOICE, options="Bus\nTrain", allow_other="on", max_choices="3"
        ),
    )
    assert response.status_code == 302
    assert Question.objects.get().max_choices == 3


def test_the_type_radios_describe_each_kind(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    page = _text(staff_client.get(_url("survey-question-add", consultation, section_pk=section.pk)))
    assert page.count('class="govuk-radios__input"') == len(Kind.choices)
    assert "People put the options you list in order, most important first." in page
    assert 'aria-describedby="id_kind_5-hint"' in page  # each radio is tied to its description


def test_the_service_refuses_what_the_form_refuses(section: Section, staff: User) -> None:
    with pytest.raises(ValueError, match="at least 2 options"):
        services.survey_question_add(
            section=section, by=staff, kind=Kind.SINGLE_CHOICE, text="Q", options=["Yes"]
        )
    with pytest.raises(ValueError, match="min_value"):
        services.survey_question_add(
            section=section,
            by=staff,
            kind=Kind.NUMBER,
            text="Q",
            min_value=Decimal(5),
            max_value=Decimal(1),
        )
    assert not Question.objects.exists()


# --- Changing questions -------------------------------------------------------------------------


def test_option_ids_stay_with_their_options_when_edited(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(
        section=section, kind=Kind.SINGLE_CHOICE, options=["Bus", "Trian", "Bike"]
    )
    ids = {o.label: o.pk for o in question.options.all()}
    response = staff_client.post(
        _url("survey-question-edit", consultation, question_pk=question.pk),
        _question_data(
            text=question.text,
            kind=Kind.SINGLE_CHOICE,
            # Bike moved to the top, the typo in the second place fixed, Walk added.
            options="Bike\nTrain\nBus\nWalk",
        ),
    )
    assert response.status_code == 302, _text(response)
    options = list(question.options.order_by("position"))
    assert [o.label for o in options] == ["Bike", "Train", "Bus", "Walk"]
    assert [o.pk for o in options[:3]] == [ids["Bike"], ids["Trian"], ids["Bus"]]
    assert options[3].pk not in ids.values()
    event = AuditEvent.objects.get(verb="survey.question_changed")
    assert event.changes["options"] == [["Bus", "Trian", "Bike"], ["Bike", "Train", "Bus", "Walk"]]


def test_the_edit_form_shows_the_question_as_it_is(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(
        section=section,
        kind=Kind.MULTIPLE_CHOICE,
        text="Which do you use?",
        options=["Bus", "Train"],
        max_choices=2,
    )
    page = _text(
        staff_client.get(_url("survey-question-edit", consultation, question_pk=question.pk))
    )
    assert 'value="Which do you use?"' in page
    assert "Bus\nTrain</textarea>" in page
    assert 'value="multiple-choice" checked' in page
    assert 'name="max_choices" value="2"' in page


def test_before_anyone_responds_options_can_be_removed_and_the_kind_changed(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(section=section, kind=Kind.SINGLE_CHOICE, options=["A", "B", "C"])
    removed = question.options.get(label="C")
    # An unsent response that chose C keeps no id of an option that no longer exists.
    draft = ResponseFactory(consultation=consultation, status="in-progress")
    answer = AnswerFactory(response=draft, question=question, option_ids=[removed.pk])
    url = _url("survey-question-edit", consultation, question_pk=question.pk)
    staff_client.post(url, _question_data(text="Q", kind=Kind.SINGLE_CHOICE, options="A\nB"))
    assert [o.label for o in question.options.all()] == ["A", "B"]
    answer.refresh_from_db()
    assert answer.option_ids == []
    staff_client.post(url, _question_data(text="Q", kind=Kind.LONG_TEXT))
    question.refresh_from_db()
    assert question.kind == Kind.LONG_TEXT and not question.options.exists()
    assert not Answer.objects.filter(pk=answer.pk).exists()  # an answer to the old kind


def test_staff_move_a_question_to_another_section(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    other = services.survey_section_add(consultation=consultation, by=staff, title="Later")
    QuestionFactory(section=other, text="Already there")
    question = QuestionFactory(section=section, text="Moving")
    response = staff_client.post(
        _url("survey-question-edit", consultation, question_pk=question.pk),
        _question_data(text="Moving", section=str(other.pk)),
    )
    assert response.status_code == 302
    assert _positions(consultation)[1] == [("Later", "Already there"), ("Later", "Moving")]
    _assert_numbered_without_gaps(consultation)


def test_a_question_cannot_be_moved_to_another_consultations_section(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    services.survey_section_add(consultation=consultation, by=staff, title="Later")
    elsewhere = SectionFactory()
    question = QuestionFactory(section=section, text="Staying")
    response = staff_client.post(
        _url("survey-question-edit", consultation, question_pk=question.pk),
        _question_data(text="Staying", section=str(elsewhere.pk)),
    )
    assert response.status_code == 400
    assert "Select one of this survey" in _text(response)
    question.refresh_from_db()
    assert question.section == section


def test_questions_move_up_and_down_within_their_section(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    a, b, c = (
        services.survey_question_add(section=section, by=staff, kind=Kind.DATE, text=text)
        for text in ("A", "B", "C")
    )
    later = services.survey_section_add(consultation=consultation, by=staff, title="Later")
    services.survey_question_add(section=later, by=staff, kind=Kind.DATE, text="D")
    response = staff_client.post(
        _url("survey-question-move", consultation, question_pk=c.pk), {"direction": "up"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#question-{c.pk}")
    assert "Moved up: C" in _text(staff_client.get(response["Location"]))
    staff_client.post(
        _url("survey-question-move", consultation, question_pk=a.pk), {"direction": "down"}
    )
    assert [t for _, t in _positions(consultation)[1]] == ["C", "A", "B", "D"]
    # The last of a section stays in its section.
    staff_client.post(
        _url("survey-question-move", consultation, question_pk=b.pk), {"direction": "down"}
    )
    assert _positions(consultation)[1][2] == ("Getting around", "B")
    _assert_numbered_without_gaps(consultation)
    assert AuditEvent.objects.filter(verb="survey.question_moved").count() == 2


def test_deleting_a_question_closes_the_gap(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    _a, b, _c = (
        services.survey_question_add(section=section, by=staff, kind=Kind.DATE, text=text)
        for text in ("A", "B", "C")
    )
    url = _url("survey-question-delete", consultation, question_pk=b.pk)
    assert "Delete this question?" in _text(staff_client.get(url))
    assert staff_client.post(url).status_code == 302
    assert [t for _, t in _positions(consultation)[1]] == ["A", "C"]
    _assert_numbered_without_gaps(consultation)
    assert AuditEvent.objects.get(verb="survey.question_deleted").changes["text"] == "B"


# --- Once people have responded -----------------------------------------------------------------


def test_after_responses_a_question_cannot_be_deleted(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(section=section)
    _responded(consultation, question)
    url = _url("survey-question-delete", consultation, question_pk=question.pk)
    page = _text(staff_client.get(url))
    assert "This question cannot be deleted" in page and "Delete question" not in page
    response = staff_client.post(url)
    assert response.status_code == 409
    assert Question.objects.filter(pk=question.pk).exists()
    assert Answer.objects.filter(question=question).count() == 1
    with pytest.raises(services.SurveyLockedError):
        services.survey_question_delete(question=question, by=None)  # type: ignore[arg-type]
    overview = _text(staff_client.get(_url("survey", consultation)))
    assert "People have responded to this consultation." in overview
    assert url not in overview


def test_unsent_responses_do_not_lock_the_survey(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(section=section)
    ResponseFactory(consultation=consultation, status="in-progress")
    staff_client.post(_url("survey-question-delete", consultation, question_pk=question.pk))
    assert not Question.objects.exists()


def test_after_responses_a_section_with_questions_cannot_be_deleted_but_an_empty_one_can(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    QuestionFactory(section=section)
    empty = services.survey_section_add(consultation=consultation, by=staff, title="Empty")
    _responded(consultation)
    url = _url("survey-section-delete", consultation, section_pk=section.pk)
    assert "This section cannot be deleted" in _text(staff_client.get(url))
    assert staff_client.post(url).status_code == 409
    assert Section.objects.filter(pk=section.pk).exists()
    staff_client.post(_url("survey-section-delete", consultation, section_pk=empty.pk))
    assert not Section.objects.filter(pk=empty.pk).exists()


def test_after_responses_the_kind_is_fixed_and_options_cannot_be_removed(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    question = QuestionFactory(
        section=section,
        kind=Kind.SINGLE_CHOICE,
        text="Do you agree?",
        options=["Yes", "No", "Not sure"],
    )
    _responded(consultation)
    url = _url("survey-question-edit", consultation, question_pk=question.pk)
    page = _text(staff_client.get(url))
    assert 'name="kind"' not in page
    assert "The type cannot change now that people have responded" in page

    response = staff_client.post(
        url, _question_data(text="Do you agree?", kind=Kind.LONG_TEXT, options="Yes\nNo")
    )
    assert response.status_code == 400
    page = _text(response)
    assert "no option can be removed: list all 3 options" in page
    assert "Yes\nNo</textarea>" in page
    question.refresh_from_db()
    assert question.kind == Kind.SINGLE_CHOICE
    assert question.options.count() == 3

    common = {"question": question, "by": staff, "text": "Q", "help_text": "", "required": False}
    with pytest.raises(services.SurveyLockedError):
        services.survey_question_update(kind=Kind.LONG_TEXT, **common)
    with pytest.raises(services.SurveyLockedError):
        services.survey_question_update(kind=Kind.SINGLE_CHOICE, options=["Yes", "No"], **common)
    assert question.options.count() == 3


def test_after_responses_text_fixes_are_allowed_and_audited(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    question = QuestionFactory(
        section=section, kind=Kind.SINGLE_CHOICE, text="Do you agre?", options=["Yes", "Noo"]
    )
    ids = list(question.options.values_list("pk", flat=True))
    _responded(consultation, question)
    response = staff_client.post(
        _url("survey-question-edit", consultation, question_pk=question.pk),
        _question_data(text="Do you agree?", options="Yes\nNo\nNot sure"),
    )
    assert response.status_code == 302, _text(response)
    question.refresh_from_db()
    assert question.text == "Do you agree?"
    options = list(question.options.order_by("position"))
    assert [o.label for o in options] == ["Yes", "No", "Not sure"]
    assert [o.pk for o in options[:2]] == ids
    event = AuditEvent.objects.get(verb="survey.question_changed")
    assert event.actor == staff
    assert event.changes["text"] == ["Do you agre?", "Do you agree?"]
    assert event.changes["after_responses"] is True


# --- Preview ------------------------------------------------------------------------------------


def test_preview_shows_the_section_as_respondents_see_it(
    staff_client: Client, consultation: Consultation, section: Section, staff: User
) -> None:
    services.survey_question_add(
        section=section,
        by=staff,
        kind=Kind.SCALE,
        text="Buses are reliable",
        options=AGREE_SCALE,
        required=True,
    )
    services.survey_question_add(
        section=section, by=staff, kind=Kind.WARD, text="Where do you live?"
    )
    services.survey_section_add(consultation=consultation, by=staff, title="About you")
    page = _text(
        staff_client.get(_url("survey-section-preview", consultation, section_pk=section.pk))
    )
    assert "Getting around" in page and "page 1 of 2" in page
    assert "Buses are reliable" in page and "Neither agree nor disagree" in page
    assert "Where do you live? (optional)" in page
    assert "Preview the next section: About you" in page
    # The responding pages' own markup, with nothing to send it with.
    main = page[page.index("<main") : page.index("</main>")]
    assert 'type="radio"' in main and "<select" in main
    assert "<form" not in main


# --- Who may do it ------------------------------------------------------------------------------


def _every_url(consultation: Consultation, section: Section, question: Question) -> list[str]:
    return [
        _url("survey", consultation),
        _url("survey-section-add", consultation),
        _url("survey-section-edit", consultation, section_pk=section.pk),
        _url("survey-section-delete", consultation, section_pk=section.pk),
        _url("survey-section-preview", consultation, section_pk=section.pk),
        _url("survey-question-add", consultation, section_pk=section.pk),
        _url("survey-question-edit", consultation, question_pk=question.pk),
        _url("survey-question-delete", consultation, question_pk=question.pk),
    ]


def _post_urls(consultation: Consultation, section: Section, question: Question) -> list[str]:
    return [
        _url("survey-section-move", consultation, section_pk=section.pk),
        _url("survey-question-move", consultation, question_pk=question.pk),
        _url("survey-question-delete", consultation, question_pk=question.pk),
        _url("survey-section-delete", consultation, section_pk=section.pk),
    ]


def test_anonymous_people_are_sent_to_sign_in(
    client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(section=section)
    for url in _every_url(consultation, section, question) + _post_urls(
        consultation, section, question
    ):
        response = client.post(url) if "move" in url else client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "outsider", "taskforce_member", "org_editor"])
def test_people_who_are_not_council_staff_are_refused(
    request: pytest.FixtureRequest,
    client: Client,
    consultation: Consultation,
    section: Section,
    persona: str,
) -> None:
    question = QuestionFactory(section=section)
    audited = AuditEvent.objects.count()
    client.force_login(request.getfixturevalue(persona))
    for url in _every_url(consultation, section, question):
        assert client.get(url).status_code == 403, url
    for url in _post_urls(consultation, section, question):
        assert client.post(url).status_code == 403, url
    # Even for a consultation that does not exist, so no one learns which drafts do.
    assert client.get(reverse("engagement-staff:survey", args=["no-such-thing"])).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()
    assert AuditEvent.objects.count() == audited


def test_staff_without_two_factor_are_sent_to_set_it_up(
    client: Client, staff_without_mfa: User, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(section=section)
    client.force_login(staff_without_mfa)
    for url in _every_url(consultation, section, question):
        response = client.get(url)
        assert response.status_code == 302 and reverse("mfa_activate_totp") in response["Location"]
    client.post(_url("survey-question-delete", consultation, question_pk=question.pk))
    assert Question.objects.filter(pk=question.pk).exists()


def test_staff_open_every_page(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    question = QuestionFactory(section=section)
    for url in _every_url(consultation, section, question):
        assert staff_client.get(url).status_code == 200, url


def test_another_consultations_sections_and_questions_are_not_found(
    staff_client: Client, consultation: Consultation, section: Section
) -> None:
    other_question = QuestionFactory(kind=Kind.DATE)
    other_section = other_question.section
    assert other_section.consultation != consultation
    for url in [
        _url("survey-section-edit", consultation, section_pk=other_section.pk),
        _url("survey-section-delete", consultation, section_pk=other_section.pk),
        _url("survey-section-preview", consultation, section_pk=other_section.pk),
        _url("survey-question-add", consultation, section_pk=other_section.pk),
        _url("survey-question-edit", consultation, question_pk=other_question.pk),
        _url("survey-question-delete", consultation, question_pk=other_question.pk),
    ]:
        assert staff_client.get(url).status_code == 404, url
    for url in [
        _url("survey-question-delete", consultation, question_pk=other_question.pk),
        _url("survey-question-move", consultation, question_pk=other_question.pk),
        _url("survey-section-delete", consultation, section_pk=other_section.pk),
    ]:
        assert staff_client.post(url).status_code == 404, url
    assert Question.objects.filter(pk=other_question.pk).exists()
    assert staff_client.get(reverse("engagement-staff:survey", args=["nope"])).status_code == 404


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_survey_overview_query_count_is_constant(
    staff_client: Client,
    consultation: Consultation,
    staff: User,
    size: int,
    django_assert_num_queries: Any,
) -> None:
    for n in range(size):
        section = services.survey_section_add(consultation=consultation, by=staff, title=f"S{n}")
        for kind in (Kind.SINGLE_CHOICE, Kind.SCALE, Kind.NUMBER):
            services.survey_question_add(
                section=section, by=staff, kind=kind, text=f"Q{n}{kind}", options=["A", "B"]
            )
    _responded(consultation)
    # Session, user, roles, two-factor check (by the staff gate and again by the rule),
    # consultation, sections, questions, options, and whether anyone has responded.
    with django_assert_num_queries(9):
        response = staff_client.get(_url("survey", consultation))
    assert response.status_code == 200
    assert _text(response).count('class="govuk-summary-card__title"') == size * 3
