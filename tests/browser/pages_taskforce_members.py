"""Sweep entries for the taskforce's members pages."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []


# --- Indicators (tfind) ----------------------------------------------------------------------


def _indicator_to_record(request: object) -> dict[str, str]:
    """An indicator with a town figure, a ward figure on few people and a group figure."""
    from luton2040.places.models import Ward
    from taskforce.models import PopulationGroup
    from tests.factories import IndicatorFactory, IndicatorValueFactory

    indicator = IndicatorFactory()
    IndicatorValueFactory(indicator=indicator)
    IndicatorValueFactory(indicator=indicator, ward=Ward.objects.first(), value=61, sample_size=7)
    IndicatorValueFactory(indicator=indicator, group=PopulationGroup.objects.first(), value=70)
    return {"slug": indicator.slug}


PAGES += [
    PageSpec("taskforce:indicator-values", persona="taskforce_member", setup=_indicator_to_record),
    PageSpec("taskforce:indicator-values", persona="staff", setup=_indicator_to_record),
    PageSpec(
        "taskforce:indicator-values", persona="resident", status=403, setup=_indicator_to_record
    ),
]


# --- Actions, updates and review (tfwork) ------------------------------------------------------


def _my_action(request: object) -> dict[str, str]:
    """A published action led by the signed-in member, with a milestone and an update."""
    from tests.factories import ActionFactory, ActionUpdateFactory, MilestoneFactory

    member = request.getfixturevalue("taskforce_member")  # type: ignore[attr-defined]
    action = ActionFactory(lead_member=member, title="Warm spaces in every ward")
    MilestoneFactory(action=action)
    ActionUpdateFactory(action=action, review="submitted", published_at=None)
    ActionFactory(lead_member=member, review="returned", review_note="Add a due date.")
    return {"reference": action.reference}


def _my_actions(request: object) -> None:
    _my_action(request)
    return None


def _submitted_action(request: object) -> dict[str, str]:
    from tests.factories import ActionFactory, MilestoneFactory

    action = ActionFactory(review="submitted", published_at=None, title="Food First pantries")
    MilestoneFactory(action=action)
    return {"reference": action.reference}


def _submitted_update(request: object) -> dict[str, int]:
    from tests.factories import ActionUpdateFactory, EvidenceLinkFactory, action_status

    update = ActionUpdateFactory(
        review="submitted", published_at=None, status_after=action_status("at-risk")
    )
    EvidenceLinkFactory(update=update)
    return {"pk": update.pk}


def _queue(request: object) -> None:
    _submitted_action(request)
    _submitted_update(request)
    return None


PAGES += [
    PageSpec("taskforce:my-actions", persona="taskforce_member", setup=_my_actions),
    PageSpec("taskforce:my-actions", persona="resident", status=403),
    PageSpec("taskforce:action-create", persona="taskforce_member"),
    PageSpec("taskforce:action-edit", persona="taskforce_member", setup=_my_action),
    PageSpec("taskforce:update-create", persona="taskforce_member", setup=_my_action),
    PageSpec("taskforce:review-queue", persona="taskforce_lead", setup=_queue),
    PageSpec("taskforce:review-queue", persona="staff", setup=_queue),
    PageSpec("taskforce:action-review", persona="taskforce_lead", setup=_submitted_action),
    PageSpec("taskforce:update-review", persona="taskforce_lead", setup=_submitted_update),
]
