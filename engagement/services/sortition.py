"""Selection by lot for citizens' assemblies, done by the Sortition Foundation's
``sortition-algorithms`` (maximin or Nash), in a child Python process.

Why a child process:

- Replay. The library keeps panels in sets of person ids; Python randomises string hashing per
  process, so set order, and with it the panel a given seed picks, changes from one process to
  the next. The child runs with PYTHONHASHSEED=0, so the same seed and the same input choose the
  same members today, next year, or on an auditor's machine running the library's own code.
- The library seeds Python's global ``random`` with the draw's seed, which is published. Doing
  that inside a Celery worker would make every later use of ``random`` there predictable.
- A draw of a large pool can take minutes; a child can be stopped at its time limit.

This module imports nothing from Django or the project: the child runs this file as a script.
The input is plain JSON (see ``draw``), built by services/assemblies.py from the database.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from typing import Any

ProgressEvent = dict[str, Any]
DrawInput = dict[str, Any]
DrawOutcome = dict[str, Any]

# The columns the library reads, in its own vocabulary ("feature", "value").
FEATURE_HEAD = ["feature", "value", "min", "max"]
ID_COLUMN = "volunteer"
ALGORITHMS = ("maximin", "nash")
RESERVE_ALGORITHM = "legacy"

# Where each stage sits on the 0-100 progress bar staff watch.
_MAIN_WINDOW = (5, 88)
_RESERVE_WINDOW = (90, 98)


class DrawFailed(Exception):
    """The child stopped without an answer (crashed, or ran out of time)."""


# --- The input, and its digest ------------------------------------------------------------


def feature_rows(draw_input: DrawInput) -> list[dict[str, str]]:
    """The quotas as the library's features table: one row per category."""
    return [
        {
            "feature": feature["key"],
            "value": category["key"],
            "min": str(category["min"]),
            "max": str(category["max"]),
        }
        for feature in draw_input["features"]
        for category in feature["categories"]
    ]


def people_rows(draw_input: DrawInput) -> list[dict[str, str]]:
    """The pool as the library's people table, sorted by volunteer id: the order people are
    added in is part of what the draw depends on, so it must not depend on a query's order."""
    keys = [feature["key"] for feature in draw_input["features"]]
    rows = [
        {ID_COLUMN: str(person["id"]), **{key: person["answers"][key] for key in keys}}
        for person in draw_input["people"]
    ]
    return sorted(rows, key=lambda row: int(row[ID_COLUMN]))


def input_digest(draw_input: DrawInput) -> str:
    """SHA-256 of everything a draw reads except the seed: the sorted pool rows, the quota
    rows, the number of members and reserves and the method. Two draws with equal digests and
    seeds choose the same people; a replay whose digest differs cannot reproduce the first."""
    lines = [
        json.dumps(
            {
                "size": draw_input["size"],
                "reserves": draw_input["reserves"],
                "algorithm": draw_input["algorithm"],
            },
            sort_keys=True,
        ),
        *(json.dumps(row, sort_keys=True) for row in feature_rows(draw_input)),
        *(json.dumps(row, sort_keys=True) for row in people_rows(draw_input)),
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def library_version() -> str:
    return metadata.version("sortition-algorithms")


# --- Progress -------------------------------------------------------------------------------


class _Progress:
    """The library's ProgressReporter, turned into events on a 0-100 scale within a window.

    The library reports two phases: a fixed number of rounds finding varied panels, then an
    optimisation loop with no known length. The first fills two thirds of the window; the
    second creeps towards its end.
    """

    def __init__(self, emit: Callable[[ProgressEvent], None], stage: str) -> None:
        self.emit = emit
        self.stage = stage
        self.window = _MAIN_WINDOW
        self.phase = ""
        self.total: int | None = None
        self.last_sent = 0.0

    def start_phase(
        self, name: str, total: int | None = None, *, message: str | None = None
    ) -> None:
        self.phase, self.total = name, total
        self._send(0, force=True)

    def update(self, current: int, *, message: str | None = None) -> None:
        self._send(current)

    def end_phase(self) -> None:
        pass

    def _send(self, current: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_sent < 0.5:  # the parent writes each one to the database
            return
        self.last_sent = now
        low, high = self.window
        split = low + (high - low) * 2 / 3
        if self.phase == "multiplicative_weights" and self.total:
            percent = low + (split - low) * current / self.total
        else:
            percent = split + (high - split) * (1 - 0.85**current)
        self.emit(
            {
                "type": "progress",
                "stage": self.stage,
                "phase": "committees" if self.phase == "multiplicative_weights" else "balancing",
                "current": current,
                "total": self.total,
                "percent": int(percent),
            }
        )


# --- Explaining quotas that cannot be met ---------------------------------------------------


def _quota_issues(draw_input: DrawInput) -> list[dict[str, Any]]:
    """Problems visible before any solving: the quotas contradict the number of seats or each
    other, the pool is too small, or too few volunteers are in a category for its minimum.
    Uses the library's structured reports."""
    from sortition_algorithms import (
        check_people_per_feature_value,
        report_min_max_against_number_to_select_structured,
        report_min_max_error_details_structured,
    )
    from sortition_algorithms.features import FeatureValueMinMax
    from sortition_algorithms.people import People

    size = draw_input["size"]
    issues: list[dict[str, Any]] = []
    if len(draw_input["people"]) < size:
        issues.append({"kind": "pool-too-small", "pool": len(draw_input["people"]), "size": size})
    quotas = {
        feature["key"]: {
            category["key"]: FeatureValueMinMax(min=category["min"], max=category["max"])
            for category in feature["categories"]
        }
        for feature in draw_input["features"]
    }
    for issue in report_min_max_against_number_to_select_structured(quotas, size):  # type: ignore[arg-type]
        issues.append(
            {
                "kind": (
                    "minimums-above-size"
                    if issue.issue_type == "min_exceeds_number_to_select"
                    else "maximums-below-size"
                ),
                "feature": issue.feature_name,
                "total": issue.feature_sum,
                "size": issue.limit,
            }
        )
    if not issues:
        for issue in report_min_max_error_details_structured(quotas):  # type: ignore[arg-type]
            issues.append(
                {
                    "kind": "features-disagree",
                    "minimum_feature": issue.largest_minimum_feature,
                    "minimum_total": issue.largest_minimum_value,
                    "maximum_feature": issue.smallest_maximum_feature,
                    "maximum_total": issue.smallest_maximum_value,
                }
            )
    people = People(columns_to_keep=[])
    for row_number, row in enumerate(people_rows(draw_input), start=2):
        people.add(row[ID_COLUMN], row, quotas, row_number)  # type: ignore[arg-type]
    for check in check_people_per_feature_value(quotas, people):  # type: ignore[arg-type]
        issues.append(
            {
                "kind": "too-few-volunteers",
                "feature": check.feature_name,
                "category": check.value_name,
                "min": check.min_required,
                "volunteers": check.actual_count,
            }
        )
    return issues


def _relaxation_issues(draw_input: DrawInput, relaxed: Any) -> list[dict[str, Any]]:
    """The library's smallest change to the quotas that would make a panel possible (from
    InfeasibleQuotasError.features), one entry per category whose fewest or most must move."""
    issues = []
    for feature in draw_input["features"]:
        for category in feature["categories"]:
            suggestion = relaxed[feature["key"]][category["key"]]
            for bound in ("min", "max"):
                if getattr(suggestion, bound) != category[bound]:
                    issues.append(
                        {
                            "kind": f"relax-{bound}",
                            "feature": feature["key"],
                            "category": category["key"],
                            "from": category[bound],
                            "to": getattr(suggestion, bound),
                        }
                    )
    return issues


# --- The draw -------------------------------------------------------------------------------


def _marginals(report: Any) -> dict[str, float]:
    """Each volunteer's chance of selection under the library's distribution over panels, from
    the table its run report carries ("Agent ID", "Probability of selection" as "12.3456%")."""
    for element in report.serialize().get("_data", []):
        headers = element.get("headers") if isinstance(element, dict) else None
        if headers and headers[:2] == ["Agent ID", "Probability of selection"]:
            return {str(row[0]): float(str(row[1]).rstrip("%")) / 100 for row in element["data"]}
    return {}


def _stratify(
    draw_input: DrawInput,
    rows: Sequence[Mapping[str, str]],
    quotas: Sequence[Mapping[str, str]],
    size: int,
    progress: _Progress,
    *,
    algorithm: str,
) -> tuple[bool, list[str], Any]:
    """One call of the library's run_stratification; (succeeded, chosen ids, run report)."""
    from sortition_algorithms import Settings, read_in_features, read_in_people, run_stratification

    features, _feature_column, _value_column = read_in_features(
        FEATURE_HEAD, [dict(row) for row in quotas]
    )
    settings = Settings(
        id_column=ID_COLUMN,
        columns_to_keep=[],
        selection_algorithm=algorithm,
        random_number_seed=int(draw_input["seed"]),
    )
    head = [ID_COLUMN, *(feature["key"] for feature in draw_input["features"])]
    people, _report = read_in_people(head, [dict(row) for row in rows], features, settings)
    succeeded, panels, report = run_stratification(
        features, people, size, settings, progress_reporter=progress
    )
    return succeeded, sorted(panels[0], key=int) if succeeded else [], report


def _reserve_quotas(draw_input: DrawInput, reserves: int, level: str) -> list[dict[str, str]]:
    """Quotas for the reserves: the members' quotas scaled to the number of reserves; then,
    if the rest of the pool cannot meet those, without the minimums; then no quotas at all."""
    size = draw_input["size"]
    rows = []
    for row in feature_rows(draw_input):
        low, high = int(row["min"]), int(row["max"])
        if level == "scaled":
            low, high = math.floor(low * reserves / size), math.ceil(high * reserves / size)
        elif level == "no-minimums":
            low, high = 0, math.ceil(high * reserves / size)
        else:
            low, high = 0, reserves
        rows.append({**row, "min": str(low), "max": str(high)})
    return rows


def _draw_reserves(
    draw_input: DrawInput, selected: list[str], emit: Callable[[ProgressEvent], None]
) -> tuple[list[str], str]:
    """A second draw, by the same method and seed, from the volunteers not chosen as members.
    Returns the reserves in the order to call them (a shuffle seeded by the draw's seed) and
    which quotas held."""
    chosen = set(selected)
    rest = [row for row in people_rows(draw_input) if row[ID_COLUMN] not in chosen]
    wanted = min(int(draw_input["reserves"]), len(rest))
    if wanted <= 0:
        return [], "none-needed"
    progress = _Progress(emit, "reserves")
    progress.window = _RESERVE_WINDOW
    for level in ("scaled", "no-minimums", "none"):
        quotas = _reserve_quotas(draw_input, wanted, level)
        succeeded, reserves, _report = _stratify(
            draw_input, rest, quotas, wanted, progress, algorithm=RESERVE_ALGORITHM
        )
        if succeeded:
            # Not for secrecy: a published seed must give the same order to anyone replaying.
            random.Random(int(draw_input["seed"])).shuffle(reserves)  # noqa: S311
            return reserves, level
    return [], "failed"


def draw(draw_input: DrawInput, emit: Callable[[ProgressEvent], None]) -> DrawOutcome:
    """Choose ``size`` members and ``reserves`` reserves from ``people``.

    draw_input: {"seed": int (not 0), "algorithm": "maximin" | "nash", "size": int,
    "reserves": int, "features": [{"key": str, "categories": [{"key": str, "min": int,
    "max": int}]}], "people": [{"id": int, "answers": {feature key: category key}}]}.

    Returns {"status": "done", "selected": [ids], "reserves": [ids, in order],
    "probabilities": {id: chance}, "reserve_quotas": str, ...} or {"status": "infeasible",
    "issues": [...]} naming each quota that cannot be met and why.
    """
    from sortition_algorithms import InfeasibleQuotasCantRelaxError, InfeasibleQuotasError

    started, cpu_started = time.monotonic(), time.process_time()
    emit({"type": "progress", "stage": "checking", "percent": 2})
    common = {"library_version": library_version(), "digest": input_digest(draw_input)}
    issues = _quota_issues(draw_input)
    if issues:
        return {**common, "status": "infeasible", "issues": issues}

    progress = _Progress(emit, "members")
    succeeded, selected, report = _stratify(
        draw_input,
        people_rows(draw_input),
        feature_rows(draw_input),
        int(draw_input["size"]),
        progress,
        algorithm=draw_input["algorithm"],
    )
    if not succeeded:
        error = report.last_error()
        if isinstance(error, InfeasibleQuotasError):
            return {
                **common,
                "status": "infeasible",
                "issues": _relaxation_issues(draw_input, error.features),
            }
        if isinstance(error, InfeasibleQuotasCantRelaxError):
            return {**common, "status": "infeasible", "issues": [{"kind": "cannot-relax"}]}
        return {**common, "status": "failed", "error": str(error)}

    reserves, reserve_quotas = _draw_reserves(draw_input, selected, emit)
    return {
        **common,
        "status": "done",
        "selected": [int(pk) for pk in selected],
        "reserves": [int(pk) for pk in reserves],
        "reserve_quotas": reserve_quotas,
        "probabilities": _marginals(report),
        "seconds": round(time.monotonic() - started, 1),
        # Processor time, which does not depend on how busy the machine is.
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
    }


# --- Running it in a child process ------------------------------------------------------------


def draw_in_child(
    draw_input: DrawInput,
    *,
    on_progress: Callable[[ProgressEvent], None],
    timeout: float,
) -> DrawOutcome:
    """Run ``draw`` in a fresh Python with a fixed hash seed (see the module docstring), passing
    its progress events to ``on_progress``. Raises DrawFailed if it stops without an answer."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    outcome: DrawOutcome | None = None
    with (
        tempfile.TemporaryFile(mode="w+") as given,
        tempfile.TemporaryFile(mode="w+") as errors,
    ):
        # The input goes in a file, not a pipe: a child that dies early cannot break a write.
        json.dump(draw_input, given)
        given.seek(0)
        with subprocess.Popen(  # noqa: S603 - our own interpreter and file, no shell
            [sys.executable, os.path.abspath(__file__)],
            stdin=given,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        ) as child:
            outcome = _follow(child, on_progress=on_progress, timeout=timeout)
        if outcome is None:
            errors.seek(0)
            detail = errors.read()[-1500:].strip()
            reason = "it ran out of time" if child.returncode < 0 else "it stopped"
            raise DrawFailed(f"The draw did not finish: {reason}. {detail}".strip())
    return outcome


def _follow(
    child: subprocess.Popen[str],
    *,
    on_progress: Callable[[ProgressEvent], None],
    timeout: float,
) -> DrawOutcome | None:
    """Read the child's events until it ends (or is stopped at ``timeout`` seconds)."""
    outcome: DrawOutcome | None = None
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        if child.stdout is None:  # a pipe was asked for
            return None
        for line in child.stdout:
            event = json.loads(line)
            if event["type"] == "progress":
                on_progress(event)
            elif event["type"] == "result":
                outcome = event["outcome"]
        child.wait()
    finally:
        timer.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
    return outcome


def main() -> None:
    """The child: read the input as JSON on stdin, write events as JSON lines on stdout."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    # The solver and the library's logging print to stdout; keep them out of the protocol.
    os.dup2(2, 1)

    def emit(event: ProgressEvent) -> None:
        protocol.write(json.dumps(event) + "\n")

    draw_input = json.load(sys.stdin)
    emit({"type": "result", "outcome": draw(draw_input, emit)})
    protocol.close()


if __name__ == "__main__":
    main()
