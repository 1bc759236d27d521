"""Writes for building a consultation's survey: sections (pages) and their questions.

Every service locks the consultation's row first, so two staff editing the same survey take
turns and positions are renumbered from a consistent picture. Positions have no gaps or ties
after any change: sections count 0, 1, 2 ... and questions count 0, 1, 2 ... through the whole
survey in reading order, so ``order_by("position")`` on either gives the order residents see.

Once anyone has sent a response, the survey is "locked": questions and options can no longer be
deleted and a question's type cannot change, because an answer that lost its question or
option would silently vanish from the results (Decidim lost answers this way:
decidim/decidim#9168). Wording can still be corrected; every change is audited against the
consultation.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from luton2040 import audit

from ..models import Answer, Consultation, Question, QuestionOption, Section
from ..selectors.survey import survey_is_locked

if TYPE_CHECKING:
    from luton2040.accounts.models import User

Kind = Question.Kind


class SurveyLockedError(Exception):
    """The change would delete an answer's question or option, or change what a question
    asks for, after people have responded."""


def _lock(consultation: Consultation) -> tuple[Consultation, bool]:
    """The consultation, locked for this transaction, and whether anyone has responded."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    return locked, survey_is_locked(locked)


def _survey_order(consultation: Consultation) -> tuple[list[Section], dict[int, list[Question]]]:
    sections = list(Section.objects.filter(consultation=consultation).order_by("position", "pk"))
    questions: dict[int, list[Question]] = {section.pk: [] for section in sections}
    for question in Question.objects.filter(consultation=consultation).order_by("position", "pk"):
        questions.setdefault(question.section_id, []).append(question)
    return sections, questions


def _save_order(sections: list[Section], questions: dict[int, list[Question]]) -> None:
    """Number sections and questions from 0 in the order given, saving only those that moved."""
    moved_sections = []
    for position, section in enumerate(sections):
        if section.position != position:
            section.position = position
            moved_sections.append(section)
    Section.objects.bulk_update(moved_sections, ["position"])
    moved_questions = []
    position = 0
    for section in sections:
        for question in questions.get(section.pk, []):
            if question.position != position or question.section_id != section.pk:
                question.position, question.section_id = position, section.pk
                moved_questions.append(question)
            position += 1
    Question.objects.bulk_update(moved_questions, ["position", "section"])


def _swap(items: list[Any], item: Any, *, up: bool) -> int | None:
    """Swap ``item`` with its neighbour; its new index, or None at either end."""
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    return other


# --- Sections -----------------------------------------------------------------------------------


@transaction.atomic
def survey_section_add(
    *, consultation: Consultation, by: User, title: str, intro: str = ""
) -> Section:
    """Add a section (a page) at the end of the survey."""
    consultation, _locked = _lock(consultation)
    sections, questions = _survey_order(consultation)
    section = Section.objects.create(
        consultation=consultation, title=title, intro=intro, position=len(sections)
    )
    _save_order([*sections, section], questions)
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.section_added",
        changes={"section": section.pk, "title": title},
    )
    return section


@transaction.atomic
def survey_section_update(*, section: Section, by: User, title: str, intro: str) -> Section:
    """Change a section's title or introduction (allowed at any time)."""
    consultation, locked = _lock(section.consultation)
    section = Section.objects.get(pk=section.pk, consultation=consultation)
    changes: dict[str, Any] = {
        field: [getattr(section, field), value]
        for field, value in (("title", title), ("intro", intro))
        if getattr(section, field) != value
    }
    if not changes:
        return section
    section.title, section.intro = title, intro
    section.save(update_fields=["title", "intro"])
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.section_changed",
        changes={"section": section.pk, **changes, **({"after_responses": True} if locked else {})},
    )
    return section


@transaction.atomic
def survey_section_move(*, section: Section, by: User, up: bool) -> Section:
    """Swap a section with the one before (up) or after it. At either end, nothing changes."""
    consultation, _locked = _lock(section.consultation)
    sections, questions = _survey_order(consultation)
    new_index = _swap(sections, section, up=up)
    if new_index is None:
        return section
    _save_order(sections, questions)
    moved = sections[new_index]
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.section_moved",
        changes={"section": moved.pk, "title": moved.title, "position": new_index + 1},
    )
    return moved


@transaction.atomic
def survey_section_delete(*, section: Section, by: User) -> None:
    """Delete a section with its questions. Once people have responded, only an empty section
    can be deleted."""
    consultation, locked = _lock(section.consultation)
    sections, questions = _survey_order(consultation)
    doomed = questions.pop(section.pk, [])
    if locked and doomed:
        raise SurveyLockedError("questions cannot be deleted once people have responded")
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.section_deleted",
        changes={
            "section": section.pk,
            "title": section.title,
            "questions": [question.text for question in doomed],
        },
    )
    Section.objects.filter(pk=section.pk, consultation=consultation).delete()
    _save_order([s for s in sections if s.pk != section.pk], questions)


# --- Questions ----------------------------------------------------------------------------------


def _kind_fields(
    kind: str,
    *,
    allow_other: bool,
    max_choices: int | None,
    max_length: int | None,
    min_value: Decimal | None,
    max_value: Decimal | None,
) -> dict[str, Any]:
    """The settings a question of this kind uses; the rest are cleared, so a form's leftover
    value for another kind is never stored."""
    choice = kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)
    return {
        "allow_other": allow_other if choice else False,
        "max_choices": max_choices if kind == Kind.MULTIPLE_CHOICE else None,
        "max_length": max_length if kind in Question.FREE_TEXT else None,
        "min_value": min_value if kind == Kind.NUMBER else None,
        "max_value": max_value if kind == Kind.NUMBER else None,
    }


def _check_question(kind: str, options: Sequence[str], fields: dict[str, Any]) -> None:
    """What the form checks, checked again for any other caller."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind of question {kind!r}")
    if kind in Question.WITH_OPTIONS:
        if len(options) < 2:
            raise ValueError("a choice, scale or ranking question needs at least 2 options")
        if len({label.strip().casefold() for label in options}) != len(options):
            raise ValueError("options must differ from one another")
    max_choices = fields["max_choices"]
    if max_choices is not None and max_choices > len(options) + int(fields["allow_other"]):
        raise ValueError("max_choices is more than the number of options")
    low, high = fields["min_value"], fields["max_value"]
    if low is not None and high is not None and low > high:
        raise ValueError("min_value is more than max_value")


def _norm(label: str) -> str:
    return " ".join(label.split()).casefold()


def _sync_options(question: Question, labels: Sequence[str], *, locked: bool) -> list[list[str]]:
    """Make the question's options read ``labels``, in that order, keeping option ids wherever
    it can, because answers hold option ids: an option keeps its id when its wording is
    unchanged (wherever it moved to), and otherwise a changed wording is taken as a correction
    of the option that was in the same place. Returns [old labels, new labels]."""
    existing = list(question.options.order_by("position", "pk"))
    before = [option.label for option in existing]
    unused = list(existing)
    matched: list[QuestionOption | None] = []
    for label in labels:
        same = next((o for o in unused if _norm(o.label) == _norm(label)), None)
        if same is not None:
            unused.remove(same)
        matched.append(same)
    for index in range(len(labels)):
        if matched[index] is None and unused:
            # Prefer the option that sat in this place; else the next one left over.
            in_place = next((o for o in unused if existing.index(o) == index), unused[0])
            unused.remove(in_place)
            matched[index] = in_place
    if unused and locked:
        raise SurveyLockedError("options cannot be deleted once people have responded")
    if unused:
        gone = {option.pk for option in unused}
        QuestionOption.objects.filter(pk__in=gone).delete()
        # Only unsent responses can hold them here (sent ones lock the survey): drop the ids
        # so a draft answer never points at an option that no longer exists.
        stale = list(Answer.objects.filter(question=question, option_ids__overlap=list(gone)))
        for answer in stale:
            answer.option_ids = [pk for pk in answer.option_ids if pk not in gone]
        Answer.objects.bulk_update(stale, ["option_ids"])
    changed, created = [], []
    for position, (label, option) in enumerate(zip(labels, matched, strict=True)):
        if option is None:
            created.append(QuestionOption(question=question, label=label, position=position))
        elif option.label != label or option.position != position:
            option.label, option.position = label, position
            changed.append(option)
    QuestionOption.objects.bulk_update(changed, ["label", "position"])
    QuestionOption.objects.bulk_create(created)
    return [before, list(labels)]


@transaction.atomic
def survey_question_add(
    *,
    section: Section,
    by: User,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    options: Sequence[str] = (),
    allow_other: bool = False,
    max_choices: int | None = None,
    max_length: int | None = None,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
) -> Question:
    """Add a question at the end of a section. ``options`` (choice, scale and ranking
    questions only) are labels in order."""
    consultation, _locked = _lock(section.consultation)
    options = list(options) if kind in Question.WITH_OPTIONS else []
    fields = _kind_fields(
        kind,
        allow_other=allow_other,
        max_choices=max_choices,
        max_length=max_length,
        min_value=min_value,
        max_value=max_value,
    )
    _check_question(kind, options, fields)
    sections, questions = _survey_order(consultation)
    section = next(s for s in sections if s.pk == section.pk)
    question = Question.objects.create(
        consultation=consultation,
        section=section,
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        position=0,  # numbered with the rest just below
        **fields,
    )
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, label=label, position=position)
        for position, label in enumerate(options)
    )
    questions[section.pk].append(question)
    _save_order(sections, questions)
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.question_added",
        changes={
            "question": question.pk,
            "section": section.title,
            "kind": kind,
            "text": text,
            **({"options": options} if options else {}),
        },
    )
    return question


@transaction.atomic
def survey_question_update(
    *,
    question: Question,
    by: User,
    kind: str,
    text: str,
    help_text: str,
    required: bool,
    options: Sequence[str] = (),
    allow_other: bool = False,
    max_choices: int | None = None,
    max_length: int | None = None,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    section: Section | None = None,
) -> Question:
    """Change a question; with ``section``, move it to the end of that section. Once people
    have responded its kind stays and its options can be reworded or added to, not removed
    (SurveyLockedError)."""
    consultation, locked = _lock(question.consultation)
    question = Question.objects.get(pk=question.pk, consultation=consultation)
    if locked and kind != question.kind:
        raise SurveyLockedError("a question's type cannot change once people have responded")
    options = list(options) if kind in Question.WITH_OPTIONS else []
    fields = _kind_fields(
        kind,
        allow_other=allow_other,
        max_choices=max_choices,
        max_length=max_length,
        min_value=min_value,
        max_value=max_value,
    )
    _check_question(kind, options, fields)
    new_values = {"kind": kind, "text": text, "help_text": help_text, "required": required}
    new_values.update(fields)
    changes: dict[str, Any] = {
        name: [_plain(getattr(question, name)), _plain(value)]
        for name, value in new_values.items()
        if getattr(question, name) != value
    }
    if kind != question.kind:
        # Unsent answers to the old kind no longer fit the question (sent ones lock the survey).
        Answer.objects.filter(question=question).delete()
    for name, value in new_values.items():
        setattr(question, name, value)
    question.save(update_fields=list(new_values))
    before, after = _sync_options(question, options, locked=locked)
    if before != after:
        changes["options"] = [before, after]
    if section is not None and section.pk != question.section_id:
        sections, questions = _survey_order(consultation)
        target = next(s for s in sections if s.pk == section.pk)  # same consultation only
        questions[question.section_id] = [
            q for q in questions[question.section_id] if q.pk != question.pk
        ]
        questions[target.pk].append(question)
        changes["section"] = [question.section.title, target.title]
        _save_order(sections, questions)
    if changes:
        if locked:
            changes["after_responses"] = True
        audit.record(
            actor=by,
            obj=consultation,
            verb="survey.question_changed",
            changes={"question": question.pk, **changes},
        )
    return question


def _plain(value: Any) -> Any:
    """A value the audit record's JSON can hold."""
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def survey_question_move(*, question: Question, by: User, up: bool) -> Question:
    """Swap a question with the one before (up) or after it in its section. At either end,
    nothing changes (a question changes section through its form)."""
    consultation, _locked = _lock(question.consultation)
    sections, questions = _survey_order(consultation)
    in_section = questions[question.section_id]
    new_index = _swap(in_section, question, up=up)
    if new_index is None:
        return question
    _save_order(sections, questions)
    moved = in_section[new_index]
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.question_moved",
        changes={"question": moved.pk, "text": moved.text, "position": new_index + 1},
    )
    return moved


@transaction.atomic
def survey_question_delete(*, question: Question, by: User) -> None:
    """Delete a question and its options; refused (SurveyLockedError) once people have
    responded."""
    consultation, locked = _lock(question.consultation)
    if locked:
        raise SurveyLockedError("questions cannot be deleted once people have responded")
    sections, questions = _survey_order(consultation)
    questions[question.section_id] = [
        q for q in questions[question.section_id] if q.pk != question.pk
    ]
    audit.record(
        actor=by,
        obj=consultation,
        verb="survey.question_deleted",
        changes={"question": question.pk, "text": question.text, "kind": question.kind},
    )
    Question.objects.filter(pk=question.pk, consultation=consultation).delete()
    _save_order(sections, questions)
