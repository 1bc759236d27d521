"""Reads of a consultation's survey for the staff survey builder (and anyone who needs the
survey in order)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import Consultation, Question, QuestionOption, Response, Section


def survey_outline(consultation: Consultation) -> list[Section]:
    """The consultation's sections in order, each with ``questions`` in order and each question
    with ``options`` in order: three queries however long the survey is."""
    questions = Question.objects.order_by("position", "pk").prefetch_related(
        Prefetch("options", queryset=QuestionOption.objects.order_by("position", "pk"))
    )
    return list(
        Section.objects.filter(consultation=consultation)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )


def survey_section_questions(section: Section) -> list[Question]:
    """One section's questions in order, with their options (two queries)."""
    return list(
        section.questions.order_by("position", "pk").prefetch_related(
            Prefetch("options", queryset=QuestionOption.objects.order_by("position", "pk"))
        )
    )


def survey_sections(consultation: Consultation) -> QuerySet[Section]:
    """The consultation's sections in order (for choosing where a question goes)."""
    return Section.objects.filter(consultation=consultation).order_by("position", "pk")


def survey_is_locked(consultation: Consultation) -> bool:
    """True once anyone has sent a response: from then on questions and options stay (so every
    answer keeps the question and option it was given to) and question types are fixed."""
    return Response.objects.filter(
        consultation=consultation, status=Response.Status.SUBMITTED
    ).exists()
