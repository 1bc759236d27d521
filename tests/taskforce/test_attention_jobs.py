"""The daily job that tells leads about overdue and stale actions: once per lapse, safe twice."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification
from taskforce import kinds
from taskforce.models import Action
from taskforce.services.actions import update_post
from taskforce.tasks import flag_actions_needing_attention

from ..factories import ActionFactory, action_status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = timezone.now() - datetime.timedelta(weeks=20)


def _sent(user) -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(kind=kinds.ACTION_NEEDS_ATTENTION, user=user).count()


def test_overdue_action_is_flagged_once_when_run_twice(
    taskforce_member, django_capture_on_commit_callbacks
):
    action = ActionFactory(
        lead_member=taskforce_member, due_date=TODAY - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_actions_needing_attention() == 1
        assert flag_actions_needing_attention() == 0
    assert _sent(taskforce_member) == 1
    action.refresh_from_db()
    assert action.overdue_flagged_on == TODAY
    assert AuditEvent.objects.filter(verb="action.flagged_overdue").count() == 1


def test_done_stopped_unpublished_and_future_actions_are_not_flagged(taskforce_member):
    past = TODAY - datetime.timedelta(days=3)
    ActionFactory(lead_member=taskforce_member, due_date=past, status=action_status("done"))
    ActionFactory(lead_member=taskforce_member, due_date=past, status=action_status("stopped"))
    ActionFactory(lead_member=taskforce_member, due_date=past, review="draft", published_at=None)
    ActionFactory(lead_member=taskforce_member, due_date=TODAY)
    assert flag_actions_needing_attention() == 0
    assert _sent(taskforce_member) == 0


def test_a_moved_due_date_that_lapses_again_is_flagged_again(taskforce_member):
    action = ActionFactory(
        lead_member=taskforce_member, due_date=TODAY - datetime.timedelta(days=30)
    )
    Action.objects.filter(pk=action.pk).update(
        overdue_flagged_on=TODAY - datetime.timedelta(days=29)
    )
    assert flag_actions_needing_attention() == 0  # the same lapse
    Action.objects.filter(pk=action.pk).update(due_date=TODAY - datetime.timedelta(days=2))
    assert flag_actions_needing_attention() == 1  # the new date has passed too


def test_stale_action_is_flagged_once_and_a_new_update_resets_it(taskforce_lead):
    action = ActionFactory(lead_member=taskforce_lead, published_at=LONG_AGO)
    assert flag_actions_needing_attention() == 1
    assert flag_actions_needing_attention() == 0
    action.refresh_from_db()
    assert action.stale_flagged_on == TODAY

    update_post(action=action, by=taskforce_lead, body="Back on track.")
    action.refresh_from_db()
    assert action.stale_flagged_on is None
    assert flag_actions_needing_attention() == 0  # fresh now

    Action.objects.filter(pk=action.pk).update(last_update_at=LONG_AGO)
    assert flag_actions_needing_attention() == 1  # a new lapse
    assert _sent(taskforce_lead) == 1  # same day, same event key: still one message today


def test_recently_updated_action_is_not_stale(taskforce_member):
    ActionFactory(
        lead_member=taskforce_member,
        published_at=LONG_AGO,
        last_update_at=timezone.now() - datetime.timedelta(weeks=1),
    )
    assert flag_actions_needing_attention() == 0
