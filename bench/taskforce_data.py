"""Taskforce rows for the benchmark: bulk-written, labelled, and removed afterwards.

The generator itself is `taskforce.demo.generate_actions`, the one `seed_demo --scale N` uses for
its "DEMO-G" actions (as bench/bench_data.py uses `hubs.demo.generate_directory`): the app never
imports from bench/, which is not deployed. This module only gives the bench rows their own
prefix and label, so they can never be mistaken for demo data: references start "BENCH-", titles
end "(bench data)", and `remove_taskforce()` deletes exactly them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q

from taskforce.demo import MEMBER_EMAIL, generate_actions
from taskforce.models import Action, ActionUpdate, Evidence, Milestone, Outcome

PREFIX = "BENCH-"
LABEL = "(bench data)"


@dataclass(frozen=True)
class Seeded:
    actions_created: int
    updates_created: int
    seconds: float


def seed_taskforce(*, actions: int, updates_per_action: int) -> Seeded:
    """Bring the bench actions up to `actions`, each with `updates_per_action` updates, then
    ANALYZE (as autovacuum would after a bulk import, so the planner sees the real row counts)."""
    start = time.perf_counter()
    lead = get_user_model().objects.filter(email=MEMBER_EMAIL).first()
    with transaction.atomic():
        made, updates = generate_actions(
            reference_prefix=PREFIX,
            title_suffix=LABEL,
            wanted=actions,
            updates_per_action=updates_per_action,
            lead_member=lead,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Seeded(made, updates, time.perf_counter() - start)


def counts() -> dict[str, int]:
    """What the benchmark measures against: its own rows and everything else public."""
    bench = Action.objects.filter(reference__startswith=PREFIX)
    return {
        "bench actions": bench.count(),
        "bench updates": ActionUpdate.objects.filter(action__in=bench).count(),
        "public actions (all)": Action.objects.filter(
            review=Action.Review.PUBLISHED, visibility=Action.Visibility.PUBLIC
        ).count(),
        "updates (all)": ActionUpdate.objects.count(),
    }


def busiest_outcome_slug() -> str:
    """The outcome with the most public bench actions: the outcome page's worst case."""
    slug = (
        Outcome.objects.annotate(
            bench=Count("actions", filter=Q(actions__reference__startswith=PREFIX))
        )
        .order_by("-bench", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    if slug is None:
        raise RuntimeError("No outcomes: run seed_demo (or migrate and seed_taskforce) first.")
    return slug


@transaction.atomic
def remove_taskforce() -> None:
    """Delete every bench row: evidence and updates first, in bulk, then the actions (their
    outcome, ward and group links go with them)."""
    bench = Action.objects.filter(reference__startswith=PREFIX)
    Evidence.objects.filter(update__action__in=bench).delete()
    # _raw_delete: 50,000 updates in one statement, without loading them to cascade to
    # evidence (already gone above).
    updates = ActionUpdate.objects.filter(action__in=bench)
    updates._raw_delete(updates.db)
    Milestone.objects.filter(action__in=bench).delete()
    bench.filter(parent__isnull=False).delete()
    bench.delete()
