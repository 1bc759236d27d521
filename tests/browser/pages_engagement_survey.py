"""Sweep entries for engagement's survey builder (council staff): the survey with a question of
every kind, the section and question forms, the delete pages (allowed, and refused once people
have responded) and a section's preview."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .pagespec import PageSpec


def _survey(request: pytest.FixtureRequest, *, responded: bool = False) -> dict[str, Any]:
    """A draft consultation whose survey has two sections and one question of every kind."""
    from engagement.models import Question
    from engagement.services import survey as services

    from ..factories import ConsultationFactory, ResponseFactory

    staff = request.getfixturevalue("staff")
    consultation = ConsultationFactory(title="Bus routes in Luton", slug="bus-routes")
    travel = services.survey_section_add(
        consultation=consultation,
        by=staff,
        title="Getting around",
        intro="Questions about how you travel.",
    )
    about = services.survey_section_add(consultation=consultation, by=staff, title="About you")
    options = {
        Question.Kind.SINGLE_CHOICE: ["Yes", "No"],
        Question.Kind.MULTIPLE_CHOICE: ["Bus", "Train", "Bike"],
        Question.Kind.SCALE: ["Strongly agree", "Agree", "Disagree", "Strongly disagree"],
        Question.Kind.RANKING: ["Price", "Reliability", "Safety"],
    }
    questions = {}
    for kind in Question.Kind:
        questions[kind] = services.survey_question_add(
            section=about if kind in (Question.Kind.WARD, Question.Kind.POSTCODE) else travel,
            by=staff,
            kind=kind,
            text=f"{kind.label}: what do you think?",
            help_text="Think about the last month." if kind == Question.Kind.NUMBER else "",
            required=kind == Question.Kind.SCALE,
            options=options.get(kind, []),
            allow_other=kind == Question.Kind.MULTIPLE_CHOICE,
            max_choices=2 if kind == Question.Kind.MULTIPLE_CHOICE else None,
            max_length=500 if kind == Question.Kind.LONG_TEXT else None,
            min_value=Decimal(0) if kind == Question.Kind.NUMBER else None,
            max_value=Decimal(20) if kind == Question.Kind.NUMBER else None,
        )
    if responded:
        ResponseFactory(consultation=consultation)
    return {
        "slug": consultation.slug,
        "section_pk": travel.pk,
        "question_pk": questions[Question.Kind.MULTIPLE_CHOICE].pk,
    }


def _slug(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _survey(request)["slug"]}


def _slug_responded(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _survey(request, responded=True)["slug"]}


def _empty(request: pytest.FixtureRequest) -> dict[str, Any]:
    from ..factories import ConsultationFactory

    return {"slug": ConsultationFactory(title="Parks in Luton", status="draft").slug}


def _section(request: pytest.FixtureRequest, responded: bool = False) -> dict[str, Any]:
    survey = _survey(request, responded=responded)
    return {"slug": survey["slug"], "section_pk": survey["section_pk"]}


def _section_responded(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _section(request, responded=True)


def _question(request: pytest.FixtureRequest, responded: bool = False) -> dict[str, Any]:
    survey = _survey(request, responded=responded)
    return {"slug": survey["slug"], "question_pk": survey["question_pk"]}


def _question_responded(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _question(request, responded=True)


PAGES: list[PageSpec] = [
    PageSpec("engagement-staff:survey", persona="staff", setup=_empty),
    PageSpec("engagement-staff:survey", persona="staff", setup=_slug),
    PageSpec("engagement-staff:survey", persona="staff", setup=_slug_responded),
    PageSpec("engagement-staff:survey-section-add", persona="staff", setup=_empty),
    PageSpec("engagement-staff:survey-section-edit", persona="staff", setup=_section),
    PageSpec("engagement-staff:survey-section-delete", persona="staff", setup=_section),
    PageSpec("engagement-staff:survey-section-delete", persona="staff", setup=_section_responded),
    PageSpec("engagement-staff:survey-section-preview", persona="staff", setup=_section),
    PageSpec("engagement-staff:survey-question-add", persona="staff", setup=_section),
    PageSpec("engagement-staff:survey-question-edit", persona="staff", setup=_question),
    PageSpec("engagement-staff:survey-question-edit", persona="staff", setup=_question_responded),
    PageSpec("engagement-staff:survey-question-delete", persona="staff", setup=_question),
    PageSpec("engagement-staff:survey-question-delete", persona="staff", setup=_question_responded),
    PageSpec("engagement-staff:survey", persona="resident", status=403, setup=_slug),
]
