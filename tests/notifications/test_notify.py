"""notify(): who gets a message, how often, and never twice for one event."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from luton2040.notifications import kinds
from luton2040.notifications.kinds import Frequency, NotificationKind
from luton2040.notifications.models import Notification, Preference, Subscription
from luton2040.notifications.services import Recipient, notify

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "Warm Spaces open", "summary": "Three hubs open late.", "url": "/x/"}


@pytest.fixture(autouse=True)
def _test_kinds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Domain apps register their kinds from ready(); these stand in for them.
    for kind in [
        NotificationKind(key="test.update", label="An update", template="generic"),
        NotificationKind(
            key="test.quiet", label="Quiet", default=Frequency.OFF, template="generic"
        ),
    ]:
        monkeypatch.setitem(kinds._KINDS, kind.key, kind)


def _notify(recipients, *, kind="test.update", event="hub.opened:1"):  # type: ignore[no-untyped-def]
    return notify(kind=kind, event=event, recipients=recipients, context=CONTEXT)


def _follower(email: str = "amira@example.org", *, confirmed: bool = True) -> Subscription:
    return Subscription.objects.create(
        email=email, topic="food", confirmed_at=timezone.now() if confirmed else None
    )


def test_a_resident_gets_the_message_after_commit(
    resident, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (row,) = _notify([Recipient(user=resident)])
        assert mail.outbox == []  # nothing leaves before the caller's transaction commits
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.to == resident.email
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert mail.outbox[0].subject == "Warm Spaces open"


def test_a_rolled_back_change_sends_nothing(resident, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([Recipient(user=resident)])
        raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_same_event_twice_writes_and_sends_one_message(
    resident, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify([Recipient(user=resident), Recipient(user=resident)])
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = _notify([Recipient(user=resident)])
    assert [row.pk for row in first] == [row.pk for row in second]
    assert second_callbacks == []  # nothing new to queue
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_different_event_is_a_different_message(resident) -> None:  # type: ignore[no-untyped-def]
    _notify([Recipient(user=resident)], event="hub.opened:1")
    _notify([Recipient(user=resident)], event="hub.opened:2")
    assert Notification.objects.count() == 2


def test_preferences_decide_immediately_daily_or_off(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    default, daily, off = UserFactory.create_batch(3)
    Preference.objects.create(user=daily, kind="test.update", frequency=Frequency.DAILY)
    Preference.objects.create(user=off, kind="test.update", frequency=Frequency.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify([Recipient(user=u) for u in (default, daily, off)])
    by_user = {row.user_id: row for row in rows}
    assert set(by_user) == {default.pk, daily.pk}
    assert by_user[default.pk].status == Notification.Status.PENDING  # as returned, pre-commit
    assert Notification.objects.get(user=default).status == Notification.Status.SENT
    held = Notification.objects.get(user=daily)
    assert held.status == Notification.Status.HELD
    assert held.digest_date == timezone.localdate()
    assert [m.to for m in mail.outbox] == [[default.email]]


def test_the_daily_summary_day_is_londons(resident, settings) -> None:  # type: ignore[no-untyped-def]
    Preference.objects.create(user=resident, kind="test.update", frequency=Frequency.DAILY)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: late)
        (row,) = _notify([Recipient(user=resident)])
    assert row.digest_date == datetime.date(2026, 7, 1)


def test_a_kind_that_is_off_by_default_reaches_only_those_who_chose_it() -> None:
    chose, did_not = UserFactory.create_batch(2)
    Preference.objects.create(user=chose, kind="test.quiet", frequency=Frequency.IMMEDIATELY)
    rows = _notify([Recipient(user=chose), Recipient(user=did_not)], kind="test.quiet")
    assert [row.user_id for row in rows] == [chose.pk]


def test_messages_that_cannot_be_switched_off_ignore_an_off_preference(resident) -> None:  # type: ignore[no-untyped-def]
    Preference.objects.create(user=resident, kind="account.security", frequency=Frequency.OFF)
    Preference.objects.create(user=resident, kind="follow.confirm", frequency=Frequency.DAILY)
    (security,) = notify(
        kind="account.security",
        event="password.changed:1",
        recipients=[Recipient(user=resident)],
        context={"summary": "Your password was changed."},
    )
    assert security.status == Notification.Status.PENDING


def test_inactive_accounts_get_nothing() -> None:
    gone = UserFactory(is_active=False)
    assert _notify([Recipient(user=gone)]) == []
    assert not Notification.objects.exists()


def test_email_only_followers_get_messages_only_once_confirmed(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    confirmed = _follower("amira@example.org")
    pending = _follower("not.yet@example.org", confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify([Recipient(subscription=confirmed), Recipient(subscription=pending)])
    assert [(row.to, row.subscription_id, row.user_id) for row in rows] == [
        ("amira@example.org", confirmed.pk, None)
    ]
    assert [m.to for m in mail.outbox] == [["amira@example.org"]]


def test_the_confirmation_request_goes_to_an_unconfirmed_follower() -> None:
    pending = _follower(confirmed=False)
    (row,) = notify(
        kind="follow.confirm",
        event=f"follow.confirm:{pending.pk}",
        recipients=[Recipient(subscription=pending)],
        context={"confirm_url": "http://testserver/c/", "subject_title": "Warm Spaces"},
    )
    assert row.to == pending.email


def test_an_accounts_subscription_is_that_account(resident) -> None:  # type: ignore[no-untyped-def]
    subscription = Subscription.objects.create(
        user=resident, topic="food", confirmed_at=timezone.now()
    )
    rows = _notify([Recipient(subscription=subscription), Recipient(user=resident)])
    assert [(row.user_id, row.subscription_id, row.to) for row in rows] == [
        (resident.pk, None, resident.email)
    ]


@pytest.mark.parametrize("people", [3, 300])
def test_fan_out_costs_the_same_few_queries_for_3_or_300_people(
    people, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    users = UserFactory.create_batch(people - 1)
    followers = [_follower(f"follower{n}@example.org") for n in range(1)]
    Preference.objects.create(user=users[0], kind="test.update", frequency=Frequency.OFF)
    recipients = [Recipient(user=u) for u in users] + [Recipient(subscription=s) for s in followers]
    # preferences, existing keys, insert, read back
    with django_assert_num_queries(4):
        rows = _notify(recipients)
    assert len(rows) == people - 1


def test_a_large_fan_out_is_queued_by_a_worker_not_by_the_request(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from luton2040.notifications import services, tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production, with a broker
    published: dict[str, list[object]] = {"batches": [], "single": []}
    monkeypatch.setattr(tasks.queue_deliveries, "delay", published["batches"].append)
    monkeypatch.setattr(tasks.deliver_notification, "delay", published["single"].append)

    small = list(range(1, services.QUEUE_IN_WORKER_ABOVE + 1))
    services.notifications_queue(small)
    assert published == {"batches": [], "single": small}

    published["single"].clear()
    large = list(range(1, services.QUEUE_IN_WORKER_ABOVE + 2))
    services.notifications_queue(large)
    assert published == {"batches": [large], "single": []}

    tasks.queue_deliveries.run(large)  # what the worker then does
    assert published["single"] == large


def test_a_one_off_address_gets_a_transactional_message_once_with_no_unsubscribe_link(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    kinds.register(
        NotificationKind(
            key="test.resolved", label="Resolved", can_switch_off=False, template="generic"
        )
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _notify([Recipient(email="Reporter@Example.ORG")], kind="test.resolved")
            _notify([Recipient(email="Reporter@example.org")], kind="test.resolved")
    finally:
        kinds._KINDS.pop("test.resolved")

    row = Notification.objects.get()
    assert (row.to, row.user, row.subscription) == ("Reporter@example.org", None, None)
    assert [m.to for m in mail.outbox] == [["Reporter@example.org"]]
    assert "unsubscribe" not in mail.outbox[0].body.lower()
    assert Subscription.objects.count() == 0  # nobody became a follower


def test_a_one_off_address_cannot_be_sent_a_kind_people_can_switch_off() -> None:
    with pytest.raises(ValueError, match="can be switched off"):
        _notify([Recipient(email="someone@example.org")])
