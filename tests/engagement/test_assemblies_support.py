"""Shared set-up for the citizens' assembly tests (a small pool, a draw run to the end), and
the tests of the selection module on its own: its input digest and the child process."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from engagement.models import (
    Assembly,
    FeatureCategory,
    SelectionRun,
    StratificationFeature,
    Volunteer,
)
from engagement.services import assemblies as services
from engagement.services import sortition
from luton2040.accounts.models import User

from ..factories import AssemblyFactory

# A small pool keeps each draw to a couple of seconds: 30 volunteers, 6 seats, 2 reserves, and
# two features, each answer with a quota around its share of the seats.
POOL, SEATS, RESERVES = 30, 6, 2
SMALL_FEATURES: dict[str, list[tuple[str, int, int]]] = {
    "sex": [("female", 2, 4), ("male", 2, 4)],
    "age": [("younger", 1, 3), ("middle", 1, 3), ("older", 1, 2)],
}


def make_pool(
    *,
    volunteers: int = POOL,
    seats: int = SEATS,
    reserves: int = RESERVES,
    features: Mapping[str, Sequence[tuple[str, int, int]]] = SMALL_FEATURES,
    answers: Sequence[Mapping[str, str]] | None = None,
    status: str = Assembly.Status.RECRUITING,
    rng_seed: int = 1,
    **assembly_fields: Any,
) -> Assembly:
    """An assembly with the given features (key -> [(answer, fewest, most)]) and a pool of
    volunteers, each with an answer to every feature: from ``answers`` if given, else drawn
    by a seeded generator so every run of the test sees the same pool."""
    assembly = AssemblyFactory(
        target_size=seats, reserves=reserves, status=status, **assembly_fields
    )
    categories: dict[tuple[str, str], FeatureCategory] = {}
    for position, (key, rows) in enumerate(features.items()):
        feature = StratificationFeature.objects.create(
            assembly=assembly,
            key=key,
            name=key.capitalize(),
            question=f"What is your {key}?",
            position=position,
        )
        for index, (answer, low, high) in enumerate(rows):
            categories[key, answer] = FeatureCategory.objects.create(
                feature=feature,
                key=answer,
                label=answer.capitalize(),
                min_seats=low,
                max_seats=high,
                position=index,
            )
    rng = random.Random(rng_seed)  # noqa: S311 - a repeatable pool, not a secret
    if answers is None:
        answers = [
            {key: rng.choice(rows)[0] for key, rows in features.items()} for _ in range(volunteers)
        ]
    made = Volunteer.objects.bulk_create(
        Volunteer(
            assembly=assembly,
            name=f"Volunteer {number:03d}",
            email=f"volunteer{number:03d}@example.org",
            postcode="LU1 2BQ",
        )
        for number in range(1, len(answers) + 1)
    )
    through = Volunteer.categories.through
    through.objects.bulk_create(
        through(volunteer_id=volunteer.pk, featurecategory_id=categories[key, value].pk)
        for volunteer, given in zip(made, answers, strict=True)
        for key, value in given.items()
    )
    return assembly


def run_draw(
    assembly: Assembly, *, by: User, capture: Any, seed: int | None = None
) -> SelectionRun:
    """Request a draw and let its task run (Celery runs tasks in-process in tests)."""
    with capture(execute=True):
        run = services.selection_run_request(assembly=assembly, by=by, seed=seed)
    run.refresh_from_db()
    return run


def selected_answers(run: SelectionRun) -> list[set[tuple[str, str]]]:
    """Each chosen member's answers, read from the database (not from the draw's own table)."""
    members = Volunteer.objects.filter(pk__in=run.result["selected"]).prefetch_related(
        "categories__feature"
    )
    return [{(c.feature.key, c.key) for c in member.categories.all()} for member in members]


# --- The selection module on its own ---------------------------------------------------------


def _input(people: list[dict[str, Any]], seed: int = 7) -> dict[str, Any]:
    return {
        "seed": seed,
        "algorithm": "maximin",
        "size": 4,
        "reserves": 1,
        "features": [
            {
                "key": "sex",
                "categories": [{"key": "f", "min": 1, "max": 3}, {"key": "m", "min": 1, "max": 3}],
            }
        ],
        "people": people,
    }


def _people(count: int) -> list[dict[str, Any]]:
    return [{"id": n, "answers": {"sex": "f" if n % 2 else "m"}} for n in range(1, count + 1)]


def test_the_digest_ignores_order_and_seed_but_not_the_pool_or_quotas() -> None:
    people = _people(10)
    digest = sortition.input_digest(_input(people))
    assert sortition.input_digest(_input(list(reversed(people)), seed=99)) == digest
    assert sortition.input_digest(_input(people[:-1])) != digest
    changed = _input(people)
    changed["features"][0]["categories"][0]["max"] = 4
    assert sortition.input_digest(changed) != digest


def test_the_child_reports_progress_and_the_chances_add_up_to_the_seats() -> None:
    events: list[dict[str, Any]] = []
    outcome = sortition.draw_in_child(_input(_people(12)), on_progress=events.append, timeout=120)
    assert outcome["status"] == "done"
    assert len(outcome["selected"]) == 4 and len(outcome["reserves"]) == 1
    assert not set(outcome["selected"]) & set(outcome["reserves"])
    # Every volunteer has a chance, from the library's distribution over panels.
    assert set(outcome["probabilities"]) == {str(n) for n in range(1, 13)}
    assert abs(sum(outcome["probabilities"].values()) - 4) < 0.01
    stages = {(event["stage"], event.get("phase")) for event in events}
    assert ("checking", None) in stages and ("members", "committees") in stages
    percents = [event["percent"] for event in events]
    assert percents == sorted(percents) and percents[-1] < 100


def test_a_child_that_runs_out_of_time_is_stopped_and_says_so() -> None:
    try:
        sortition.draw_in_child(_input(_people(12)), on_progress=lambda event: None, timeout=0.01)
    except sortition.DrawFailed as error:
        assert "ran out of time" in str(error)
    else:
        raise AssertionError("the draw should have been stopped")
