"""The action workflow through the members' pages: who may create, submit, publish, return,
post updates; what the public sees; progress roll-up; audit and notifications."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luton2040.accounts.roles import Role
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification
from taskforce import kinds
from taskforce.models import Action, ActionUpdate
from taskforce.services.actions import (
    AlreadyReviewed,
    action_create,
    action_review,
    progress_roll_up,
    update_post,
    update_review,
)

from ..factories import (
    ActionFactory,
    ActionUpdateFactory,
    OutcomeFactory,
    UserFactory,
    action_status,
)

pytestmark = pytest.mark.django_db


def _form(outcome_pk: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Warm spaces in every ward",
        "summary": "Open warm, welcoming spaces this winter.",
        "outcomes": [outcome_pk],
        "status": action_status("planned").pk,
        "progress": "0",
        "visibility": "public",
        "start_date": "1/10/2025",
        "due_date": "31/3/2026",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "Venues agreed",
        "milestones-0-due_date": "30/11/2025",
    }
    data.update(overrides)
    return data


def _draft(by, **kwargs):  # type: ignore[no-untyped-def]
    return action_create(
        by=by, title="Food First", summary="Meals for all.", outcomes=[OutcomeFactory()], **kwargs
    )


# --- Creating and submitting -----------------------------------------------------------------


def test_member_creates_a_draft_with_milestones_and_a_reference(client, taskforce_member):
    outcome = OutcomeFactory()
    client.force_login(taskforce_member)
    response = client.post(reverse("taskforce:action-create"), _form(outcome.pk))
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "taskforce:action-edit", kwargs={"reference": action.reference}
    )
    assert action.reference == "FT-001"
    assert action.review == Action.Review.DRAFT
    assert action.created_by == action.lead_member == taskforce_member
    assert list(action.outcomes.all()) == [outcome]
    assert [m.title for m in action.milestones.all()] == ["Venues agreed"]
    assert AuditEvent.objects.filter(verb="action.created", object_id=str(action.pk)).exists()
    # The public cannot see a draft.
    client.logout()
    public = client.get(reverse("taskforce:action-detail", kwargs={"reference": "FT-001"}))
    assert public.status_code == 404


def test_references_count_up(taskforce_member):
    assert _draft(taskforce_member).reference == "FT-001"
    assert _draft(taskforce_member).reference == "FT-002"


def test_create_form_errors_keep_what_was_typed(client, taskforce_member):
    outcome = OutcomeFactory()
    client.force_login(taskforce_member)
    response = client.post(
        reverse("taskforce:action-create"),
        _form(outcome.pk, title="", due_date="1/1/2025", outcomes=[]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a title" in page
    assert "Select at least one outcome" in page
    assert "The due date must be the same as or after the start date" in page
    assert "Open warm, welcoming spaces this winter." in page  # kept
    assert 'value="Venues agreed"' in page
    assert not Action.objects.exists()


def test_member_submits_and_leads_and_staff_are_told(
    client, taskforce_member, taskforce_lead, staff, django_capture_on_commit_callbacks
):
    action = _draft(taskforce_member)
    client.force_login(taskforce_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("taskforce:action-submit", kwargs={"reference": action.reference})
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.review == Action.Review.SUBMITTED
    told = set(
        Notification.objects.filter(kind=kinds.ACTION_REVIEW_NEEDED).values_list(
            "user__email", flat=True
        )
    )
    assert told == {taskforce_lead.email, staff.email}


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_people_outside_the_taskforce_cannot_reach_member_pages(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for name in ("taskforce:my-actions", "taskforce:action-create", "taskforce:review-queue"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    for name in ("taskforce:my-actions", "taskforce:action-create", "taskforce:review-queue"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_another_member_cannot_edit_or_submit_someone_elses_draft(client, taskforce_member):
    action = _draft(taskforce_member)
    other = UserFactory(roles=[Role.TASKFORCE_MEMBER])
    client.force_login(other)
    edit = reverse("taskforce:action-edit", kwargs={"reference": action.reference})
    submit = reverse("taskforce:action-submit", kwargs={"reference": action.reference})
    # Someone else's draft is not theirs to read: it does not exist as far as they can tell.
    assert client.get(edit).status_code == 404
    assert client.post(submit).status_code == 404
    # A published action is theirs to read but not to change.
    action.review = Action.Review.PUBLISHED
    action.save()
    assert client.get(edit).status_code == 403
    action.refresh_from_db()
    assert action.review == Action.Review.PUBLISHED


def test_member_cannot_publish(client, taskforce_member):
    action = _draft(taskforce_member)
    action.review = Action.Review.SUBMITTED
    action.save()
    client.force_login(taskforce_member)
    url = reverse("taskforce:action-review", kwargs={"reference": action.reference})
    assert client.post(url, {"decision": "publish"}).status_code == 403
    action.refresh_from_db()
    assert action.review == Action.Review.SUBMITTED


@pytest.mark.parametrize("persona", ["taskforce_lead", "staff"])
def test_lead_and_staff_publish_and_the_public_sees_it(
    client, request, persona, taskforce_member, django_capture_on_commit_callbacks
):
    reviewer = request.getfixturevalue(persona)
    action = _draft(taskforce_member)
    action.review = Action.Review.SUBMITTED
    action.save()
    client.force_login(reviewer)
    queue = client.get(reverse("taskforce:review-queue"))
    assert action.title in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("taskforce:action-review", kwargs={"reference": action.reference}),
            {"decision": "publish"},
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.review == Action.Review.PUBLISHED
    assert action.published_at is not None
    assert (
        Notification.objects.filter(kind=kinds.ACTION_REVIEWED, user=taskforce_member).count() == 1
    )
    assert AuditEvent.objects.filter(verb="action.published", actor=reviewer).exists()
    client.logout()
    public = client.get(action.get_absolute_url())
    assert public.status_code == 200
    assert "Food First" in public.content.decode()


@pytest.mark.parametrize("persona", ["taskforce_lead", "staff"])
def test_returning_needs_a_note(client, request, persona, taskforce_member):
    action = _draft(taskforce_member)
    action.review = Action.Review.SUBMITTED
    action.save()
    client.force_login(request.getfixturevalue(persona))
    url = reverse("taskforce:action-review", kwargs={"reference": action.reference})
    response = client.post(url, {"decision": "return", "note": ""})
    assert response.status_code == 400
    assert "Say what needs to change before it can be published" in response.content.decode()
    action.refresh_from_db()
    assert action.review == Action.Review.SUBMITTED
    client.post(url, {"decision": "return", "note": "Add a due date."})
    action.refresh_from_db()
    assert action.review == Action.Review.RETURNED
    assert action.review_note == "Add a due date."


def test_staff_without_mfa_cannot_review(client, staff_without_mfa):
    client.force_login(staff_without_mfa)
    assert client.get(reverse("taskforce:review-queue")).status_code == 403


def test_a_lead_can_review_a_members_draft(client, taskforce_member, taskforce_lead):
    action = _draft(taskforce_member)
    client.force_login(taskforce_lead)
    url = reverse("taskforce:action-edit", kwargs={"reference": action.reference})
    assert client.get(url).status_code == 200


def test_double_click_reviews_once(
    taskforce_member, taskforce_lead, django_capture_on_commit_callbacks
):
    action = _draft(taskforce_member)
    action.review = Action.Review.SUBMITTED
    action.save()
    with django_capture_on_commit_callbacks(execute=True):
        action_review(action=action, by=taskforce_lead, decision="publish")
        with pytest.raises(AlreadyReviewed):
            action_review(action=action, by=taskforce_lead, decision="publish")
    assert Notification.objects.filter(kind=kinds.ACTION_REVIEWED).count() == 1
    assert AuditEvent.objects.filter(verb="action.published").count() == 1


def test_editing_a_published_action_marks_it_edited_and_keeps_it_public(client, taskforce_member):
    action = ActionFactory(lead_member=taskforce_member, title="Old title")
    client.force_login(taskforce_member)
    url = reverse("taskforce:action-edit", kwargs={"reference": action.reference})
    outcome = action.outcomes.get()
    data = _form(outcome.pk, title="New title", **{"milestones-TOTAL_FORMS": "0"})
    data.pop("status")
    data.pop("progress")
    response = client.post(url, data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "New title"
    assert action.review == Action.Review.PUBLISHED
    assert action.edited_after_publication_at is not None
    assert AuditEvent.objects.filter(verb="action.edited").exists()


# --- Updates -----------------------------------------------------------------------------------


def test_members_update_waits_for_review_and_is_invisible_in_public(
    client, taskforce_member, taskforce_lead, django_capture_on_commit_callbacks
):
    action = ActionFactory(lead_member=taskforce_member, progress=10)
    client.force_login(taskforce_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("taskforce:update-create", kwargs={"reference": action.reference}),
            {
                "body": "Twelve venues signed up.",
                "status": action_status("at-risk").pk,
                "progress": "40",
                "evidence-TOTAL_FORMS": "1",
                "evidence-INITIAL_FORMS": "0",
                "evidence-0-title": "Venue list",
                "evidence-0-url": "https://example.org/venues",
            },
        )
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert update.review == ActionUpdate.Review.SUBMITTED
    assert update.progress_before == 10 and update.progress_after == 40
    assert update.status_after == action_status("at-risk")
    assert update.evidence.get().url == "https://example.org/venues"
    action.refresh_from_db()
    assert action.progress == 10  # unchanged until published
    assert action.status == action_status("in-progress")
    assert Notification.objects.filter(
        kind=kinds.ACTION_REVIEW_NEEDED, user=taskforce_lead
    ).exists()
    client.logout()
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Twelve venues signed up." not in page

    # The lead publishes it: the action changes and the public sees the update.
    with django_capture_on_commit_callbacks(execute=True):
        update_review(update=update, by=taskforce_lead, decision="publish")
    action.refresh_from_db()
    assert action.progress == 40
    assert action.status == action_status("at-risk")
    assert action.last_update_at is not None
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Twelve venues signed up." in page
    assert Notification.objects.filter(kind=kinds.ACTION_REVIEWED, user=taskforce_member).exists()


def test_lead_posting_publishes_at_once(taskforce_lead):
    action = ActionFactory(lead_member=taskforce_lead)
    update = update_post(action=action, by=taskforce_lead, body="Done.", progress=100)
    assert update.review == ActionUpdate.Review.PUBLISHED
    action.refresh_from_db()
    assert action.progress == 100


def test_published_update_tells_followers(
    taskforce_lead, resident, django_capture_on_commit_callbacks
):
    from luton2040.notifications.subscriptions import subscription_follow

    action = ActionFactory(lead_member=taskforce_lead)
    subscription_follow(user=resident, target=action)
    with django_capture_on_commit_callbacks(execute=True):
        update_post(action=action, by=taskforce_lead, body="Halfway.", progress=50)
    assert Notification.objects.filter(kind=kinds.ACTION_PROGRESS, user=resident).count() == 1


def test_another_member_cannot_post_an_update(client, taskforce_member):
    action = ActionFactory()
    client.force_login(taskforce_member)
    url = reverse("taskforce:update-create", kwargs={"reference": action.reference})
    assert client.get(url).status_code == 403


def test_returned_update_never_changes_the_action(taskforce_member, taskforce_lead):
    action = ActionFactory(lead_member=taskforce_member, progress=10)
    update = update_post(action=action, by=taskforce_member, body="Done!", progress=100)
    update_review(update=update, by=taskforce_lead, decision="return", note="Add evidence.")
    action.refresh_from_db()
    assert action.progress == 10
    update.refresh_from_db()
    assert update.review == ActionUpdate.Review.RETURNED


# --- Roll-up -----------------------------------------------------------------------------------


def test_progress_rolls_up_two_levels(taskforce_lead):
    top = ActionFactory(progress=0)
    middle = ActionFactory(parent=top, progress=0)
    sibling = ActionFactory(parent=top, progress=80)
    leaf_a = ActionFactory(parent=middle, progress=0, lead_member=taskforce_lead)
    ActionFactory(parent=middle, progress=50)
    ActionFactory(parent=middle, progress=100, review="draft")  # drafts do not count

    update_post(action=leaf_a, by=taskforce_lead, body="All done.", progress=100)

    middle.refresh_from_db()
    top.refresh_from_db()
    assert middle.progress == 75  # mean of 100 and 50
    assert top.progress == 78  # mean of 75 and 80, rounded
    sibling.refresh_from_db()
    assert sibling.progress == 80
    assert progress_roll_up(action=leaf_a) == []  # already up to date


# --- My actions and the queue: constant queries --------------------------------------------------


def _my_actions(n: int, member) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        action = ActionFactory(lead_member=member)
        ActionUpdateFactory(action=action, review="submitted", published_at=None)
    ActionFactory(lead_member=member, review="returned", review_note="Needs dates")


@pytest.mark.parametrize("size", [2, 8])
def test_my_actions_query_count(client, taskforce_member, django_assert_num_queries, size):
    _my_actions(size, taskforce_member)
    client.force_login(taskforce_member)
    client.get(reverse("taskforce:my-actions"))  # warm the session
    with django_assert_num_queries(7):
        response = client.get(reverse("taskforce:my-actions"))
    assert response.content.decode().count("Continue editing") == 1
    assert response.content.decode().count("Post an update") == size


@pytest.mark.parametrize("size", [2, 8])
def test_review_queue_query_count(client, taskforce_lead, django_assert_num_queries, size):
    for _ in range(size):
        ActionFactory(review="submitted", published_at=None)
        ActionUpdateFactory(review="submitted", published_at=None)
    client.force_login(taskforce_lead)
    client.get(reverse("taskforce:review-queue"))
    with django_assert_num_queries(7):
        response = client.get(reverse("taskforce:review-queue"))
    assert response.content.decode().count("/taskforce/my/review/updates/") == size


def test_the_review_queue_serves_the_longest_waiting_first_even_after_an_edit(
    taskforce_member,
) -> None:  # type: ignore[no-untyped-def]
    from taskforce.selectors.actions import review_queue_actions
    from taskforce.services.actions import action_edit, action_submit

    first = ActionFactory(review="draft", published_at=None, lead_member=taskforce_member)
    second = ActionFactory(review="draft", published_at=None, lead_member=taskforce_member)
    action_submit(action=first, by=taskforce_member)
    action_submit(action=second, by=taskforce_member)
    # Editing the first while it waits must not send it behind the second.
    action_edit(action=first, by=taskforce_member, changes={"title": "Warm spaces, evenings too"})

    assert list(review_queue_actions()) == [first, second]
