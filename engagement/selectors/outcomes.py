"""Reads for "we asked, you said, we did": the public outcome pages and list, and the staff
outcome editor.

Linked taskforce actions are read through the taskforce's selector ``public_actions`` (the one
place that says which actions the public may see), never by filtering its models here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taskforce.extensions import ActionLink
from taskforce.selectors.tracker import public_actions
from taskforce.selectors.vocabulary import outcome_list

from ..models import Consultation, ConsultationOutcome, OutcomeDecision, OutcomeRequest

if TYPE_CHECKING:
    from taskforce.models import Action, Outcome
from .results import Row, channel_counts, channel_rows


def _decisions(*, public: bool) -> Prefetch:
    """The outcome's decisions in order, each with its published actions (status loaded) in
    `public_action_list` and how many actions are linked at all in `action_count`. For staff,
    every linked action, published or not, is in `.actions.all()` too."""
    decisions = OutcomeDecision.objects.annotate(action_count=Count("actions")).order_by(
        "position", "pk"
    )
    prefetches: list[Prefetch | str] = [
        Prefetch(
            "actions",
            queryset=public_actions().select_related("status").order_by("reference"),
            to_attr="public_action_list",
        )
    ]
    if not public:
        prefetches.append("actions__status")
    return Prefetch("decisions", queryset=decisions.prefetch_related(*prefetches))


def consultation_with_outcome(*, slug: str, public: bool = True) -> Consultation | None:
    """The consultation behind an outcome page, with its outcome (or none yet), its decisions
    and their actions. Three queries (one without an outcome; one more for staff)."""
    consultation = (
        Consultation.objects.select_related("outcome", "outcome__published_by")
        .filter(slug=slug)
        .first()
    )
    if consultation is None:
        return None
    outcome = getattr(consultation, "outcome", None)
    if outcome is not None:
        prefetch_related_objects([outcome], _decisions(public=public))
    return consultation


@dataclass(frozen=True)
class WhoWeHeardFrom:
    responses: int
    channels: list[Row]

    @property
    def suppressed(self) -> bool:
        return any(row.count is None for row in self.channels)


def who_we_heard_from(*, consultation: Consultation) -> WhoWeHeardFrom:
    """Submitted responses by channel, with small counts hidden (published beside the
    outcome). One query."""
    counts = channel_counts(consultation=consultation)
    return WhoWeHeardFrom(
        responses=sum(counts.values()), channels=channel_rows(counts=counts, public=True)
    )


def published_outcomes() -> QuerySet[ConsultationOutcome]:
    """Published outcomes, newest first, with their consultation and number of decisions."""
    return (
        ConsultationOutcome.objects.filter(published_at__isnull=False)
        .exclude(consultation__status=Consultation.Status.DRAFT)
        .select_related("consultation")
        .annotate(decision_count=Count("decisions"))
        .order_by("-published_at", "pk")
    )


@dataclass(frozen=True)
class AwaitingOutcome:
    consultation: Consultation
    closed_on: datetime.date
    days_since_closing: int
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.due

    @property
    def days_left(self) -> int:
        return (self.due - timezone.localdate()).days


def consultations_awaiting_outcome() -> list[AwaitingOutcome]:
    """Closed consultations whose outcome is not published yet, the longest waiting first,
    with days since closing and the date it is due. One query."""
    today = timezone.localdate()
    awaiting = []
    for consultation in Consultation.objects.filter(
        status__in=(Consultation.Status.CLOSED, Consultation.Status.AWAITING_OUTCOME)
    ).order_by("closes_at", "pk"):
        closed_on = timezone.localdate(consultation.closes_at)
        awaiting.append(
            AwaitingOutcome(
                consultation=consultation,
                closed_on=closed_on,
                days_since_closing=(today - closed_on).days,
                due=consultation.outcome_due,
            )
        )
    return awaiting


@dataclass(frozen=True)
class PublishAudience:
    respondents_waiting: int  # asked to hear back, not told yet
    respondents_told: int


def publish_audience(*, consultation: Consultation) -> PublishAudience:
    """How many respondents asked to hear the outcome, and how many have been told. One
    query."""
    counts = OutcomeRequest.objects.filter(consultation=consultation).aggregate(
        total=Count("pk"), told=Count("pk", filter=Q(notified_at__isnull=False))
    )
    return PublishAudience(
        respondents_waiting=counts["total"] - counts["told"], respondents_told=counts["told"]
    )


def taskforce_outcomes() -> QuerySet[Outcome]:
    """The taskforce's target outcomes a new action can serve."""
    return outcome_list()


def action_choices() -> QuerySet[Action]:
    """The published taskforce actions a decision may link to, by reference."""
    return public_actions().order_by("reference")


# --- What engagement adds to taskforce pages (registered in apps.py) ---------------------------


def outcomes_published_between(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The taskforce progress report's "Consultation outcomes" block: outcomes published from
    `start` to `end` (London dates, both included), oldest first, each with its decisions, in
    the shape the report freezes into its snapshot. Two queries."""
    outcomes = (
        ConsultationOutcome.objects.filter(
            published_at__isnull=False,
            published_at__date__gte=start,
            published_at__date__lte=end,
        )
        .exclude(consultation__status=Consultation.Status.DRAFT)
        .select_related("consultation")
        .prefetch_related("decisions")
        .order_by("published_at", "pk")
    )
    return {
        "consultations": [
            {
                "title": outcome.consultation.title,
                "url": reverse("engagement:outcome", kwargs={"slug": outcome.consultation.slug}),
                "published_on": timezone.localdate(outcome.published_at).isoformat(),
                "decisions": [
                    {"text": decision.text, "decision": str(decision.get_decision_display())}
                    for decision in outcome.decisions.all()
                ],
            }
            for outcome in outcomes
            if outcome.published_at is not None
        ]
    }


def outcome_links_for_action(action: Action) -> list[ActionLink]:
    """Published consultation outcomes with a decision this action carries out. One query."""
    outcomes = (
        ConsultationOutcome.objects.filter(published_at__isnull=False, decisions__actions=action)
        .exclude(consultation__status=Consultation.Status.DRAFT)
        .select_related("consultation")
        .distinct()
        .order_by("published_at", "pk")
    )
    return [
        ActionLink(
            kind=str(_("Consultation outcome")),
            title=outcome.consultation.title,
            url=reverse("engagement:outcome", kwargs={"slug": outcome.consultation.slug}),
        )
        for outcome in outcomes
    ]
