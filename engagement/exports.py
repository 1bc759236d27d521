"""The responses download for council staff: every submitted response as one CSV row.

Streamed: one query joins the responses to their answers, its rows come from a server-side
cursor in chunks (``.iterator(chunk_size=...)``) as plain tuples, and each CSV line goes to the
client as it is written, so memory stays flat for 100,000 responses (tests/engagement/
test_export.py proves it; figures in docs/performance.md). Every cell goes through
``luton2040.csv_export`` so a spreadsheet never runs an answer as a formula.

Anonymity: where a consultation allows anonymous responses the file has no respondent columns
at all, so nobody's name sits beside what someone else said anonymously. Responses are dated
by day only (``submitted_on``), as anonymous ones are stored.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from luton2040 import audit
from luton2040.csv_export import csv_lines
from luton2040.places.models import Ward

from .models import Channel, Consultation, Question, Response
from .selectors.results import survey_questions

if TYPE_CHECKING:
    from luton2040.accounts.models import User

# Rows (one per answer) fetched per round trip: big enough that round trips do not dominate,
# small enough that a chunk of tuples is well under a megabyte.
CHUNK_SIZE = 2000

Kind = Question.Kind


def has_respondent_columns(consultation: Consultation) -> bool:
    return not consultation.allow_anonymous


def responses_csv_header(*, consultation: Consultation, questions: Sequence[Question]) -> list[str]:
    header = [_("Response")]
    if has_respondent_columns(consultation):
        header += [_("Respondent name"), _("Respondent email")]
    header += [_("Channel"), _("Submitted on"), _("Hub")]
    for number, question in enumerate(questions, start=1):
        header.append(f"Q{number}. {question.text}")
        if question.kind in Question.FREE_TEXT or question.allow_other:
            header.append(_("Q%(number)s tags") % {"number": number})
    return header


# Where each answer field sits in an export row (after the response's own fields).
_ANSWER_FIELDS = (
    "answers__question_id",
    "answers__text",
    "answers__number",
    "answers__date",
    "answers__option_ids",
    "answers__other_text",
    "answers__ward_id",
    "answers__postcode",
    "answers__tags__name",
)


@dataclass
class _Answer:
    text: str
    number: Decimal | None
    date: datetime.date | None
    option_ids: list[int]
    other_text: str
    ward_id: int | None
    postcode: str
    tags: list[str]


def _shape(question: Question) -> str:
    """Which field holds the question's answer, worked out once per file, not once per cell."""
    if question.kind in Question.WITH_OPTIONS:
        return "options"
    if question.kind in (Kind.NUMBER, Kind.DATE, Kind.WARD, Kind.POSTCODE):
        return str(question.kind)
    return "text"


def _answer_cell(
    answer: _Answer,
    shape: str,
    labels: dict[int, str],
    ward_names: dict[int, str],
    other_label: str,
) -> str:
    if shape == "options":
        # A ranking's ids are in the order the person put them; choices in the order ticked.
        chosen = [labels[pk] for pk in answer.option_ids or () if pk in labels]
        if answer.other_text:
            chosen.append(other_label % {"text": answer.other_text})
        return "; ".join(chosen)
    if shape == Kind.NUMBER:
        return "" if answer.number is None else f"{answer.number.normalize():f}"
    if shape == Kind.DATE:
        return "" if answer.date is None else answer.date.isoformat()
    if shape == Kind.WARD:
        return ward_names.get(answer.ward_id, "") if answer.ward_id else ""
    if shape == Kind.POSTCODE:
        return answer.postcode or ""
    return answer.text or ""


def export_rows(*, consultation: Consultation) -> Iterator[tuple[Any, ...]]:
    """Submitted responses joined to their answers (and each answer to its tags), one plain
    tuple per answer and tag, ordered by response so each response's rows come together;
    read from a server-side cursor CHUNK_SIZE rows at a time. Plain tuples, not model
    instances: a row costs a few hundred bytes, not the kilobytes of objects and prefetch
    caches."""
    fields = ["pk", "channel", "submitted_on", "hub__name", *_ANSWER_FIELDS]
    if has_respondent_columns(consultation):
        fields += ["respondent__full_name", "respondent__email"]
    return (
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def responses_csv_rows(
    *, consultation: Consultation, questions: Sequence[Question]
) -> Iterator[list[Any]]:
    """One row per submitted response, in the header's column order."""
    labels = {option.pk: option.label for q in questions for option in q.options.all()}
    ward_names = (
        dict(Ward.objects.values_list("pk", "name"))
        if any(q.kind == Kind.WARD for q in questions)
        else {}
    )
    # Labels translated once: a lazy label would be translated again in every row.
    channels = {value: str(label) for value, label in Channel.choices}
    other_label = _("Other: %(text)s")
    columns = [(q.pk, _shape(q), q.kind in Question.FREE_TEXT or q.allow_other) for q in questions]
    with_respondent = has_respondent_columns(consultation)
    for pk, group in groupby(export_rows(consultation=consultation), key=itemgetter(0)):
        rows = list(group)  # one response's rows: one per answer and tag
        answers: dict[int, _Answer] = {}
        for question_id, text, number, date, option_ids, other, ward, postcode, tag in (
            row[4:13] for row in rows
        ):
            if question_id is None:  # a response with no answers
                continue
            answer = answers.get(question_id)
            if answer is None:
                answer = answers[question_id] = _Answer(
                    text, number, date, option_ids, other, ward, postcode, []
                )
            if tag is not None:
                answer.tags.append(tag)
        first = rows[0]
        _pk, channel, submitted_on, hub_name = first[:4]
        line: list[Any] = [pk]
        if with_respondent:
            line += [first[13] or "", first[14] or ""]
        line += [
            channels.get(channel, channel),
            submitted_on.isoformat() if submitted_on else "",
            hub_name or "",
        ]
        for question_id, shape, tagged in columns:
            found = answers.get(question_id)
            if found is None:
                line.append("")
                if tagged:
                    line.append("")
                continue
            line.append(_answer_cell(found, shape, labels, ward_names, other_label))
            if tagged:
                line.append("; ".join(sorted(found.tags)))
        yield line


def responses_csv(*, consultation: Consultation) -> Iterator[str]:
    """The whole file, line by line, for a StreamingHttpResponse."""
    questions = survey_questions(consultation=consultation)
    return csv_lines(
        responses_csv_header(consultation=consultation, questions=questions),
        responses_csv_rows(consultation=consultation, questions=questions),
    )


@transaction.atomic
def responses_export_record(*, consultation: Consultation, by: User) -> None:
    """Audit a download of the responses: who took what, when (personal data may be in it)."""
    audit.record(
        actor=by,
        obj=consultation,
        verb="consultation.responses_exported",
        changes={
            "responses": Response.objects.filter(
                consultation=consultation, status=Response.Status.SUBMITTED
            ).count(),
            "with_respondent_details": has_respondent_columns(consultation),
        },
    )
