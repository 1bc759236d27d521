"""The outbox pump for real: Redis, a Celery worker process, an SMTP server on 127.0.0.1.

Counted at the sink: every message arrives; a message arrives twice only if its worker was
killed between the mail server taking it and the row recording it, and then with the same
Message-ID, so mail systems see one message.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from luton2040.accounts.models import User
from luton2040.notifications import emails, services
from luton2040.notifications.models import Notification
from luton2040.notifications.services import Recipient, notify

from .conftest import wait_for

# Serialized rollback, like the browser tests: a transactional test without it re-runs
# post_migrate on teardown, and the role groups it makes then clash with the next serialized
# test's restore of the migrated database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _notify_people(count: int, *, domain: str = "example.org") -> list[Notification]:
    """One account.security message to each of `count` new people, committed, and queued."""
    users = User.objects.bulk_create([User(email=f"person{n}@{domain}") for n in range(count)])
    with transaction.atomic():
        rows = notify(
            kind="account.security",
            event="test.password-policy:1",
            recipients=[Recipient(user=user) for user in users],
            context={"summary": "We changed how passwords are checked."},
        )
    assert len(rows) == count
    return rows


def _message_ids(rows: list[Notification]) -> set[str]:
    return {emails.message_id_for(row) for row in rows}


def _all_sent(rows: list[Notification]) -> bool:
    return (
        not Notification.objects.filter(pk__in=[row.pk for row in rows])
        .exclude(status=Notification.Status.SENT)
        .exists()
    )


def test_300_messages_each_arrive_exactly_once(start_worker, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    sink, _port = smtp_sink
    start_worker()
    rows = _notify_people(300)
    wait_for(lambda: sink.accepted() >= 300, timeout=60, what="300 messages at the sink")
    wait_for(lambda: _all_sent(rows), timeout=15, what="every row marked sent")
    time.sleep(0.5)  # bounded: give a wrongly duplicated message the chance to show up
    counts = sink.count()
    assert set(counts) == _message_ids(rows)
    assert set(counts.values()) == {1}
    assert sum(counts.values()) == 300


def test_a_worker_killed_mid_run_loses_nothing(start_worker, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    sink, _port = smtp_sink
    sink.delay = 0.01  # each message takes a moment, so the kill lands mid-send
    worker = start_worker()
    rows = _notify_people(300)
    wait_for(lambda: sink.accepted() >= 60, timeout=60, what="the first 60 messages")
    worker.kill()
    arrived_before_restart = sink.accepted()
    assert arrived_before_restart < 300, "the kill came too late to test anything"
    # What a dead worker leaves behind: rows it had claimed (perhaps already handed to the
    # mail server), and rows whose messages it had reserved but not started.
    in_flight = set(
        Notification.objects.filter(
            pk__in=[row.pk for row in rows], status=Notification.Status.SENDING
        ).values_list("pk", flat=True)
    )

    start_worker()

    def requeued_and_all_sent() -> bool:
        # What the beat job does every minute, here every half second.
        services.notifications_requeue_stalled()
        time.sleep(0.5)
        return _all_sent(rows)

    wait_for(requeued_and_all_sent, timeout=60, what="every row sent after the restart")
    time.sleep(0.5)  # bounded: give a wrongly duplicated message the chance to show up
    counts = sink.count()
    expected = _message_ids(rows)
    assert set(counts) == expected  # every message arrived
    duplicated = {message_id for message_id, n in counts.items() if n > 1}
    # The only duplicates possible: rows the dead worker was sending when it died (the mail
    # server may have taken the message before the row said SENT). Each such row is re-sent
    # once, with its Message-ID unchanged.
    in_flight_ids = {emails.message_id_for(row) for row in rows if row.pk in in_flight}
    assert duplicated <= in_flight_ids
    assert all(counts[message_id] == 2 for message_id in duplicated)
    assert len(in_flight) <= 2  # --concurrency=2: at most two messages in flight


def test_a_mail_server_refusing_for_a_while_still_gets_everything_once(
    start_worker, smtp_sink
) -> None:  # type: ignore[no-untyped-def]
    sink, _port = smtp_sink
    sink.refuse_first = 30  # "451 try again later" to the first 30 messages
    start_worker()
    rows = _notify_people(100)
    wait_for(lambda: _all_sent(rows), timeout=60, what="every row sent despite the 451s")
    time.sleep(0.5)  # bounded: give a wrongly duplicated message the chance to show up
    counts = sink.count()
    assert sink.refused == 30
    assert set(counts) == _message_ids(rows)
    assert set(counts.values()) == {1}
    retried = Notification.objects.filter(pk__in=[row.pk for row in rows], attempts__gt=1)
    assert retried.count() >= 1
    assert not retried.exclude(last_error="").exists()  # a success clears the error


def test_addresses_that_never_work_end_failed_with_the_error(start_worker, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    sink, _port = smtp_sink
    sink.reject = {"person0@bounce.example"}
    sink.defer = {"person1@bounce.example"}
    start_worker()
    rejected, deferred = _notify_people(2, domain="bounce.example")

    def both_failed() -> bool:
        return (
            Notification.objects.filter(
                pk__in=[rejected.pk, deferred.pk], status=Notification.Status.FAILED
            ).count()
            == 2
        )

    wait_for(both_failed, timeout=45, what="both rows to end FAILED")
    rejected.refresh_from_db()
    deferred.refresh_from_db()
    # A permanent refusal fails at once; a refusal that is temporary every time fails after
    # the last attempt (NOTIFICATIONS_MAX_ATTEMPTS=4 in the worker).
    assert rejected.attempts == 1
    assert "550" in rejected.last_error and "No such mailbox" in rejected.last_error
    assert deferred.attempts == 4
    assert "gave up after 4 attempts" in deferred.last_error
    assert "451" in deferred.last_error
    assert sink.accepted() == 0
