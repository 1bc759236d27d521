"""Daily digests: one email per person per day with their held items; run twice, sent once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from luton2040.notifications import digests, kinds
from luton2040.notifications.kinds import Frequency, NotificationKind
from luton2040.notifications.models import Notification, Preference
from luton2040.notifications.services import Recipient, notify

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(
        kinds._KINDS,
        "test.progress",
        NotificationKind(
            key="test.progress",
            label="Progress on an action you follow",
            default=Frequency.DAILY,
            template="generic",
        ),
    )


def _held(user, *, day: datetime.date, subject: str) -> Notification:  # type: ignore[no-untyped-def]
    return Notification.objects.create(
        kind="test.progress",
        user=user,
        to=user.email,
        context={"subject": subject, "summary": f"About {subject}", "url": "/taskforce/"},
        idempotency_key=f"held:{user.pk}:{subject}",
        status=Notification.Status.HELD,
        digest_date=day,
    )


def test_one_digest_per_person_with_their_items_and_running_twice_sends_once(
    django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    asha, ben, later = UserFactory(), UserFactory(), UserFactory()
    asha_items = [
        _held(asha, day=today - datetime.timedelta(days=1), subject="Bus pass scheme"),
        _held(asha, day=today, subject="Warm spaces"),
    ]
    ben_item = _held(ben, day=today, subject="Food First")
    not_yet = _held(later, day=today + datetime.timedelta(days=1), subject="Tomorrow")

    with django_capture_on_commit_callbacks(execute=True):
        first = digests.send_daily_digests()
    with django_capture_on_commit_callbacks(execute=True):
        second = digests.send_daily_digests()

    assert (first, second) == (2, 0)
    sent = Notification.objects.filter(kind="digest.daily")
    assert {(d.user, d.idempotency_key) for d in sent} == {
        (asha, f"digest:{asha.pk}:{today.isoformat()}"),
        (ben, f"digest:{ben.pk}:{today.isoformat()}"),
    }
    asha_digest = sent.get(user=asha)
    assert [item["subject"] for item in asha_digest.context["items"]] == [
        "Bus pass scheme",
        "Warm spaces",
    ]
    assert asha_digest.context["items"][0]["url"].endswith("/taskforce/")
    assert asha_digest.context["items"][0]["url"].startswith("http")
    for item in [*asha_items, ben_item]:
        item.refresh_from_db()
        assert item.status == Notification.Status.DIGESTED
        assert item.digest.user == item.user
    not_yet.refresh_from_db()
    assert not_yet.status == Notification.Status.HELD
    assert sorted(m.to[0] for m in mailoutbox) == sorted([asha.email, ben.email])
    body = next(m.body for m in mailoutbox if m.to == [asha.email])
    assert "Bus pass scheme" in body and "Warm spaces" in body


def test_people_with_nothing_held_get_no_digest(
    django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    someone = UserFactory()
    Notification.objects.create(
        kind="test.progress",
        user=someone,
        to=someone.email,
        idempotency_key="sent:1",
        status=Notification.Status.SENT,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert digests.send_daily_digests() == 0

    assert not Notification.objects.filter(kind="digest.daily").exists()
    assert mailoutbox == []


def test_items_held_after_todays_digest_wait_for_tomorrows(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    person = UserFactory()
    _held(person, day=today, subject="Morning")
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_send(today=today)
    late = _held(person, day=today, subject="Afternoon")

    with django_capture_on_commit_callbacks(execute=True):
        again_today = digests.digests_send(today=today)
        tomorrow = digests.digests_send(today=today + datetime.timedelta(days=1))

    assert again_today == []
    assert len(tomorrow) == 1
    late.refresh_from_db()
    assert late.digest_id == tomorrow[0]
    assert Notification.objects.filter(kind="digest.daily", user=person).count() == 2


def test_notify_holds_daily_choices_for_the_digest(
    django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    daily, immediate = UserFactory(), UserFactory()
    Preference.objects.create(user=immediate, kind="test.progress", frequency=Frequency.IMMEDIATELY)
    context = {"subject": "Action 4 moved", "summary": "It is done", "url": "/taskforce/"}

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            kind="test.progress",
            event="progress:4",
            recipients=[Recipient(user=daily), Recipient(user=immediate)],
            context=context,
        )
    assert [m.to for m in mailoutbox] == [[immediate.email]]
    with django_capture_on_commit_callbacks(execute=True):
        digests.send_daily_digests()

    assert [m.to for m in mailoutbox] == [[immediate.email], [daily.email]]
    assert "Action 4 moved" in mailoutbox[1].body


def test_the_query_count_does_not_grow_with_people_or_items(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for n in range(2):
        _held(UserFactory(), day=today, subject=f"few {n}")
    with django_assert_num_queries(7):
        assert len(digests.digests_send(today=today)) == 2

    for n in range(8):
        person = UserFactory()
        _held(person, day=today, subject=f"many {n}a")
        _held(person, day=today, subject=f"many {n}b")
    with django_assert_num_queries(7):
        assert len(digests.digests_send(today=today)) == 8


def test_the_beat_job_has_the_name_beat_uses() -> None:
    from django.conf import settings

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert digests.send_daily_digests.name == "luton2040.notifications.digests.send_daily_digests"
    assert digests.send_daily_digests.name in names
