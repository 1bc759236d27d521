"""The public tracker: a summary per outcome, public actions only, filters that narrow."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from luton2040.places.models import Ward
from taskforce.models import Action, PopulationGroup

from ..factories import (
    ActionFactory,
    CommitmentFactory,
    OutcomeFactory,
    UserFactory,
    action_status,
)

pytestmark = pytest.mark.django_db

TRACKER = reverse("taskforce:index")


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """What the page says, without markup."""
    return " ".join(strip_tags(response.content.decode()).split())


def test_summary_counts_each_outcome_by_what_its_statuses_count_as(client) -> None:  # type: ignore[no-untyped-def]
    voice = OutcomeFactory(short_name="Resident voice")
    ActionFactory.create_batch(3, outcomes=[voice], status=action_status("in-progress"))
    ActionFactory(outcomes=[voice], status=action_status("at-risk"))
    ActionFactory(outcomes=[voice], status=action_status("delayed"))
    ActionFactory(outcomes=[voice], status=action_status("done"))
    # Neither of these counts: the public never sees them.
    ActionFactory(outcomes=[voice], visibility=Action.Visibility.INTERNAL)
    ActionFactory(outcomes=[voice], review=Action.Review.SUBMITTED, published_at=None)
    quiet = OutcomeFactory(short_name="Quiet outcome")

    text = _text(client.get(TRACKER))

    assert "6 actions: 3 on track, 2 at risk, 1 done" in text
    assert f"{quiet} No public actions yet" in text


def test_an_action_serving_two_outcomes_counts_once_in_each(client) -> None:  # type: ignore[no-untyped-def]
    first, second = OutcomeFactory(), OutcomeFactory()
    ActionFactory(outcomes=[first, second])

    text = _text(client.get(TRACKER))

    assert text.count("1 action: 1 on track") == 2


def test_cards_show_status_progress_due_date_and_parts(client) -> None:  # type: ignore[no-untyped-def]
    parent = ActionFactory(
        title="Warm spaces",
        progress=40,
        status=action_status("at-risk"),
        due_date=datetime.date(2030, 3, 31),
        lead_organisation="Luton Foodbank",
    )
    ActionFactory(title="Warm spaces in Farley", parent=parent, progress=60)
    ActionFactory(title="Secret part", parent=parent, visibility=Action.Visibility.INTERNAL)

    text = _text(client.get(TRACKER))

    assert "40% complete" in text
    assert "At risk" in text
    assert "31 March 2030" in text
    assert "Luton Foodbank" in text
    assert "1 part of this action" in text
    assert f"Part of {parent.reference}" in text
    assert "Secret part" not in text


def test_internal_and_unpublished_actions_are_never_listed(client, resident) -> None:  # type: ignore[no-untyped-def]
    ActionFactory(title="Shown to everyone")
    ActionFactory(title="Internal one", visibility=Action.Visibility.INTERNAL)
    for review in ("draft", "submitted", "returned"):
        ActionFactory(title=f"Not yet {review}", review=review, published_at=None)
    client.force_login(resident)

    text = _text(client.get(TRACKER))

    assert "Shown to everyone" in text
    assert "Internal one" not in text
    assert "Not yet" not in text
    assert "1 action" in text


@pytest.mark.parametrize("name", ["outcome", "commitment", "status", "ward", "group", "lead"])
def test_each_filter_narrows_the_list(client, name: str) -> None:  # type: ignore[no-untyped-def]
    farley = Ward.objects.order_by("name").first()
    assert farley is not None
    refugees = PopulationGroup.objects.get(slug="refugees")
    outcome = OutcomeFactory()
    commitment = CommitmentFactory()
    wanted = ActionFactory(
        title="The one we want",
        outcomes=[outcome],
        commitment=commitment,
        status=action_status("at-risk"),
        lead_member=UserFactory(full_name="Amina Rahman"),
        lead_organisation="Marsh Farm Futures",
    )
    wanted.wards.add(farley)
    wanted.groups.add(refugees)
    ActionFactory(title="Some other action", lead_member=UserFactory(full_name="Bob Jones"))
    value = {
        "outcome": outcome.slug,
        "commitment": commitment.slug,
        "status": "at-risk",
        "ward": farley.slug,
        "group": "refugees",
        "lead": "rahman",
    }[name]

    before = _text(client.get(TRACKER))
    after = _text(client.get(TRACKER, {name: value}))

    assert "Some other action" in before
    assert "The one we want" in after
    assert "Some other action" not in after
    assert "1 action" in after
    assert "Remove this filter:" in after
    assert "Remove this filter:" not in before


def test_lead_filter_matches_the_organisation_and_never_the_email(client) -> None:  # type: ignore[no-untyped-def]
    ActionFactory(
        title="Led by an organisation",
        lead_member=UserFactory(full_name="", email="hidden.person@example.org"),
        lead_organisation="Marsh Farm Futures",
    )

    by_org = _text(client.get(TRACKER, {"lead": "marsh farm"}))
    by_email = _text(client.get(TRACKER, {"lead": "hidden.person"}))

    assert "Led by an organisation" in by_org
    assert "Led by an organisation" not in by_email
    assert "hidden.person@example.org" not in by_org


def test_a_filter_value_that_does_not_exist_is_an_error_not_a_crash(client) -> None:  # type: ignore[no-untyped-def]
    ActionFactory(title="Anything")

    response = client.get(TRACKER, {"status": "no-such-status"})

    assert response.status_code == 200
    text = _text(response)
    assert "There is a problem" in text
    assert "Fix the filters to see actions." in text
    assert "Anything" not in text


def test_the_tracker_pages_its_actions(client) -> None:  # type: ignore[no-untyped-def]
    actions = sorted(ActionFactory.create_batch(21), key=lambda action: action.reference)

    first = _text(client.get(TRACKER))
    second = _text(client.get(TRACKER, {"page": 2}))

    assert "21 actions" in first
    assert actions[0].title in first
    assert actions[-1].title not in first
    assert actions[-1].title in second
    assert actions[0].title not in second


def _tracker_data(count: int) -> None:
    ward = Ward.objects.order_by("name").first()
    groups = list(PopulationGroup.objects.all()[:2])
    outcome = OutcomeFactory()
    for _ in range(count):
        action = ActionFactory(outcomes=[outcome, OutcomeFactory()], commitment=CommitmentFactory())
        action.wards.add(ward)
        action.groups.add(*groups)
        ActionFactory(parent=action, outcomes=[outcome])


@pytest.mark.parametrize("count", [2, 8])
def test_the_tracker_makes_the_same_queries_however_many_actions(
    client, django_assert_num_queries, count: int
) -> None:  # type: ignore[no-untyped-def]
    _tracker_data(count)
    # An anonymous visit filtered by status: the chosen status, the outcomes and their summary,
    # the count, the five option lists, the page, and one prefetch each for outcomes, wards,
    # groups and parts.
    with django_assert_num_queries(14):
        response = client.get(TRACKER, {"outcome": "", "status": "in-progress"})
    assert response.status_code == 200
