"""Reads for responding: the survey's pages, a person's draft or sent response, and answers as
the form takes them back or as "check your answers" shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils import dateformat
from django.utils.translation import gettext as _

from ..forms.answer_fields import ChoiceAnswer, format_number
from ..models import Answer, Consultation, Question, Response, Section

if TYPE_CHECKING:
    from luton2040.accounts.models import User


def consultation_for_responding(*, slug: str) -> Consultation | None:
    """The consultation at this address, in any state (the view decides what each state
    allows)."""
    return Consultation.objects.filter(slug=slug).first()


def survey_sections(*, consultation: Consultation) -> list[Section]:
    """The survey's pages in order, each with its questions in order and their options
    (three queries however large the survey)."""
    questions = Question.objects.order_by("position", "pk").prefetch_related("options")
    return list(
        consultation.sections.order_by("position", "pk").prefetch_related(
            Prefetch("questions", queryset=questions)
        )
    )


def response_by_token(*, consultation: Consultation, token: str) -> Response | None:
    """The response a secret link leads to, or None (a wrong or expired link)."""
    from ..services.responses import token_hash

    if not token:
        return None
    return (
        Response.objects.filter(consultation=consultation, resume_token_hash=token_hash(token))
        .exclude(resume_token_hash="")
        .first()
    )


def responses_of(*, consultation: Consultation, user: User) -> QuerySet[Response]:
    return Response.objects.filter(consultation=consultation, respondent=user)


def draft_for(*, consultation: Consultation, user: User) -> Response | None:
    """The person's response not yet sent, if any (the latest)."""
    return (
        responses_of(consultation=consultation, user=user)
        .filter(status=Response.Status.IN_PROGRESS)
        .order_by("-pk")
        .first()
    )


def sent_response_for(*, consultation: Consultation, user: User) -> Response | None:
    """The person's latest sent response, if any: the one "Change your response" changes."""
    return (
        responses_of(consultation=consultation, user=user)
        .filter(status=Response.Status.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .first()
    )


def answer_values(*, response: Response) -> dict[int, Any]:
    """{question id: value}, the shape SectionAnswersForm takes as ``initial`` (one query)."""
    values: dict[int, Any] = {}
    for answer in Answer.objects.filter(response=response).select_related("question", "ward"):
        values[answer.question_id] = _value(answer)
    return values


def _value(answer: Answer) -> Any:
    kind = answer.question.kind
    if kind in Question.FREE_TEXT:
        return answer.text
    if kind == Question.Kind.POSTCODE:
        return answer.postcode
    if kind == Question.Kind.NUMBER:
        return answer.number
    if kind == Question.Kind.DATE:
        return answer.date
    if kind == Question.Kind.WARD:
        return answer.ward
    return ChoiceAnswer(option_ids=tuple(answer.option_ids), other_text=answer.other_text)


# --- check your answers ----------------------------------------------------------------------


@dataclass
class DisplayRow:
    question: Question
    text: str  # what the person answered, in words ("" when not answered)
    lines: list[str] = field(default_factory=list)  # several options, or a ranking, one a line

    @property
    def answered(self) -> bool:
        return bool(self.text)


@dataclass
class DisplaySection:
    section: Section
    number: int  # 1-based: the page's number in the journey
    rows: list[DisplayRow]


def answers_for_display(
    response: Response, *, sections: list[Section] | None = None
) -> list[DisplaySection]:
    """Every question of the survey with the response's answer in words, page by page, for a
    "check your answers" summary list or a receipt. A fixed number of queries."""
    if sections is None:
        sections = survey_sections(consultation=response.consultation)
    answers = {
        answer.question_id: answer
        for answer in Answer.objects.filter(response=response).select_related("ward")
    }
    return [
        DisplaySection(
            section=section,
            number=number,
            rows=[
                _display_row(question, answers.get(question.pk))
                for question in section.questions.all()
            ],
        )
        for number, section in enumerate(sections, start=1)
    ]


def _display_row(question: Question, answer: Answer | None) -> DisplayRow:
    if answer is None:
        return DisplayRow(question=question, text="")
    kind = question.kind
    lines: list[str] = []
    if kind in Question.FREE_TEXT:
        text = answer.text
    elif kind == Question.Kind.POSTCODE:
        text = answer.postcode
    elif kind == Question.Kind.NUMBER:
        text = format_number(answer.number) if answer.number is not None else ""
    elif kind == Question.Kind.DATE:
        text = dateformat.format(answer.date, "j F Y") if answer.date else ""
    elif kind == Question.Kind.WARD:
        text = answer.ward.name if answer.ward else ""
    else:
        labels = {option.pk: option.label for option in question.options.all()}
        lines = [labels[pk] for pk in answer.option_ids if pk in labels]
        if kind == Question.Kind.RANKING:
            lines = [f"{n}. {label}" for n, label in enumerate(lines, start=1)]
        if answer.other_text:
            lines.append(_("Other: %(text)s") % {"text": answer.other_text})
        text = "\n".join(lines)
    return DisplayRow(question=question, text=text, lines=lines)


def first_unanswered_section(*, sections: list[Section], values: dict[int, Any]) -> int | None:
    """The number (1-based) of the first page with a required question not answered, or None
    when every required question has an answer (the survey may have changed since a page was
    saved, or a page was skipped by its address)."""
    for number, section in enumerate(sections, start=1):
        for question in section.questions.all():
            if question.required and question.pk not in values:
                return number
    return None
