"""SectionAnswersForm: one field per question, each kind's validation with bad input (kept and
explained in GOV.UK words), required and optional questions, and answers() / initial.

``make_survey`` is the survey the other test_respond_* modules answer: three sections with
every kind of question."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict

from engagement.forms.answers import ChoiceAnswer, SectionAnswersForm
from engagement.models import Consultation, Question, Section
from engagement.selectors.responses import survey_sections
from luton2040.places.models import Ward

from ..factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@dataclass
class Survey:
    consultation: Consultation
    sections: list[Section]
    q: dict[str, Question]  # by kind, plus "required-text"

    def option(self, kind: str, label: str) -> int:
        return self.q[kind].options.get(label=label).pk

    def form(
        self, number: int, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> SectionAnswersForm:
        section = survey_sections(consultation=self.consultation)[number - 1]
        query = None
        if data is not None:
            query = QueryDict(mutable=True)
            for key, value in data.items():
                if isinstance(value, list):
                    query.setlist(key, value)
                else:
                    query[key] = value
        return SectionAnswersForm(
            section=section, questions=section.questions.all(), data=query, **kwargs
        )


def make_survey(**consultation: Any) -> Survey:
    """Section 1: short text (required, at most 50 characters), long text (at most 200),
    single choice with Other (required), multiple choice with Other (at most 2).
    Section 2: scale (required), ranking, number (1 to 10). Section 3: date, ward, postcode."""
    c = ConsultationFactory(**consultation)
    s1 = SectionFactory(consultation=c, title="Getting about", position=0)
    s2 = SectionFactory(consultation=c, title="What matters most", position=1)
    s3 = SectionFactory(consultation=c, title="About where you live", position=2)
    q = {
        "short-text": QuestionFactory(
            section=s1,
            kind="short-text",
            text="Which bus stop do you use most?",
            required=True,
            max_length=50,
            position=0,
        ),
        "long-text": QuestionFactory(
            section=s1,
            kind="long-text",
            text="What would make your journeys better?",
            help_text="Think about the last month.",
            max_length=200,
            position=1,
        ),
        "single-choice": QuestionFactory(
            section=s1,
            kind="single-choice",
            text="How often do you take the bus?",
            options=["Every day", "Every week", "Less often"],
            allow_other=True,
            required=True,
            position=2,
        ),
        "multiple-choice": QuestionFactory(
            section=s1,
            kind="multiple-choice",
            text="Which routes do you use?",
            options=["Route A", "Route B", "Route C"],
            allow_other=True,
            max_choices=2,
            position=3,
        ),
        "scale": QuestionFactory(
            section=s2,
            kind="scale",
            text="Buses should run later in the evening",
            options=["Strongly agree", "Agree", "Neither", "Disagree", "Strongly disagree"],
            required=True,
            position=0,
        ),
        "ranking": QuestionFactory(
            section=s2,
            kind="ranking",
            text="Put these in order of importance",
            options=["Fares", "Frequency", "Reliability"],
            position=1,
        ),
        "number": QuestionFactory(
            section=s2,
            kind="number",
            text="How many journeys do you make a week?",
            min_value=Decimal("1"),
            max_value=Decimal("10"),
            position=2,
        ),
        "date": QuestionFactory(
            section=s3, kind="date", text="When did you last take a bus?", position=0
        ),
        "ward": QuestionFactory(
            section=s3, kind="ward", text="Which ward do you live in?", position=1
        ),
        "postcode": QuestionFactory(
            section=s3, kind="postcode", text="What is your postcode?", position=2
        ),
    }
    return Survey(consultation=c, sections=[s1, s2, s3], q=q)


def page_data(survey: Survey, number: int) -> dict[str, Any]:
    """A complete, valid page of answers."""
    q = survey.q
    if number == 1:
        return {
            f"q{q['short-text'].pk}": "Park Street",
            f"q{q['long-text'].pk}": "More buses after 8pm.",
            f"q{q['single-choice'].pk}": str(survey.option("single-choice", "Every day")),
            f"q{q['multiple-choice'].pk}": [str(survey.option("multiple-choice", "Route A"))],
        }
    if number == 2:
        return {
            f"q{q['scale'].pk}": str(survey.option("scale", "Agree")),
            **{
                f"q{q['ranking'].pk}_{survey.option('ranking', label)}": str(rank)
                for rank, label in enumerate(["Reliability", "Fares", "Frequency"], start=1)
            },
            f"q{q['number'].pk}": "4",
        }
    return {
        f"q{q['date'].pk}_day": "3",
        f"q{q['date'].pk}_month": "11",
        f"q{q['date'].pk}_year": "2025",
        f"q{q['ward'].pk}": str(Ward.objects.get(slug="biscot").pk),
        f"q{q['postcode'].pk}": "lu1 2bq",
    }


@pytest.fixture
def survey() -> Survey:
    return make_survey()


def errors_of(form: SectionAnswersForm, question: Question, suffix: str = "") -> list[str]:
    return form.errors.get(f"q{question.pk}{suffix}", [])


# --- valid pages and their answers ----------------------------------------------------------


def test_a_complete_page_gives_each_question_its_value(survey: Survey) -> None:
    q = survey.q
    first = survey.form(1, page_data(survey, 1))
    assert first.is_valid(), first.errors
    assert first.answers() == {
        q["short-text"].pk: "Park Street",
        q["long-text"].pk: "More buses after 8pm.",
        q["single-choice"].pk: ChoiceAnswer((survey.option("single-choice", "Every day"),)),
        q["multiple-choice"].pk: ChoiceAnswer((survey.option("multiple-choice", "Route A"),)),
    }
    second = survey.form(2, page_data(survey, 2))
    assert second.is_valid(), second.errors
    assert second.answers() == {
        q["scale"].pk: ChoiceAnswer((survey.option("scale", "Agree"),)),
        # First choice first.
        q["ranking"].pk: ChoiceAnswer(
            tuple(survey.option("ranking", x) for x in ("Reliability", "Fares", "Frequency"))
        ),
        q["number"].pk: Decimal("4"),
    }
    third = survey.form(3, page_data(survey, 3))
    assert third.is_valid(), third.errors
    assert third.answers() == {
        q["date"].pk: datetime.date(2025, 11, 3),
        q["ward"].pk: Ward.objects.get(slug="biscot"),
        q["postcode"].pk: "LU1 2BQ",  # normalised
    }


def test_optional_questions_may_be_left_blank_and_answer_none(survey: Survey) -> None:
    q = survey.q
    data = page_data(survey, 1)
    del data[f"q{q['long-text'].pk}"], data[f"q{q['multiple-choice'].pk}"]
    form = survey.form(1, data)
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers[q["long-text"].pk] is None
    assert answers[q["multiple-choice"].pk] is None
    third = survey.form(3, {})
    assert third.is_valid(), third.errors
    assert set(third.answers().values()) == {None}


def test_required_questions_say_which_question_needs_an_answer(survey: Survey) -> None:
    q = survey.q
    form = survey.form(1, {})
    assert not form.is_valid()
    assert errors_of(form, q["short-text"]) == [
        "Enter your answer to “Which bus stop do you use most?”"
    ]
    assert errors_of(form, q["single-choice"]) == [
        "Select an answer to “How often do you take the bus?”"
    ]
    assert errors_of(form, q["long-text"]) == []  # optional
    second = survey.form(2, {})
    assert errors_of(second, q["scale"]) == [
        "Select an answer to “Buses should run later in the evening”"
    ]


def test_saving_for_later_lets_required_questions_wait_but_still_checks_what_was_typed(
    survey: Survey,
) -> None:
    q = survey.q
    form = survey.form(1, {f"q{q['short-text'].pk}": "x" * 51}, require_answers=False)
    assert not form.is_valid()
    assert errors_of(form, q["short-text"]) == ["Your answer must be 50 characters or fewer"]
    assert errors_of(form, q["single-choice"]) == []
    assert survey.form(1, {}, require_answers=False).is_valid()


# --- each kind with bad input ----------------------------------------------------------------


def test_text_too_long_is_kept_and_explained(survey: Survey) -> None:
    q = survey.q
    data = page_data(survey, 1) | {f"q{q['long-text'].pk}": "word " * 41}  # 205 characters
    form = survey.form(1, data)
    assert not form.is_valid()
    assert errors_of(form, q["long-text"]) == ["Your answer must be 200 characters or fewer"]
    item = next(i for i in form.items() if i.question == q["long-text"])
    assert item.value == "word " * 41  # kept as typed
    assert item.max_length == 200


def test_a_single_choice_that_is_not_an_option_is_refused(survey: Survey) -> None:
    q = survey.q
    data = page_data(survey, 1) | {f"q{q['single-choice'].pk}": "999999"}
    form = survey.form(1, data)
    assert errors_of(form, q["single-choice"]) == ["Select one of the options"]


def test_other_needs_its_text(survey: Survey) -> None:
    q = survey.q
    data = page_data(survey, 1) | {f"q{q['single-choice'].pk}": "other"}
    form = survey.form(1, data)
    assert not form.is_valid()
    assert errors_of(form, q["single-choice"], "_other") == ["Enter the other answer"]
    data[f"q{q['single-choice'].pk}_other"] = "  By bike  "
    form = survey.form(1, data)
    assert form.is_valid(), form.errors
    assert form.answers()[q["single-choice"].pk] == ChoiceAnswer(other_text="By bike")


def test_other_text_alone_means_other_with_javascript_off(survey: Survey) -> None:
    q = survey.q
    data = page_data(survey, 1)
    del data[f"q{q['single-choice'].pk}"]
    data[f"q{q['single-choice'].pk}_other"] = "Taxi"
    form = survey.form(1, data)
    assert form.is_valid(), form.errors
    assert form.answers()[q["single-choice"].pk] == ChoiceAnswer(other_text="Taxi")


def test_other_text_under_an_option_not_chosen_is_not_kept(survey: Survey) -> None:
    q = survey.q
    data = page_data(survey, 1) | {f"q{q['single-choice'].pk}_other": "Left over"}
    form = survey.form(1, data)
    assert form.is_valid(), form.errors
    assert form.answers()[q["single-choice"].pk] == ChoiceAnswer(
        (survey.option("single-choice", "Every day"),)
    )


def test_multiple_choice_refuses_more_than_its_most(survey: Survey) -> None:
    q = survey.q
    picked = [str(survey.option("multiple-choice", x)) for x in ("Route A", "Route B", "Route C")]
    form = survey.form(1, page_data(survey, 1) | {f"q{q['multiple-choice'].pk}": picked})
    assert not form.is_valid()
    assert errors_of(form, q["multiple-choice"]) == ["Select no more than 2 options"]
    item = next(i for i in form.items() if i.question == q["multiple-choice"])
    assert [c.checked for c in item.choices] == [True, True, True, False]  # kept as ticked


def test_multiple_choice_with_other(survey: Survey) -> None:
    q = survey.q
    picked = [str(survey.option("multiple-choice", "Route B")), "other"]
    data = page_data(survey, 1) | {
        f"q{q['multiple-choice'].pk}": picked,
        f"q{q['multiple-choice'].pk}_other": "Route 99",
    }
    form = survey.form(1, data)
    assert form.is_valid(), form.errors
    assert form.answers()[q["multiple-choice"].pk] == ChoiceAnswer(
        (survey.option("multiple-choice", "Route B"),), "Route 99"
    )


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        (["1", "1", "2"], "Give each option a different rank: use each number from 1 to 3 once"),
        (["1", "", "2"], "Give every option a rank from 1 to 3"),
        (["1", "2", "7"], "Give every option a rank from 1 to 3"),
    ],
)
def test_a_ranking_must_use_each_rank_once(survey: Survey, ranks: list[str], message: str) -> None:
    q = survey.q
    data = page_data(survey, 2)
    for option, rank in zip(q["ranking"].options.order_by("position"), ranks, strict=True):
        data[f"q{q['ranking'].pk}_{option.pk}"] = rank
    form = survey.form(2, data)
    assert not form.is_valid()
    assert errors_of(form, q["ranking"]) == [message]
    item = next(i for i in form.items() if i.question == q["ranking"])
    assert [part.value for part in item.parts] == ranks  # kept as chosen


def test_an_optional_ranking_may_be_left_blank_but_a_required_one_may_not(survey: Survey) -> None:
    q = survey.q
    data = {
        k: v for k, v in page_data(survey, 2).items() if not k.startswith(f"q{q['ranking'].pk}_")
    }
    form = survey.form(2, data)
    assert form.is_valid(), form.errors
    assert form.answers()[q["ranking"].pk] is None
    Question.objects.filter(pk=q["ranking"].pk).update(required=True)
    form = survey.form(2, data)
    assert errors_of(form, q["ranking"]) == [
        "Rank the options for “Put these in order of importance”"
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("11", "Enter a number between 1 and 10"),
        ("0", "Enter a number between 1 and 10"),
        ("lots", "Enter a number between 1 and 10"),
        ("2.555", "Enter a number with no more than 2 decimal places"),
    ],
)
def test_a_number_outside_its_range_is_explained(survey: Survey, typed: str, message: str) -> None:
    q = survey.q
    form = survey.form(2, page_data(survey, 2) | {f"q{q['number'].pk}": typed})
    assert not form.is_valid()
    assert errors_of(form, q["number"]) == [message]
    item = next(i for i in form.items() if i.question == q["number"])
    assert item.value == typed


def test_numbers_are_read_as_people_write_them(survey: Survey) -> None:
    q = survey.q
    Question.objects.filter(pk=q["number"].pk).update(min_value=None, max_value=None)
    form = survey.form(2, page_data(survey, 2) | {f"q{q['number'].pk}": " 1,250 "})
    assert form.is_valid(), form.errors
    assert form.answers()[q["number"].pk] == Decimal("1250")
    form = survey.form(2, page_data(survey, 2) | {f"q{q['number'].pk}": "many"})
    assert errors_of(form, q["number"]) == ["Enter a number, like 12"]


def test_one_sided_ranges_say_which_side(survey: Survey) -> None:
    q = survey.q
    Question.objects.filter(pk=q["number"].pk).update(max_value=None)
    form = survey.form(2, page_data(survey, 2) | {f"q{q['number'].pk}": "0"})
    assert errors_of(form, q["number"]) == ["Enter a number that is 1 or more"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "boxes"),
    [
        ("31", "2", "2025", "Date must be a real date", {"day", "month", "year"}),
        ("3", "", "2025", "Date must include a month", {"month"}),
        ("", "", "2025", "Date must include a day and a month", {"day", "month"}),
        ("3", "11", "25", "Year must include 4 numbers", {"year"}),
        ("3rd", "11", "2025", "Date must be a real date", {"day"}),
    ],
)
def test_a_date_must_be_a_real_date(
    survey: Survey, day: str, month: str, year: str, message: str, boxes: set[str]
) -> None:
    q = survey.q
    pk = q["date"].pk
    data = page_data(survey, 3) | {f"q{pk}_day": day, f"q{pk}_month": month, f"q{pk}_year": year}
    form = survey.form(3, data)
    assert not form.is_valid()
    assert errors_of(form, q["date"]) == [message]
    item = next(i for i in form.items() if i.question == q["date"])
    assert [part.value for part in item.parts] == [day, month, year]  # kept
    assert {part.name.rsplit("_", 1)[1] for part in item.parts if part.error} == boxes
    assert item.anchor == next(part.id for part in item.parts if part.error)


def test_a_ward_must_be_one_of_luton_s(survey: Survey) -> None:
    q = survey.q
    form = survey.form(3, page_data(survey, 3) | {f"q{q['ward'].pk}": "999999"})
    assert errors_of(form, q["ward"]) == ["Select a ward from the list"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("LU1 2BQ", "LU1 2BQ"), ("lu49aa", "LU4 9AA"), ("SW1A 1AA", "SW1A 1AA"), ("m1 1ae", "M1 1AE")],
)
def test_luton_and_other_uk_postcodes_are_accepted(survey: Survey, typed: str, stored: str) -> None:
    q = survey.q
    form = survey.form(3, page_data(survey, 3) | {f"q{q['postcode'].pk}": typed})
    assert form.is_valid(), form.errors
    assert form.answers()[q["postcode"].pk] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not a postcode", "Enter a real postcode, like LU1 2BQ"),
        ("LU1", "Enter your full postcode, like LU1 2BQ. LU1 is only the first part."),
        ("12345", "Enter a real postcode, like LU1 2BQ"),
    ],
)
def test_a_postcode_must_have_a_uk_shape(survey: Survey, typed: str, message: str) -> None:
    q = survey.q
    form = survey.form(3, page_data(survey, 3) | {f"q{q['postcode'].pk}": typed})
    assert errors_of(form, q["postcode"]) == [message]
    item = next(i for i in form.items() if i.question == q["postcode"])
    assert item.value == typed


# --- showing saved answers again ----------------------------------------------------------------


def test_initial_takes_back_what_answers_gave(survey: Survey) -> None:
    """A page shows what was saved: answers() -> initial -> the same inputs again."""
    for number in (1, 2, 3):
        sent = survey.form(number, page_data(survey, number))
        assert sent.is_valid(), sent.errors
        shown = survey.form(number, initial=sent.answers())
        again = {}
        for item in shown.items():
            name = item.field.html_name
            if item.parts:
                again.update({part.name: part.value for part in item.parts})
            elif item.kind == "multiple-choice":
                again[name] = [c.value for c in item.choices if c.checked]
            elif item.choices:
                again[name] = next((c.value for c in item.choices if c.checked), "")
            else:
                again[name] = item.value
        resent = survey.form(number, again)
        assert resent.is_valid(), resent.errors
        assert resent.answers() == sent.answers()


def test_optional_questions_are_marked_and_hints_say_how_to_answer(survey: Survey) -> None:
    items = {i.question.kind: i for i in survey.form(2).items() + survey.form(3).items()}
    assert items["number"].hint == "Enter a number between 1 and 10"
    assert items["postcode"].hint == "For example, LU1 2BQ"
    assert items["date"].hint == "For example, 27 3 2024"
    assert items["ranking"].hint.startswith("Give each option a different number from 1 to 3.")
    long_text = next(i for i in survey.form(1).items() if i.kind == "long-text")
    assert long_text.hint == "Think about the last month."
    assert long_text.describedby == f"{long_text.id}-info {long_text.id}-hint"
