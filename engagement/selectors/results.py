"""Reads for a consultation's results: counts per question, the channels people used, free-text
answers and the coding frame staff tag them with.

Every figure is counted by PostgreSQL (GROUP BY over the answers, with ``unnest`` for the option
ids), so a results page costs the same few queries for 50 responses or 100,000. Only submitted
responses count; a response someone is still writing is not a result.

Multiple choice counts each option once per person who ticked it, never combinations of options
(the bug Decidim has, decidim#16421), so its percentages can add up to more than 100.

Public figures (``public=True``) hide small counts for ward questions and channels (disclosure
control, ``ENGAGEMENT_SUPPRESS_BELOW``) and carry no free text at all.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from luton2040.places.models import Ward

from ..models import Answer, AnswerTag, Channel, Consultation, Question, QuestionOption, Response

Kind = Question.Kind
CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.SCALE})


# --- Disclosure control -----------------------------------------------------------------------


def suppress(counts: Sequence[int], *, below: int | None = None) -> list[int | None]:
    """The counts as they may be published: any from 1 to `below` - 1 hidden (None).

    Hiding one count alone is not enough when the total is shown, because the total minus the
    others gives it back; so if exactly one is hidden, the next smallest is hidden with it. If
    the whole total is below the threshold, every count is hidden. Zeros identify nobody and
    stay."""
    below = settings.ENGAGEMENT_SUPPRESS_BELOW if below is None else below
    if 0 < sum(counts) < below:
        return [None if count else 0 for count in counts]
    hidden = {i for i, count in enumerate(counts) if 0 < count < below}
    if len(hidden) == 1:
        others = [(count, i) for i, count in enumerate(counts) if count and i not in hidden]
        if others:
            hidden.add(min(others)[1])
    return [None if i in hidden else count for i, count in enumerate(counts)]


def _percent(count: int | None, total: int) -> float | None:
    if count is None or not total:
        return None
    return round(100 * count / total, 1)


# --- What a results page shows ----------------------------------------------------------------


@dataclass
class Row:
    """One bar and table row: an option, a ward or a channel."""

    label: str
    count: int | None  # None: too few to publish
    percent: float | None = None
    mean_rank: float | None = None  # ranking questions
    first_choice: int | None = None  # ranking questions: how many put it first
    first_choice_percent: float | None = None


@dataclass
class QuestionResult:
    question: Question
    number: int  # its number in the survey, from 1
    answered: int  # people who answered it
    rows: list[Row] = field(default_factory=list)
    other: Row | None = None  # "Other" with its own text box
    # Number questions: median, smallest, largest; date questions: earliest, latest.
    median: Decimal | None = None
    smallest: Decimal | None = None
    largest: Decimal | None = None
    earliest: datetime.date | None = None
    latest: datetime.date | None = None
    tag_counts: list[tuple[AnswerTag, int]] = field(default_factory=list)  # staff only
    suppressed: bool = False  # some or all of its counts are hidden

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_free_text(self) -> bool:
        return self.question.kind in Question.FREE_TEXT

    @property
    def more_than_one(self) -> bool:
        return self.question.kind == Kind.MULTIPLE_CHOICE

    @property
    def has_chart(self) -> bool:
        return self.kind in CHOICE_KINDS or self.kind in (Kind.RANKING, Kind.WARD)


@dataclass
class Results:
    consultation: Consultation
    responses: int  # submitted responses
    channels: list[Row]
    questions: list[QuestionResult]
    tags: list[AnswerTag] = field(default_factory=list)  # staff only


def _submitted(consultation: Consultation) -> Q:
    return Q(response__consultation=consultation, response__status=Response.Status.SUBMITTED)


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _tables() -> dict[str, str]:
    return {"answer": Answer._meta.db_table, "response": Response._meta.db_table}


# One row per (question, option): how many chose it, and for rankings the mean position and
# how many put it first. unnest ... WITH ORDINALITY gives each option its place in the answer.
_OPTION_COUNTS = """
SELECT a.question_id, o.option_id, count(*), avg(o.place), count(*) FILTER (WHERE o.place = 1)
FROM {answer} a
JOIN {response} r ON r.id = a.response_id
CROSS JOIN LATERAL unnest(a.option_ids) WITH ORDINALITY AS o(option_id, place)
WHERE a.question_id = ANY(%s) AND r.consultation_id = %s AND r.status = %s
GROUP BY a.question_id, o.option_id
"""

# One row per question: how many answered it, how many chose "Other", and the range of number
# and date answers. Plain aggregates only, so PostgreSQL hashes both the join and the grouping
# (an ordered-set aggregate such as the median in the same query makes it walk the answers in
# question order with a million index lookups into the responses: 6 s instead of under 1 s at
# 100,000 responses, bench/engagement_export.py).
_QUESTION_FIGURES = """
SELECT a.question_id,
  count(*) FILTER (WHERE cardinality(a.option_ids) > 0 OR a.other_text <> '' OR a.text <> ''
                   OR a.number IS NOT NULL OR a.date IS NOT NULL OR a.ward_id IS NOT NULL
                   OR a.postcode <> ''),
  count(*) FILTER (WHERE a.other_text <> ''),
  min(a.number), max(a.number), min(a.date), max(a.date)
FROM {answer} a
JOIN {response} r ON r.id = a.response_id
WHERE r.consultation_id = %s AND r.status = %s
GROUP BY a.question_id
"""

# The median of each number question. The inner query (kept apart by OFFSET 0, so it is planned
# on its own, as a hash join) picks the few number answers first; only those are sorted.
_MEDIANS = """
SELECT n.question_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY n.number)
FROM (
  SELECT a.question_id, a.number
  FROM {answer} a
  JOIN {response} r ON r.id = a.response_id
  WHERE a.question_id = ANY(%s) AND a.number IS NOT NULL
    AND r.consultation_id = %s AND r.status = %s
  OFFSET 0
) n
GROUP BY n.question_id
"""


def survey_questions(*, consultation: Consultation) -> list[Question]:
    """The consultation's questions in survey order, with their options. Two queries."""
    return list(
        Question.objects.filter(consultation=consultation)
        .select_related("section")
        .prefetch_related(
            Prefetch("options", queryset=QuestionOption.objects.order_by("position", "pk"))
        )
        .order_by("section__position", "section_id", "position", "pk")
    )


def channel_counts(*, consultation: Consultation) -> dict[str, int]:
    """Submitted responses by channel (online, paper, phone...). One query."""
    rows = (
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .values("channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["channel"]: row["count"] for row in rows}


def channel_rows(*, counts: dict[str, int], public: bool) -> list[Row]:
    """Every channel used, in the standard order, as rows; public rows have small counts
    hidden."""
    used = [(channel, counts.get(channel.value, 0)) for channel in Channel]
    used = [(channel, count) for channel, count in used if count]
    total = sum(count for _channel, count in used)
    shown = suppress([count for _c, count in used]) if public else [c for _c, c in used]
    return [
        Row(label=str(channel.label), count=count, percent=_percent(count, total))
        for (channel, _count), count in zip(used, shown, strict=True)
    ]


def consultation_results(*, consultation: Consultation, public: bool) -> Results:
    """Every question's figures, the response count and the channel breakdown. A fixed number
    of queries whatever the number of responses (at most ten, fewer for surveys without number,
    ward or free-text questions). With `public`, ward and channel counts below the threshold are
    hidden and free-text questions are left out."""
    questions = survey_questions(consultation=consultation)
    if public:
        questions = [q for q in questions if q.kind not in Question.FREE_TEXT]
    status = Response.Status.SUBMITTED.value
    tables = _tables()
    channels = channel_counts(consultation=consultation)

    option_counts: dict[int, dict[int, tuple[int, float, int]]] = defaultdict(dict)
    with_options = [q.pk for q in questions if q.kind in Question.WITH_OPTIONS]
    if with_options:
        # Only these questions' answers: the others have no option ids to unnest.
        for question_id, option_id, chosen, mean_place, first in _fetch(
            _OPTION_COUNTS.format(**tables), [with_options, consultation.pk, status]
        ):
            option_counts[question_id][option_id] = (chosen, float(mean_place), first)

    figures: dict[int, tuple[Any, ...]] = {}
    if questions:
        for row in _fetch(_QUESTION_FIGURES.format(**tables), [consultation.pk, status]):
            figures[row[0]] = row[1:]
    medians: dict[int, float] = {}
    numbers = [q.pk for q in questions if q.kind == Kind.NUMBER]
    if numbers:
        medians = dict(_fetch(_MEDIANS.format(**tables), [numbers, consultation.pk, status]))

    ward_counts: dict[int, dict[int, int]] = defaultdict(dict)
    wards: list[Ward] = []
    if any(q.kind == Kind.WARD for q in questions):
        for ward_row in (
            Answer.objects.filter(_submitted(consultation), question__kind=Kind.WARD)
            .exclude(ward=None)
            .values("question_id", "ward_id")
            .annotate(count=Count("pk"))
            .order_by()
        ):
            ward_counts[ward_row["question_id"]][ward_row["ward_id"]] = ward_row["count"]
        wards = list(Ward.objects.order_by("name"))

    tags: list[AnswerTag] = []
    tag_counts: dict[int, list[tuple[AnswerTag, int]]] = defaultdict(list)
    if not public and any(q.kind in Question.FREE_TEXT or q.allow_other for q in questions):
        tags = list(AnswerTag.objects.filter(consultation=consultation).order_by("name"))
        by_id = {tag.pk: tag for tag in tags}
        for tag_row in (
            Answer.tags.through.objects.filter(
                answer__response__consultation=consultation,
                answer__response__status=Response.Status.SUBMITTED,
            )
            .values("answer__question_id", "answertag_id")
            .annotate(count=Count("pk"))
            .order_by("-count", "answertag__name")
        ):
            tag = by_id.get(tag_row["answertag_id"])
            if tag is not None:
                tag_counts[tag_row["answer__question_id"]].append((tag, tag_row["count"]))

    results = []
    for number, question in enumerate(questions, start=1):
        answered, other, smallest, largest, earliest, latest = figures.get(
            question.pk, (0, 0, None, None, None, None)
        )
        median = medians.get(question.pk)
        result = QuestionResult(
            question=question,
            number=number,
            answered=answered,
            tag_counts=tag_counts.get(question.pk, []),
        )
        if question.kind in CHOICE_KINDS:
            counted = option_counts.get(question.pk, {})
            result.rows = [
                Row(
                    label=option.label,
                    count=counted.get(option.pk, (0, 0.0, 0))[0],
                    percent=_percent(counted.get(option.pk, (0, 0.0, 0))[0], answered),
                )
                for option in question.options.all()
            ]
            if question.allow_other:
                result.other = Row(label="", count=other, percent=_percent(other, answered))
        elif question.kind == Kind.RANKING:
            counted = option_counts.get(question.pk, {})
            rows = []
            for option in question.options.all():
                chosen, mean_place, first = counted.get(option.pk, (0, 0.0, 0))
                rows.append(
                    Row(
                        label=option.label,
                        count=chosen,
                        percent=_percent(chosen, answered),
                        mean_rank=round(mean_place, 2) if chosen else None,
                        first_choice=first,
                        first_choice_percent=_percent(first, answered),
                    )
                )
            # Best first: the lowest mean place; options nobody ranked go last.
            rows.sort(key=lambda r: (r.mean_rank is None, r.mean_rank or 0))
            result.rows = rows
        elif question.kind == Kind.WARD:
            counted_wards = ward_counts.get(question.pk, {})
            counts = [counted_wards.get(ward.pk, 0) for ward in wards]
            shown = suppress(counts) if public else list(counts)
            result.suppressed = shown != counts
            result.rows = [
                Row(label=ward.name, count=count, percent=_percent(count, answered))
                for ward, count in zip(wards, shown, strict=True)
            ]
        elif question.kind == Kind.NUMBER:
            result.median = (
                None if median is None else Decimal(str(median)).quantize(Decimal("0.01"))
            )
            result.smallest, result.largest = smallest, largest
        elif question.kind == Kind.DATE:
            result.earliest, result.latest = earliest, latest
        results.append(result)

    channel_list = channel_rows(counts=channels, public=public)
    return Results(
        consultation=consultation,
        responses=sum(channels.values()),
        channels=channel_list,
        questions=results,
        tags=tags,
    )


# --- Free-text answers and the coding frame ----------------------------------------------------


def codable_question(*, consultation: Consultation, pk: int) -> Question | None:
    """A question of this consultation whose written answers staff read and tag: a short or
    long text question, or a choice question with an "Other" box."""
    return (
        Question.objects.filter(consultation=consultation, pk=pk)
        .filter(Q(kind__in=Question.FREE_TEXT) | Q(allow_other=True))
        .select_related("section")
        .first()
    )


UNTAGGED = "untagged"


def written_answers(
    *, question: Question, tag: AnswerTag | None = None, untagged: bool = False
) -> QuerySet[Answer]:
    """The written answers to `question` in submitted responses, oldest first, each with its
    tags (prefetched: page the queryset, then read .tags.all()). Optionally only those with
    `tag`, or only those with no tag yet."""
    answers = (
        Answer.objects.filter(
            question=question,
            response__status=Response.Status.SUBMITTED,
            response__consultation_id=question.consultation_id,
        )
        .filter(~Q(text="") | ~Q(other_text=""))
        .select_related("response")
        .prefetch_related(Prefetch("tags", queryset=AnswerTag.objects.order_by("name")))
        .order_by("response__submitted_on", "pk")
    )
    if tag is not None:
        answers = answers.filter(tags=tag)
    if untagged:
        answers = answers.filter(
            ~Exists(Answer.tags.through.objects.filter(answer_id=OuterRef("pk")))
        )
    return answers


def coding_frame(*, consultation: Consultation) -> list[tuple[AnswerTag, int]]:
    """The consultation's tags, A to Z, each with how many answers (in submitted responses)
    carry it. One query."""
    return [
        (tag, tag.answer_count)  # type: ignore[attr-defined]
        for tag in AnswerTag.objects.filter(consultation=consultation)
        .annotate(
            answer_count=Count(
                "answers", filter=Q(answers__response__status=Response.Status.SUBMITTED)
            )
        )
        .order_by("name")
    ]


def answer_for_tagging(*, consultation: Consultation, pk: int) -> Answer | None:
    """One written answer in this consultation (another consultation's is treated as missing)."""
    return (
        Answer.objects.filter(pk=pk, response__consultation=consultation)
        .filter(Q(question__kind__in=Question.FREE_TEXT) | Q(question__allow_other=True))
        .select_related("question")
        .first()
    )


def consultation_tags(*, consultation: Consultation) -> QuerySet[AnswerTag]:
    return AnswerTag.objects.filter(consultation=consultation).order_by("name")
