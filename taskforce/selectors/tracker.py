"""Reads for the public tracker, action pages, outcome pages and open data downloads.

The public sees an action only when it is published *and* public, and only the published
updates on it; every public read here goes through ``public_actions`` and
``published_updates`` so that rule lives in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Action, ActionStatus, ActionUpdate, Evidence, Milestone, Outcome


def public_actions() -> QuerySet[Action]:
    """Actions anyone may see: published after review and not internal."""
    return Action.objects.filter(
        review=Action.Review.PUBLISHED, visibility=Action.Visibility.PUBLIC
    )


def published_updates() -> QuerySet[ActionUpdate]:
    """Updates anyone may see on a visible action: published after review."""
    return ActionUpdate.objects.filter(review=ActionUpdate.Review.PUBLISHED)


def _last_published_update() -> Subquery:
    # A correlated subquery, evaluated only for the rows on the page, served by the
    # tf_update_timeline index; Action.last_update_at also moves for updates still in review.
    return Subquery(
        published_updates()
        .filter(action=OuterRef("pk"))
        .order_by("-published_at")
        .values("published_at")[:1]
    )


def tracker_action_list(*, actions: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """Public actions (optionally already narrowed by a filter) with everything a tracker card
    shows, in a fixed number of queries whatever the page size."""
    base = actions if actions is not None else public_actions()
    return (
        base.filter(review=Action.Review.PUBLISHED, visibility=Action.Visibility.PUBLIC)
        .select_related("status", "commitment", "lead_member", "parent")
        .annotate(last_published_update_at=_last_published_update())
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("number")),
            "wards",
            "groups",
            Prefetch(
                "sub_actions",
                queryset=public_actions().select_related("status").order_by("reference"),
                to_attr="public_sub_actions",
            ),
        )
        .order_by("reference")
    )


def download_action_list(*, actions: QuerySet[Action]) -> QuerySet[Action]:
    """The tracker's actions for the open data files (no sub-action cards needed)."""
    return (
        actions.filter(review=Action.Review.PUBLISHED, visibility=Action.Visibility.PUBLIC)
        .select_related("status", "commitment", "lead_member", "parent")
        .annotate(last_published_update_at=_last_published_update())
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("number")), "wards", "groups"
        )
        .order_by("reference")
    )


# The order the summary reads in: "12 actions: 7 on track, 3 at risk, 2 done".
SUMMARY_ORDER = [
    ActionStatus.Group.ON_TRACK,
    ActionStatus.Group.AT_RISK,
    ActionStatus.Group.DONE,
    ActionStatus.Group.NOT_STARTED,
    ActionStatus.Group.STOPPED,
]


@dataclass
class OutcomeSummary:
    """How many public actions serve an outcome, counted by what their status counts as."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def parts(self) -> list[tuple[str, str, int]]:
        """(group value, label, count) for each group with at least one action, in order."""
        return [
            (group.value, str(group.label), self.counts[group.value])
            for group in SUMMARY_ORDER
            if self.counts.get(group.value)
        ]

    @property
    def text(self) -> str:
        if not self.total:
            return _("No public actions yet")
        head = ngettext("%(count)s action", "%(count)s actions", self.total) % {"count": self.total}
        details = ", ".join(f"{count} {label}" for _value, label, count in self.parts)
        return f"{head}: {details}" if details else head


def outcome_summaries(*, outcomes: Iterable[Outcome]) -> dict[int, OutcomeSummary]:
    """A summary for each outcome, keyed by outcome id, from one grouped query."""
    summaries: dict[int, OutcomeSummary] = defaultdict(OutcomeSummary)
    ids = [outcome.pk for outcome in outcomes]
    rows = (
        public_actions()
        .filter(outcomes__in=ids)
        .values("outcomes", "status__summary_group")
        # Grouped by outcome, each action appears once per group (the M2M link is unique), so
        # a plain count is exact; DISTINCT would only add a sort (measured ~20% of the query).
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        summary = summaries[row["outcomes"]]
        summary.counts[row["status__summary_group"]] = row["count"]
        summary.total += row["count"]
    return {pk: summaries[pk] for pk in ids}


def outcome_with_summary(*, outcome: Outcome) -> OutcomeSummary:
    return outcome_summaries(outcomes=[outcome])[outcome.pk]


def action_for_page(*, reference: str) -> Action | None:
    """The action behind /taskforce/actions/<reference>/, whatever its visibility (the view
    decides who may see it), with what its page shows."""
    return (
        Action.objects.select_related("status", "commitment", "lead_member", "parent")
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("number")),
            "wards",
            "groups",
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "position")),
        )
        .filter(reference=reference)
        .first()
    )


def action_sub_actions(*, action: Action, include_unpublished: bool) -> QuerySet[Action]:
    """The parts of an action; people who may see unpublished actions see every part."""
    parts = Action.objects.all() if include_unpublished else public_actions()
    return parts.filter(parent=action).select_related("status").order_by("reference")


def action_timeline(*, action: Action) -> QuerySet[ActionUpdate]:
    """The action's published updates, newest first, with what each changed and its evidence."""
    return (
        published_updates()
        .filter(action=action)
        .select_related("status_before", "status_after")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("created_at")))
        .order_by("-published_at", "-pk")
    )


def outcome_for_page(*, slug: str) -> Outcome | None:
    return Outcome.objects.select_related("priority").filter(slug=slug).first()
