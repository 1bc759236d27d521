"""The public page of one action: what it is, its milestones and parts, its published timeline,
who may see it, and following it."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from luton2040.notifications.models import Subscription
from taskforce.models import Action, ActionUpdate

from ..factories import (
    ActionFactory,
    ActionUpdateFactory,
    CommitmentFactory,
    EvidenceLinkFactory,
    MilestoneFactory,
    OutcomeFactory,
    UserFactory,
    action_status,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(strip_tags(response.content.decode()).split())


def _page(client, action: Action):  # type: ignore[no-untyped-def]
    return client.get(reverse("taskforce:action-detail", kwargs={"reference": action.reference}))


def test_the_page_shows_what_the_action_is_and_how_far_it_has_got(client) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory(short_name="Resident voice")
    action = ActionFactory(
        title="Warm spaces in every ward",
        summary="Open warm spaces through the winter.",
        description="Libraries and hubs open their doors.",
        outcomes=[outcome],
        commitment=CommitmentFactory(title="A community hub in every ward"),
        lead_member=UserFactory(full_name="Amina Rahman", email="amina@example.org"),
        lead_organisation="Marsh Farm Futures",
        partners="Luton Foodbank",
        status=action_status("at-risk"),
        progress=40,
        start_date=datetime.date(2025, 4, 1),
        due_date=datetime.date(2026, 3, 31),
    )
    ActionFactory(title="Farley venue", parent=action, progress=60)
    ActionFactory(title="Hidden part", parent=action, visibility=Action.Visibility.INTERNAL)

    text = _text(_page(client, action))

    for shown in (
        "Warm spaces in every ward",
        "Open warm spaces through the winter.",
        "Libraries and hubs open their doors.",
        "Resident voice",
        "A community hub in every ward",
        "Amina Rahman",
        "Marsh Farm Futures",
        "Luton Foodbank",
        "At risk",
        "40% complete",
        "1 April 2025",
        "31 March 2026",
        "Farley venue",
        "60% complete",
    ):
        assert shown in text, shown
    assert "Hidden part" not in text
    assert "amina@example.org" not in text
    assert "Edited on" not in text
    assert "Not public" not in text
    # Nothing can link to it until the engagement app exists, so the section is not shown.
    assert "Linked consultation outcomes" not in text


def test_milestones_say_done_overdue_or_due_in_words(client) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    action = ActionFactory()
    MilestoneFactory(
        action=action,
        title="Venues agreed",
        due_date=today - datetime.timedelta(days=40),
        completed_on=today - datetime.timedelta(days=41),
    )
    MilestoneFactory(
        action=action, title="Volunteers trained", due_date=today - datetime.timedelta(days=3)
    )
    MilestoneFactory(
        action=action, title="Spaces open", due_date=today + datetime.timedelta(days=30)
    )

    text = _text(_page(client, action))

    assert "Venues agreed Done on" in text
    assert "Volunteers trained Overdue was due" in text
    assert "Spaces open Due" in text


def test_the_edited_label_shows_when_a_published_action_was_changed(client) -> None:  # type: ignore[no-untyped-def]
    edited = timezone.make_aware(datetime.datetime(2026, 2, 3, 10, 0))
    action = ActionFactory(edited_after_publication_at=edited)

    assert "Edited on 3 February 2026" in _text(_page(client, action))


def test_the_timeline_shows_published_updates_newest_first_with_their_changes(client) -> None:  # type: ignore[no-untyped-def]
    action = ActionFactory()
    older = ActionUpdateFactory(
        action=action,
        body="Venues signed up.",
        published_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0)),
    )
    ActionUpdateFactory(
        action=action,
        body="Back on track after a funding gap.",
        status_before=action_status("at-risk"),
        status_after=action_status("in-progress"),
        progress_before=40,
        progress_after=60,
        published_at=timezone.make_aware(datetime.datetime(2026, 2, 9, 9, 0)),
    )
    EvidenceLinkFactory(
        update=older, title="Minutes of the March meeting", url="https://example.org/minutes"
    )
    ActionUpdateFactory(
        action=action,
        body="Still waiting for review.",
        review=ActionUpdate.Review.SUBMITTED,
        published_at=None,
    )
    ActionUpdateFactory(
        action=action,
        body="Sent back to the member.",
        review=ActionUpdate.Review.RETURNED,
        published_at=None,
    )

    response = _page(client, action)
    text = _text(response)

    assert "Status: At risk → In progress" in text
    assert "Progress: 40% → 60%" in text
    assert text.index("Back on track") < text.index("Venues signed up.")
    assert "9 February 2026" in text and "5 January 2026" in text
    assert 'href="https://example.org/minutes"' in response.content.decode()
    assert "Still waiting for review." not in text
    assert "Sent back to the member." not in text


@pytest.mark.parametrize(
    "state",
    [
        {"visibility": Action.Visibility.INTERNAL},
        {"review": Action.Review.DRAFT, "published_at": None},
        {"review": Action.Review.SUBMITTED, "published_at": None},
        {"review": Action.Review.RETURNED, "published_at": None},
    ],
)
@pytest.mark.parametrize("persona", [None, "resident", "outsider"])
def test_internal_and_unpublished_actions_are_not_found_for_the_public(
    client, request, state: dict[str, object], persona: str | None
) -> None:  # type: ignore[no-untyped-def]
    action = ActionFactory(**state)
    if persona:
        client.force_login(request.getfixturevalue(persona))

    assert _page(client, action).status_code == 404


@pytest.mark.parametrize("persona", ["taskforce_member", "taskforce_lead", "staff"])
def test_the_taskforce_and_staff_see_an_internal_action_marked_not_public(
    client, request, persona: str
) -> None:  # type: ignore[no-untyped-def]
    action = ActionFactory(title="Internal planning", visibility=Action.Visibility.INTERNAL)
    client.force_login(request.getfixturevalue(persona))

    response = _page(client, action)

    assert response.status_code == 200
    text = _text(response)
    assert "Not public" in text
    assert "only the taskforce and council staff can see it" in text
    # Nobody is offered email updates about something the public cannot see.
    assert "Get updates" not in text


def test_a_lead_sees_a_draft_waiting_for_review_marked_not_public(client, taskforce_lead) -> None:  # type: ignore[no-untyped-def]
    action = ActionFactory(title="Draft idea", review=Action.Review.SUBMITTED, published_at=None)
    client.force_login(taskforce_lead)

    text = _text(_page(client, action))

    assert "Not public" in text
    assert "not published yet (Waiting for review)" in text


def test_an_unknown_reference_is_not_found(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("taskforce:action-detail", kwargs={"reference": "NOPE-1"}))

    assert response.status_code == 404


def test_the_follow_button_is_there_and_following_creates_a_subscription(client, resident) -> None:  # type: ignore[no-untyped-def]
    cache.clear()  # the follow form counts requests in the cache
    action = ActionFactory(title="Warm spaces")
    client.force_login(resident)

    page = _page(client, action)
    assert "Get updates" in _text(page)
    assert f'value="taskforce.action:{action.pk}"' in page.content.decode()

    response = client.post(
        reverse("notifications:follow"),
        {"target": f"taskforce.action:{action.pk}", "next": action.get_absolute_url()},
    )

    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    subscription = Subscription.objects.get()
    assert subscription.user == resident
    assert subscription.target == action
    assert subscription.confirmed_at is not None


def test_anonymous_visitors_are_offered_updates_by_email(client) -> None:  # type: ignore[no-untyped-def]
    action = ActionFactory()

    text = _text(_page(client, action))

    assert "Get updates by email" in text
