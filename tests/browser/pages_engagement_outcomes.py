"""Sweep entries for engagement's outcomes pages (see test_pages.py): results for staff and the
public, the coding of written answers, "we asked, you said, we did" for staff and the public,
and the list of outcomes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from .pagespec import PageSpec


def _closed(slug: str, *, days_ago: int = 20, **kwargs: Any) -> Any:
    from django.utils import timezone

    from tests.factories import ConsultationFactory

    now = timezone.now()
    kwargs.setdefault("status", "awaiting-outcome")
    kwargs.setdefault("publish_results", True)
    return ConsultationFactory(
        slug=slug,
        title=kwargs.pop("title", "Buses in Luton"),
        opens_at=now - datetime.timedelta(days=days_ago + 42),
        closes_at=now - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def _survey(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A closed consultation with a question of every kind the results show, a dozen responses
    by three channels (one too few to publish), tags and a tagged written answer."""
    from engagement.models import Answer, AnswerTag
    from luton2040.places.models import Ward
    from tests.factories import QuestionFactory, ResponseFactory, SectionFactory

    consultation = _closed("buses")
    section = SectionFactory(consultation=consultation, title="Your views")
    questions = {
        "single": QuestionFactory(
            section=section,
            kind="single-choice",
            text="Do you use the bus?",
            options=["Yes", "No"],
            allow_other=True,
        ),
        "multiple": QuestionFactory(
            section=section,
            kind="multiple-choice",
            text="Which routes do you use?",
            options=["Route 24", "Route 27", "Route 31"],
        ),
        "scale": QuestionFactory(
            section=section,
            kind="scale",
            text="Buses should run later",
            options=["Agree", "Neither", "Disagree"],
        ),
        "ranking": QuestionFactory(
            section=section, kind="ranking", text="Rank these", options=["Fares", "Frequency"]
        ),
        "number": QuestionFactory(section=section, kind="number", text="Trips a week"),
        "date": QuestionFactory(section=section, kind="date", text="Last trip"),
        "ward": QuestionFactory(section=section, kind="ward", text="Your ward"),
        "written": QuestionFactory(section=section, kind="long-text", text="What would help?"),
    }
    ids = {k: [o.pk for o in q.options.all()] for k, q in questions.items()}
    wards = list(Ward.objects.order_by("name")[:2])
    fares = AnswerTag.objects.create(consultation=consultation, name="Fares")
    AnswerTag.objects.create(consultation=consultation, name="Evening buses")
    for i in range(14):
        response = ResponseFactory(
            consultation=consultation, channel=("online", "paper", "phone")[min(i // 6, 2)]
        )
        values: dict[str, dict[str, Any]] = {
            "single": {"option_ids": [ids["single"][i % 2]]},
            "multiple": {"option_ids": ids["multiple"][: 1 + i % 3]},
            "scale": {"option_ids": [ids["scale"][i % 3]]},
            "ranking": {"option_ids": ids["ranking"][:: 1 if i % 2 else -1]},
            "number": {"number": Decimal(i)},
            "date": {"date": datetime.date(2026, 3, 1 + i)},
            "ward": {"ward_id": wards[0 if i < 11 else 1].pk},
            "written": {"text": f"Cheaper fares please ({i})"},
        }
        for key, fields in values.items():
            answer = Answer.objects.create(response=response, question=questions[key], **fields)
            if key == "written" and i == 0:
                answer.tags.add(fares)
    return {"consultation": consultation, "written": questions["written"]}


def _results(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _survey(request)["consultation"].slug}


def _answers(request: pytest.FixtureRequest) -> dict[str, Any]:
    made = _survey(request)
    return {"slug": made["consultation"].slug, "question": made["written"].pk}


def _outcome(request: pytest.FixtureRequest, *, publish: bool, days_ago: int = 20) -> Any:
    """A consultation with its outcome written and two decisions: one linked to a published
    action and to one still in review, one not accepted with its reason."""
    from engagement.models import ConsultationOutcome, OutcomeDecision
    from tests.factories import ActionFactory, ResponseFactory, UserFactory

    consultation = _closed("libraries", title="Library opening hours", days_ago=days_ago)
    for channel, count in (("online", 14), ("paper", 11), ("phone", 3)):
        for _ in range(count):
            ResponseFactory(consultation=consultation, channel=channel)
    outcome = ConsultationOutcome.objects.create(
        consultation=consultation,
        we_asked="When should libraries open?",
        you_said="Most of you asked for Saturday afternoons.\n\nMany asked for evenings too.",
        we_did="We will open every library on Saturday afternoons from April.",
    )
    accepted = OutcomeDecision.objects.create(
        outcome=outcome, text="Open on Saturday afternoons", decision="accepted", position=0
    )
    accepted.actions.set(
        [
            ActionFactory(reference="FT-031", title="Saturday library opening", progress=30),
            ActionFactory(reference="FT-032", title="Extra staff rota", review="submitted"),
        ]
    )
    OutcomeDecision.objects.create(
        outcome=outcome,
        text="Open until 9pm on weekdays",
        decision="rejected",
        reason="Few people use libraries after 7pm.",
        position=1,
    )
    if publish:
        from engagement.services.outcomes import outcome_publish

        outcome_publish(consultation=consultation, by=UserFactory())
    return consultation


def _published_outcome(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _outcome(request, publish=True).slug}


def _draft_outcome(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _outcome(request, publish=False).slug}


def _late_outcome(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _outcome(request, publish=False, days_ago=100).slug}


def _decision(request: pytest.FixtureRequest) -> dict[str, Any]:
    consultation = _outcome(request, publish=False)
    return {"slug": consultation.slug, "decision": consultation.outcome.decisions.first().pk}


def _action_carrying_out_a_decision(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The published action a published outcome links to: its page lists the outcome."""
    _outcome(request, publish=True)
    return {"reference": "FT-031"}


def _report_with_outcomes(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A draft progress report whose "Consultation outcomes" block has one outcome in it."""
    import datetime

    from django.utils import timezone

    from taskforce.models import ReportSection
    from taskforce.services.reports import report_create, report_section_add
    from tests.factories import UserFactory

    _outcome(request, publish=True)
    by = UserFactory()
    today = timezone.localdate()
    report = report_create(
        by=by,
        title="Progress this quarter",
        period_start=today - datetime.timedelta(days=90),
        period_end=today,
    )
    report_section_add(
        report=report,
        by=by,
        kind=ReportSection.Kind.CONSULTATION_OUTCOMES,
        heading="What residents told us",
    )
    return {"pk": report.pk}


def _outcome_list(request: pytest.FixtureRequest) -> None:
    _outcome(request, publish=True)
    _closed("parks", title="Parks and green spaces", days_ago=100)
    _closed("bins", title="Bin collections", days_ago=3, status="closed")
    return None


def _closed_without_public_results(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _closed("private", publish_results=False).slug}


PAGES: list[PageSpec] = [
    PageSpec("engagement-staff:results", persona="staff", setup=_results),
    PageSpec("engagement-staff:results-answers", persona="staff", setup=_answers),
    PageSpec("engagement-staff:coding-frame", persona="staff", setup=_results),
    PageSpec("engagement-staff:results", persona="resident", status=403, setup=_results),
    PageSpec("engagement:results", setup=_results),
    PageSpec("engagement:results", status=404, setup=_closed_without_public_results),
    PageSpec("engagement-staff:outcome-edit", persona="staff", setup=_draft_outcome),
    PageSpec("engagement-staff:outcome-edit", persona="staff", setup=_published_outcome),
    PageSpec("engagement-staff:outcome-decision-add", persona="staff", setup=_draft_outcome),
    PageSpec("engagement-staff:outcome-decision-edit", persona="staff", setup=_decision),
    PageSpec("engagement-staff:outcome-decision-delete", persona="staff", setup=_decision),
    PageSpec("engagement-staff:outcome-decision-new-action", persona="staff", setup=_decision),
    PageSpec("engagement-staff:outcome-publish", persona="staff", setup=_draft_outcome),
    PageSpec("engagement-staff:outcome-publish", persona="staff", setup=_late_outcome),
    PageSpec("engagement:outcome", setup=_published_outcome),
    PageSpec("engagement:outcome", persona="staff", setup=_draft_outcome),
    PageSpec("engagement:outcome", status=404, setup=_draft_outcome),
    PageSpec("engagement:outcome-list", setup=_outcome_list),
    # Taskforce pages showing what engagement registered there (taskforce/extensions.py).
    PageSpec("taskforce:action-detail", setup=_action_carrying_out_a_decision),
    PageSpec("taskforce-staff:report-preview", persona="staff", setup=_report_with_outcomes),
]
