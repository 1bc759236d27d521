"""One-click unsubscribe: a signed link, no sign-in, RFC 8058 POST without a CSRF token."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from luton2040.audit.models import AuditEvent
from luton2040.notifications import kinds, links, subscriptions
from luton2040.notifications.kinds import Frequency, NotificationKind
from luton2040.notifications.models import Notification, Preference, Subscription
from luton2040.notifications.preferences import frequency_for
from luton2040.places.models import Ward

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture(autouse=True)
def _kinds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for kind in (
        NotificationKind(key="test.opened", label="A consultation opens in your ward"),
        NotificationKind(
            key="test.progress", label="Progress on an action", default=Frequency.DAILY
        ),
        NotificationKind(key="test.minutes", label="Meeting minutes"),
        NotificationKind(key="test.outcome", label="The outcome", can_switch_off=False),
    ):
        monkeypatch.setitem(kinds._KINDS, kind.key, kind)


@pytest.fixture
def mail_provider() -> Client:
    """What Gmail or Yahoo is to us: no cookies, no CSRF token, just a POST."""
    return Client(enforce_csrf_checks=True)


def _message(*, user=None, subscription=None, kind="test.opened") -> Notification:  # type: ignore[no-untyped-def]
    to = user.email if user else subscription.email
    return Notification.objects.create(
        kind=kind,
        user=user,
        subscription=subscription,
        to=to,
        idempotency_key=f"{kind}:{to}:{Notification.objects.count()}",
        status=Notification.Status.SENT,
    )


def _url(notification: Notification) -> str:
    return reverse("notifications:unsubscribe", args=[links.unsubscribe_token(notification.pk)])


def _one_click(client: Client, notification: Notification):  # type: ignore[no-untyped-def]
    return client.post(
        _url(notification), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def test_get_explains_and_changes_nothing(client, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident)

    response = client.get(_url(message))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Stop these emails" in content
    assert "A consultation opens in your ward" in content
    assert not Preference.objects.exists()


def test_one_click_post_without_csrf_switches_the_kind_off_once(mail_provider, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident)

    first = _one_click(mail_provider, message)
    second = _one_click(mail_provider, message)

    assert first.status_code == 200
    assert second.status_code == 200
    assert "You have stopped these emails" in first.content.decode()
    assert frequency_for(user=resident, kind="test.opened") == Frequency.OFF
    assert frequency_for(user=resident, kind="test.minutes") == Frequency.IMMEDIATELY
    events = AuditEvent.objects.filter(verb="notification_preferences.changed")
    assert [(e.actor, e.changes) for e in events] == [
        (resident, {"test.opened": ["immediately", "off"]})
    ]


def test_the_button_works_without_signing_in(client, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident)

    response = client.post(_url(message))

    assert response.status_code == 200
    assert frequency_for(user=resident, kind="test.opened") == Frequency.OFF


def test_only_this_view_skips_the_csrf_check(mail_provider, resident) -> None:  # type: ignore[no-untyped-def]
    mail_provider.force_login(resident)

    response = mail_provider.post(
        reverse("notifications:preferences"),
        {"kind-test-opened": "off", "kind-test-progress": "off", "kind-test-minutes": "off"},
    )

    assert response.status_code == 403
    assert not Preference.objects.exists()


def test_email_only_follower_stops_following(mail_provider) -> None:  # type: ignore[no-untyped-def]
    ward = Ward.objects.order_by("pk").first()
    subscription = subscriptions.subscription_follow(
        email="amira@example.org", ward=ward
    ).subscription
    subscriptions.subscription_confirm(subscription=subscription)
    message = _message(subscription=subscription)

    page = mail_provider.get(_url(message))
    first = _one_click(mail_provider, message)
    second = _one_click(mail_provider, message)

    assert f"You will stop getting updates about {ward.name}" in page.content.decode()
    assert f"You will not get any more updates about {ward.name}" in first.content.decode()
    assert "You have already stopped these emails" in second.content.decode()
    assert second.status_code == 200
    assert not Subscription.objects.exists()
    assert AuditEvent.objects.filter(verb="subscription.ended").count() == 1


def test_unsubscribing_from_the_digest_switches_off_every_daily_choice(
    mail_provider, resident
) -> None:  # type: ignore[no-untyped-def]
    Preference.objects.create(user=resident, kind="test.minutes", frequency=Frequency.DAILY)
    message = _message(user=resident, kind="digest.daily")

    response = _one_click(mail_provider, message)

    assert response.status_code == 200
    assert frequency_for(user=resident, kind="test.minutes") == Frequency.OFF
    assert frequency_for(user=resident, kind="test.progress") == Frequency.OFF  # by default daily
    assert frequency_for(user=resident, kind="test.opened") == Frequency.IMMEDIATELY


def test_always_sent_kinds_are_explained_not_switched_off(mail_provider, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident, kind="test.outcome")

    page = mail_provider.get(_url(message))
    response = _one_click(mail_provider, message)

    for content in (page.content.decode(), response.content.decode()):
        assert "We always send these emails" in content
        assert reverse("notifications:preferences") in content
    assert not Preference.objects.exists()


def test_a_changed_link_gets_a_clear_page(client, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident)
    token = links.unsubscribe_token(message.pk)
    tampered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    wrong_purpose = links.confirm_token(message.pk)

    for bad in (tampered, wrong_purpose, "abc"):
        url = reverse("notifications:unsubscribe", args=[bad])
        for response in (client.get(url), client.post(url, ONE_CLICK, content_type="text/plain")):
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()
    assert not Preference.objects.exists()


def test_an_expired_link_gets_a_clear_page(client, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident)
    long_ago = time.time() - links.UNSUBSCRIBE_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = links.unsubscribe_token(message.pk)

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_link_to_a_deleted_message_gets_a_clear_page(client, resident) -> None:  # type: ignore[no-untyped-def]
    message = _message(user=resident)
    url = _url(message)
    message.delete()

    response = client.get(url)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
