"""Member-side reads: my actions, the review queue, an action to edit, evidence to download.

Public reads (the tracker, the action page) live in selectors/tracker.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from ..models import Action, ActionUpdate, Evidence, Milestone

if TYPE_CHECKING:
    from luton2040.accounts.models import User

# What needs doing first on "My actions": returned for changes, then drafts, then waiting,
# then published.
_REVIEW_ORDER = [
    Action.Review.RETURNED,
    Action.Review.DRAFT,
    Action.Review.SUBMITTED,
    Action.Review.PUBLISHED,
]


def my_action_list(*, user: User) -> QuerySet[Action]:
    """Actions the user leads or created, with their status, how many of their updates wait for
    review or came back, in a fixed number of queries."""
    return (
        Action.objects.filter(Q(lead_member=user) | Q(created_by=user))
        .select_related("status", "parent")
        .annotate(
            updates_waiting=Count(
                "updates", filter=Q(updates__review=ActionUpdate.Review.SUBMITTED)
            ),
            updates_returned=Count(
                "updates", filter=Q(updates__review=ActionUpdate.Review.RETURNED)
            ),
            review_rank=Case(
                *(
                    When(review=review, then=Value(rank))
                    for rank, review in enumerate(_REVIEW_ORDER)
                ),
                output_field=IntegerField(),
            ),
        )
        .order_by("review_rank", "reference")
    )


def my_returned_updates(*, user: User) -> QuerySet[ActionUpdate]:
    """The user's updates a reviewer sent back, newest first, with the note saying why."""
    return (
        ActionUpdate.objects.filter(author=user, review=ActionUpdate.Review.RETURNED)
        .select_related("action")
        .order_by("-created_at")
    )


def review_queue_actions() -> QuerySet[Action]:
    """Actions waiting for review, the longest-waiting first."""
    return (
        Action.objects.filter(review=Action.Review.SUBMITTED)
        .select_related("status", "created_by", "lead_member")
        .order_by("submitted_at", "pk")
    )


def review_queue_updates() -> QuerySet[ActionUpdate]:
    """Updates waiting for review, oldest first, with their action and how much evidence."""
    return (
        ActionUpdate.objects.filter(review=ActionUpdate.Review.SUBMITTED)
        .select_related("action", "author", "status_after")
        .annotate(evidence_count=Count("evidence"))
        .order_by("created_at", "pk")
    )


def action_for_member(*, reference: str) -> Action | None:
    """An action with what the edit and review pages show, whatever its state."""
    return (
        Action.objects.select_related("status", "commitment", "lead_member", "parent", "created_by")
        .prefetch_related(
            "outcomes",
            "wards",
            "groups",
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "position")),
        )
        .filter(reference=reference)
        .first()
    )


def update_for_review(*, pk: int) -> ActionUpdate | None:
    """An update with its action, author, changes and evidence."""
    return (
        ActionUpdate.objects.select_related(
            "action", "action__status", "author", "status_before", "status_after"
        )
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .filter(pk=pk)
        .first()
    )


def evidence_for_download(*, pk: int) -> Evidence | None:
    """A piece of evidence with the update and action its permission depends on."""
    return Evidence.objects.select_related("update", "update__action").filter(pk=pk).first()


def parent_choices(*, exclude: Action | None = None) -> QuerySet[Action]:
    """Actions a new or edited action may be part of: any but itself and its own sub-actions
    (two levels deep is as far as the tracker nests; deeper cycles are refused by the
    service)."""
    actions = Action.objects.only("pk", "reference", "title").order_by("reference")
    if exclude is not None and exclude.pk is not None:
        actions = actions.exclude(pk=exclude.pk).exclude(parent=exclude)
    return actions
