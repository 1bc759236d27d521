"""Sweep entries for the taskforce's public pages."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []


# --- Indicators (tfind) ----------------------------------------------------------------------


def _indicator_with_breakdowns(request: object) -> dict[str, str]:
    """The perception survey indicator: a series with a gap, every ward (one suppressed), groups."""
    import datetime
    from decimal import Decimal

    from luton2040.places.models import Ward
    from taskforce.models import PopulationGroup
    from tests.factories import IndicatorFactory, IndicatorValueFactory

    indicator = IndicatorFactory(
        name="Residents who say their neighbourhood is a good place to live",
        baseline_value=Decimal("80"),
        baseline_period="2022/23",
        target_value=Decimal("90"),
        target_period="2030",
    )
    for year, value, people in ((2021, 79, 900), (2022, 80, 5), (2023, 82, 1000), (2024, 84, 1200)):
        IndicatorValueFactory(
            indicator=indicator,
            period_label=f"{year}/{year - 1999:02d}",
            period_start=datetime.date(year, 4, 1),
            period_end=datetime.date(year + 1, 3, 31),
            value=value,
            sample_size=people,
        )
    for n, ward in enumerate(Ward.objects.order_by("name")):
        IndicatorValueFactory(
            indicator=indicator, ward=ward, value=70 + n, sample_size=7 if n == 3 else 120
        )
    for n, group in enumerate(PopulationGroup.objects.order_by("position")[:4]):
        IndicatorValueFactory(indicator=indicator, group=group, value=65 + 4 * n, sample_size=90)
    return {"slug": indicator.slug}


PAGES += [
    PageSpec("taskforce:indicator-detail", setup=_indicator_with_breakdowns),
    PageSpec(
        "taskforce:indicator-detail", persona="taskforce_member", setup=_indicator_with_breakdowns
    ),
]


# --- Tracker, actions, outcomes (tfpublic) ---------------------------------------------------


def tracker_data(request: object) -> dict[str, str]:
    """An outcome with public actions in several states, a part, a timeline with a status and
    progress change and evidence, milestones, an internal action and an indicator by ward."""
    import datetime

    from django.utils import timezone

    from luton2040.places.models import Ward
    from taskforce.models import Action
    from tests.factories import (
        ActionFactory,
        ActionUpdateFactory,
        CommitmentFactory,
        EvidenceLinkFactory,
        IndicatorFactory,
        IndicatorValueFactory,
        MilestoneFactory,
        OutcomeFactory,
        action_status,
    )

    today = timezone.localdate()
    voice = OutcomeFactory(number=1, short_name="Resident voice", slug="resident-voice")
    OutcomeFactory(short_name="Thriving neighbourhoods", slug="thriving-neighbourhoods")
    warm = ActionFactory(
        title="Warm spaces in every ward",
        outcomes=[voice],
        commitment=CommitmentFactory(title="A community hub in every ward"),
        status=action_status("at-risk"),
        progress=40,
        lead_organisation="Marsh Farm Futures",
        start_date=today - datetime.timedelta(days=200),
        due_date=today + datetime.timedelta(days=100),
        edited_after_publication_at=timezone.now(),
    )
    warm.wards.add(*Ward.objects.order_by("name")[:2])
    ActionFactory(title="Warm spaces in Farley", parent=warm, outcomes=[voice], progress=60)
    ActionFactory(title="Listening events", outcomes=[voice], status=action_status("done"))
    ActionFactory(
        title="Internal planning", outcomes=[voice], visibility=Action.Visibility.INTERNAL
    )
    update = ActionUpdateFactory(
        action=warm,
        body="Back on track after a funding gap.",
        status_before=action_status("delayed"),
        status_after=action_status("at-risk"),
        progress_before=20,
        progress_after=40,
    )
    EvidenceLinkFactory(update=update, url="https://example.org/minutes")
    MilestoneFactory(action=warm, title="Venues agreed", completed_on=today)
    MilestoneFactory(
        action=warm, title="Volunteers trained", due_date=today - datetime.timedelta(days=3)
    )
    indicator = IndicatorFactory(outcome=voice, name="Residents who feel they belong")
    IndicatorValueFactory(indicator=indicator, value=84)
    for n, ward in enumerate(Ward.objects.order_by("name")[:6]):
        IndicatorValueFactory(
            indicator=indicator, ward=ward, value=75 + n, sample_size=5 if n == 2 else 150
        )
    return {"reference": warm.reference, "slug": voice.slug}


def _action(request: object) -> dict[str, str]:
    return {"reference": tracker_data(request)["reference"]}


def _internal_action(request: object) -> dict[str, str]:
    from taskforce.models import Action
    from tests.factories import ActionFactory

    return {"reference": ActionFactory(visibility=Action.Visibility.INTERNAL).reference}


def _outcome(request: object) -> dict[str, str]:
    return {"slug": tracker_data(request)["slug"]}


def _tracker(request: object) -> None:
    tracker_data(request)
    return None


PAGES += [
    PageSpec("taskforce:index", setup=_tracker),
    PageSpec("/taskforce/?status=at-risk&outcome=resident-voice", setup=_tracker),
    PageSpec("/taskforce/?status=no-such-status", setup=_tracker),
    PageSpec("taskforce:action-detail", setup=_action),
    PageSpec("taskforce:action-detail", persona="resident", setup=_action),
    PageSpec("taskforce:action-detail", persona="taskforce_member", setup=_internal_action),
    PageSpec("taskforce:action-detail", status=404, setup=_internal_action),
    PageSpec("taskforce:outcome-list", setup=_tracker),
    PageSpec("taskforce:outcome-detail", setup=_outcome),
]
