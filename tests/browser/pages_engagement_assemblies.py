"""Sweep entries for engagement's citizens' assembly pages (see test_pages.py): the public
list, an assembly at each stage, registering interest, and every council staff page, including
a draw running, finished and impossible."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from .pagespec import PageSpec


def _assembly(request: pytest.FixtureRequest, **kwargs: Any) -> Any:
    """An assembly with two features, a pool of volunteers and a session."""
    from django.utils import timezone

    from engagement.models import AssemblySession

    from ..engagement.test_assemblies_support import make_pool

    assembly = make_pool(title="Cost of living assembly", **kwargs)
    start = timezone.make_aware(datetime.datetime(2027, 3, 6, 10, 0))
    AssemblySession.objects.create(
        assembly=assembly,
        title="Session 1: learning",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=6),
        place="Luton Central Library",
    )
    return assembly


def _finished_run(assembly: Any, *, status: str = "done", confirmed: bool = False) -> Any:
    """A draw as the task leaves it, made without running the solver (the sweep checks pages,
    not the draw): the first volunteers chosen, the next two reserves."""
    from engagement.models import SelectionRun
    from engagement.selectors import assemblies as selectors
    from engagement.services import assemblies as services
    from engagement.services import sortition

    draw_input = selectors.draw_input(assembly=assembly, seed=184467, algorithm="maximin")
    ids = [person["id"] for person in draw_input["people"]]
    size = assembly.target_size
    outcome: dict[str, Any] = {
        "status": status,
        "library_version": sortition.library_version(),
        "digest": sortition.input_digest(draw_input),
        "seconds": 2.5,
    }
    if status == "done":
        outcome.update(
            selected=ids[:size],
            reserves=ids[size : size + 2],
            reserve_quotas="scaled",
            probabilities={str(pk): size / len(ids) for pk in ids},
        )
    else:
        outcome["issues"] = [
            {
                "kind": "too-few-volunteers",
                "feature": "age",
                "category": "older",
                "min": 9,
                "volunteers": 4,
            }
        ]
    return SelectionRun.objects.create(
        assembly=assembly,
        seed=184467,
        algorithm="maximin",
        status=status,
        progress=100,
        message="Done.",
        pool_digest=outcome["digest"],
        confirmed=confirmed,
        finished_at=datetime.datetime(2027, 2, 3, 12, 0, tzinfo=datetime.UTC),
        result={
            "features": draw_input["features"],
            "size": size,
            "reserves_wanted": assembly.reserves,
            "pool_size": len(ids),
            "left_out": 0,
            **outcome,
            "quotas": services.quota_table(draw_input, outcome),
        },
    )


def _responded(request: pytest.FixtureRequest) -> Any:
    """An assembly whose members were drawn and whose recommendations the council answered,
    one of them carried out by a public taskforce action."""
    from engagement.models import Assembly, Decision, Recommendation, Volunteer

    from ..factories import ActionFactory

    assembly = _assembly(request, status=Assembly.Status.RESPONDED)
    run = _finished_run(assembly, confirmed=True)
    Volunteer.objects.filter(pk__in=run.result["selected"]).update(status="selected")
    action = ActionFactory(title="Free buses to warm spaces", progress=40)
    accepted = Recommendation.objects.create(
        assembly=assembly,
        number=1,
        title="Warm buses",
        text="Run free buses to warm spaces in winter.",
        support=87,
        response=Decision.ACCEPTED,
        response_reason="It helps people who cannot heat their homes.",
    )
    accepted.actions.set([action])
    Recommendation.objects.create(
        assembly=assembly,
        number=2,
        title="A food hall in every ward",
        text="Open a food hall in every ward.",
        response=Decision.REJECTED,
        response_reason="There is no site in most wards; the council will fund food banks instead.",
    )
    return assembly


def _slug(assembly: Any) -> dict[str, Any]:
    return {"slug": assembly.slug}


def _list(request: pytest.FixtureRequest) -> None:
    _assembly(request)
    _responded(request)


def _recruiting_slug(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _slug(_assembly(request, volunteers=0))


def _closed_slug(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.models import Assembly

    return _slug(_assembly(request, volunteers=0, status=Assembly.Status.SELECTING))


def _responded_slug(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _slug(_responded(request))


def _draft_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A draft made the way staff make one: with the standard features."""
    from engagement.services import assemblies as services

    staff = request.getfixturevalue("staff")
    today = datetime.date.today()
    assembly = services.assembly_create(
        by=staff,
        title="Cost of living assembly",
        question="How can Luton make sure no one goes without food or warmth?",
        summary="Why we are asking.",
        starts_on=today + datetime.timedelta(weeks=6),
        ends_on=today + datetime.timedelta(weeks=10),
        recruitment_closes_on=today + datetime.timedelta(weeks=3),
        target_size=30,
        reserves=5,
        algorithm="maximin",
    )
    return {"pk": assembly.pk}


def _draft_suggest(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**_draft_pk(request), "?query": "suggest=1"}


def _feature(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.models import Assembly

    ids = _draft_pk(request)
    return {**ids, "feature_pk": Assembly.objects.get(pk=ids["pk"]).features.get(key="sex").pk}


def _recruiting_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"pk": _assembly(request).pk}


def _session(request: pytest.FixtureRequest) -> dict[str, Any]:
    assembly = _assembly(request)
    return {"pk": assembly.pk, "session_pk": assembly.sessions.get().pk}


def _running_run(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.models import Assembly, SelectionRun

    assembly = _assembly(request, status=Assembly.Status.SELECTING)
    run = SelectionRun.objects.create(
        assembly=assembly,
        seed=184467,
        algorithm="maximin",
        status=SelectionRun.Status.RUNNING,
        progress=45,
        message="Finding possible panels that meet the quotas: round 12 of 30",
    )
    # The page reloads itself every few seconds while a draw runs; the sweep looks at it with
    # that switched off, as a person who chose "Stop updating this page" sees it.
    return {"pk": assembly.pk, "run_pk": run.pk, "?query": "refresh=off"}


def _done_run(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.models import Assembly

    assembly = _assembly(request, status=Assembly.Status.SELECTING)
    return {"pk": assembly.pk, "run_pk": _finished_run(assembly).pk}


def _infeasible_run(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.models import Assembly

    assembly = _assembly(request, status=Assembly.Status.SELECTING)
    return {"pk": assembly.pk, "run_pk": _finished_run(assembly, status="infeasible").pk}


def _meeting(request: pytest.FixtureRequest) -> dict[str, Any]:
    """An assembly meeting, with one recommendation accepted (so actions can be added)."""
    from engagement.models import Assembly, Decision, Recommendation

    from ..factories import ActionFactory, OutcomeFactory

    assembly = _assembly(request, status=Assembly.Status.MEETING)
    ActionFactory(reference="FT-201", title="Warm spaces in every ward")
    OutcomeFactory(short_name="Fairness")
    recommendation = Recommendation.objects.create(
        assembly=assembly,
        number=1,
        title="Warm buses",
        text="Run free buses to warm spaces in winter.",
        support=87,
        response=Decision.ACCEPTED,
        response_reason="It helps.",
    )
    return {"pk": assembly.pk, "rec_pk": recommendation.pk}


def _meeting_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"pk": _meeting(request)["pk"]}


def _reported_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.models import Assembly

    ids = _meeting(request)
    Assembly.objects.filter(pk=ids["pk"]).update(status=Assembly.Status.REPORTED)
    return {"pk": ids["pk"]}


PAGES: list[PageSpec] = [
    # Residents.
    PageSpec("engagement:assembly-list", setup=_list),
    PageSpec("engagement:assembly", setup=_recruiting_slug),
    PageSpec("engagement:assembly", setup=_responded_slug),
    PageSpec("engagement:assembly", persona="resident", setup=_closed_slug),
    PageSpec("engagement:assembly-register", setup=_recruiting_slug),
    PageSpec("engagement:assembly-register", persona="resident", setup=_recruiting_slug),
    PageSpec("engagement:assembly-register", setup=_closed_slug),
    PageSpec("engagement:assembly-registered", setup=_recruiting_slug),
    # Council staff.
    PageSpec("engagement-staff:assembly-list", persona="staff", setup=_list),
    PageSpec("engagement-staff:assembly-create", persona="staff"),
    PageSpec("engagement-staff:assembly-overview", persona="staff", setup=_draft_pk),
    PageSpec("engagement-staff:assembly-overview", persona="staff", setup=_reported_pk),
    PageSpec("engagement-staff:assembly-edit", persona="staff", setup=_draft_pk),
    PageSpec("engagement-staff:assembly-publish", persona="staff", setup=_draft_pk),
    PageSpec("engagement-staff:assembly-sessions", persona="staff", setup=_recruiting_pk),
    PageSpec("engagement-staff:assembly-session-edit", persona="staff", setup=_session),
    PageSpec("engagement-staff:assembly-features", persona="staff", setup=_draft_pk),
    PageSpec("engagement-staff:assembly-features", persona="staff", setup=_recruiting_pk),
    PageSpec("engagement-staff:assembly-category-add", persona="staff", setup=_feature),
    PageSpec("engagement-staff:assembly-quotas", persona="staff", setup=_draft_pk),
    PageSpec("engagement-staff:assembly-quotas", persona="staff", setup=_draft_suggest),
    PageSpec("engagement-staff:assembly-volunteers", persona="staff", setup=_recruiting_pk),
    PageSpec("engagement-staff:assembly-run-create", persona="staff", setup=_recruiting_pk),
    PageSpec("engagement-staff:assembly-run", persona="staff", setup=_running_run),
    PageSpec("engagement-staff:assembly-run", persona="staff", setup=_done_run),
    PageSpec("engagement-staff:assembly-run", persona="staff", setup=_infeasible_run),
    PageSpec("engagement-staff:assembly-run-confirm", persona="staff", setup=_done_run),
    PageSpec("engagement-staff:assembly-recommendations", persona="staff", setup=_meeting_pk),
    PageSpec("engagement-staff:assembly-recommendation-edit", persona="staff", setup=_meeting),
    PageSpec("engagement-staff:assembly-recommendation-respond", persona="staff", setup=_meeting),
    PageSpec("engagement-staff:assembly-recommendation-action", persona="staff", setup=_meeting),
    PageSpec(
        "engagement-staff:assembly-recommendations-publish", persona="staff", setup=_meeting_pk
    ),
    PageSpec("engagement-staff:assembly-responses-publish", persona="staff", setup=_reported_pk),
]
