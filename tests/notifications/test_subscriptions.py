"""Following things: at once with an account, by double opt-in without one; never twice."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from luton2040.audit.models import AuditEvent
from luton2040.notifications import kinds, links, subscriptions
from luton2040.notifications.kinds import NotificationKind
from luton2040.notifications.models import Notification, Subscription
from luton2040.notifications.views import FOLLOW_LIMIT_PER_EMAIL, FOLLOW_LIMIT_PER_IP
from luton2040.places.models import Ward
from taskforce.models import Outcome, Priority

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

FOLLOW_URL = reverse("notifications:follow")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()  # the follow form counts requests in the cache


@pytest.fixture(autouse=True)
def _followable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Domain apps register these from ready(); the platform's tests register their own.
    monkeypatch.setattr(subscriptions, "_FOLLOWABLE", {"taskforce.outcome": None})
    monkeypatch.setattr(subscriptions, "_TOPICS", {"food": "Food support"})
    monkeypatch.setitem(
        kinds._KINDS,
        "test.moved",
        NotificationKind(key="test.moved", label="Something moved", template="generic"),
    )


@pytest.fixture
def outcome() -> Outcome:
    priority = Priority.objects.create(name="Empowered community", slug="empowered-community")
    return Outcome.objects.create(
        priority=priority,
        number=1,
        short_name="Resident voice",
        slug="resident-voice",
        statement="Residents shape decisions.",
    )


def _follow(client, outcome, **extra):  # type: ignore[no-untyped-def]
    data = {"target": f"taskforce.outcome:{outcome.pk}", **extra}
    return client.post(FOLLOW_URL, data)


def test_signed_in_follow_is_confirmed_at_once_and_twice_is_harmless(client, resident, outcome):  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = _follow(client, outcome, next="/taskforce/")
    again = _follow(client, outcome, next="/taskforce/")

    assert response.status_code == 302
    assert response["Location"] == "/taskforce/"
    assert again.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.user == resident
    assert subscription.target == outcome
    assert subscription.confirmed_at is not None
    assert AuditEvent.objects.filter(verb="subscription.started").count() == 1
    page = client.get(reverse("notifications:preferences"))
    assert "1. Resident voice" in page.content.decode()


def test_follow_refuses_to_send_people_off_the_site(client, resident, outcome):  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = _follow(client, outcome, next="https://evil.example/")

    assert response["Location"] == reverse("notifications:preferences")


def test_anonymous_follow_sends_one_confirmation_and_no_second_row(
    client, outcome, django_capture_on_commit_callbacks, mailoutbox
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = _follow(client, outcome, email="amira@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        again = _follow(client, outcome, email="Amira@EXAMPLE.org")

    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert again.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.email == "amira@example.org"
    assert subscription.confirmed_at is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amira@example.org"]
    # The link is signed with the time it was made, so read it back rather than remaking it (a
    # second later the signature differs).
    prefix = reverse("notifications:confirm-follow", args=["TOKEN"]).split("TOKEN")[0]
    found = re.search(re.escape(prefix) + r"([^/\s]+)/", mailoutbox[0].body)
    assert found is not None
    assert links.read_confirm_token(found.group(1)) == subscription.pk
    assert Notification.objects.get().kind == "follow.confirm"


def test_a_new_confirmation_goes_after_ten_minutes(
    client, outcome, django_capture_on_commit_callbacks, mailoutbox
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        _follow(client, outcome, email="amira@example.org")
    Notification.objects.update(created_at=timezone.now() - subscriptions.CONFIRM_RESEND_AFTER)

    with django_capture_on_commit_callbacks(execute=True):
        _follow(client, outcome, email="amira@example.org")

    assert len(mailoutbox) == 2
    assert Subscription.objects.count() == 1


def test_the_honeypot_catches_bots_without_telling_them(
    client, outcome, django_capture_on_commit_callbacks, mailoutbox
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = _follow(client, outcome, email="victim@example.org", website="http://spam")

    assert "Check your email" in response.content.decode()
    assert not Subscription.objects.exists()
    assert mailoutbox == []


def test_anonymous_follow_is_rate_limited_per_client(client, outcome, mailoutbox):  # type: ignore[no-untyped-def]
    limit, _seconds = FOLLOW_LIMIT_PER_IP
    for n in range(limit):
        assert _follow(client, outcome, email=f"person{n}@example.org").status_code == 200

    response = _follow(client, outcome, email="one-too-many@example.org")

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert Subscription.objects.count() == limit


def test_one_address_cannot_be_mail_bombed_from_many_clients(client, outcome):  # type: ignore[no-untyped-def]
    limit, _seconds = FOLLOW_LIMIT_PER_EMAIL
    topics = {f"topic-{n}": f"Topic {n}" for n in range(limit + 2)}
    subscriptions._TOPICS.update(topics)
    statuses = [
        client.post(
            FOLLOW_URL,
            {"topic": slug, "email": "target@example.org"},
            REMOTE_ADDR=f"10.0.0.{n}",
        ).status_code
        for n, slug in enumerate(topics)
    ]

    assert statuses == [200] * limit + [429, 429]
    assert Subscription.objects.count() == limit


def test_anonymous_follow_needs_a_valid_email_and_keeps_what_was_typed(client, outcome):  # type: ignore[no-untyped-def]
    missing = _follow(client, outcome)
    wrong = _follow(client, outcome, email="not-an-email")

    assert missing.status_code == 400
    assert "govuk-error-summary" in missing.content.decode()
    assert "Enter your email address" in missing.content.decode()
    assert wrong.status_code == 400
    assert "Enter an email address in the correct format" in wrong.content.decode()
    assert 'value="not-an-email"' in wrong.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"target": "taskforce.outcome:999999"},
        {"target": "taskforce.outcome:not-a-number"},
        {"target": "accounts.user:1"},  # exists, but people are not followable
        {"target": "no.such:1"},
        {"target": "nonsense"},
        {"ward": "no-such-ward"},
        {"topic": "not-registered"},
        {},
    ],
)
def test_following_something_that_is_not_there_is_a_404(client, resident, data):  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = client.post(FOLLOW_URL, data)

    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_following_two_things_at_once_is_refused(client, resident, outcome):  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = _follow(client, outcome, topic="food")

    assert response.status_code == 404


def test_ward_and_topic_follows(client, resident):  # type: ignore[no-untyped-def]
    client.force_login(resident)
    ward = Ward.objects.order_by("pk").first()

    client.post(FOLLOW_URL, {"ward": ward.slug})
    client.post(FOLLOW_URL, {"topic": "food"})

    assert set(Subscription.objects.values_list("ward", "topic")) == {(ward.pk, ""), (None, "food")}


def test_follow_page_asks_for_an_email_address(client, outcome):  # type: ignore[no-untyped-def]
    response = client.get(FOLLOW_URL, {"target": f"taskforce.outcome:{outcome.pk}"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Get updates about 1. Resident voice" in content
    assert 'name="email"' in content
    assert not Subscription.objects.exists()


def test_the_include_names_the_target(outcome, resident):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/taskforce/")
    request.user = resident

    html = render_to_string(
        "notifications/includes/follow_form.html", {"target": outcome}, request=request
    )

    assert f'name="target" value="taskforce.outcome:{outcome.pk}"' in html
    assert 'name="email"' not in html  # signed in: one button


# --- Double opt-in ---------------------------------------------------------------------------


def _unconfirmed(outcome, email="amira@example.org") -> Subscription:  # type: ignore[no-untyped-def]
    return subscriptions.subscription_follow(email=email, target=outcome).subscription


def test_unconfirmed_followers_get_nothing_until_they_confirm(
    client, outcome, django_capture_on_commit_callbacks, mailoutbox
):  # type: ignore[no-untyped-def]
    subscription = _unconfirmed(outcome)
    mailoutbox.clear()  # the confirmation itself
    with django_capture_on_commit_callbacks(execute=True):
        before = subscriptions.notify_followers(
            target=outcome, kind="test.moved", event="moved:1", context={"subject": "Moved"}
        )
    assert before == []
    assert mailoutbox == []

    token = links.confirm_token(subscription.pk)
    client.post(reverse("notifications:confirm-follow", args=[token]))
    with django_capture_on_commit_callbacks(execute=True):
        after = subscriptions.notify_followers(
            target=outcome, kind="test.moved", event="moved:2", context={"subject": "Moved"}
        )

    assert len(after) == 1
    assert [message.to for message in mailoutbox] == [["amira@example.org"]]


def test_confirm_page_asks_first_and_confirms_on_post(client, outcome):  # type: ignore[no-untyped-def]
    subscription = _unconfirmed(outcome)
    url = reverse("notifications:confirm-follow", args=[links.confirm_token(subscription.pk)])

    page = client.get(url)
    subscription.refresh_from_db()
    assert page.status_code == 200
    assert "Confirm you want updates" in page.content.decode()
    assert subscription.confirmed_at is None  # a mail scanner following the link confirms nothing

    done = client.post(url)
    twice = client.post(url)

    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert "You will get updates" in done.content.decode()
    assert "You already get updates" in twice.content.decode()
    assert AuditEvent.objects.filter(verb="subscription.confirmed").count() == 1


def test_a_changed_confirm_link_gets_a_clear_page(client, outcome):  # type: ignore[no-untyped-def]
    subscription = _unconfirmed(outcome)
    token = links.confirm_token(subscription.pk)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    # An unsubscribe token for the same id must not confirm anything either.
    other_purpose = links.unsubscribe_token(subscription.pk)

    for bad in (tampered, other_purpose, "rubbish"):
        response = client.post(reverse("notifications:confirm-follow", args=[bad]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()

    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_an_expired_confirm_link_says_what_to_do(client, outcome):  # type: ignore[no-untyped-def]
    subscription = _unconfirmed(outcome)
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = links.confirm_token(subscription.pk)

    response = client.post(reverse("notifications:confirm-follow", args=[token]))

    assert response.status_code == 410
    content = response.content.decode()
    assert "This link has expired" in content
    assert "Get updates" in content  # what to do next
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


# --- Who hears about what --------------------------------------------------------------------


def test_recipients_are_confirmed_active_and_counted_once(outcome):  # type: ignore[no-untyped-def]
    ward = Ward.objects.order_by("pk").first()
    both = UserFactory()
    subscriptions.subscription_follow(user=both, target=outcome)
    subscriptions.subscription_follow(user=both, ward=ward)
    gone = UserFactory(is_active=False)
    subscriptions.subscription_follow(user=gone, target=outcome)
    confirmed = _unconfirmed(outcome, email="confirmed@example.org")
    subscriptions.subscription_confirm(subscription=confirmed)
    _unconfirmed(outcome, email="waiting@example.org")
    subscriptions.subscription_follow(user=UserFactory(), topic="food")  # not asked for

    recipients = subscriptions.recipients_for(target=outcome, ward=ward)

    assert len(recipients) == 2
    assert {
        (r.user.pk if r.user else 0, r.subscription.email if r.subscription else "")
        for r in recipients
    } == {(both.pk, ""), (0, "confirmed@example.org")}


def test_recipients_for_reads_the_database_once(outcome, django_assert_num_queries):  # type: ignore[no-untyped-def]
    for _ in range(5):
        subscriptions.subscription_follow(user=UserFactory(), target=outcome)

    with django_assert_num_queries(1):
        recipients = subscriptions.recipients_for(target=outcome, topic=["food"])

    assert len(recipients) == 5


def test_notify_followers_twice_sends_once(
    outcome, resident, django_capture_on_commit_callbacks, mailoutbox
):  # type: ignore[no-untyped-def]
    subscriptions.subscription_follow(user=resident, target=outcome)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            subscriptions.notify_followers(
                target=outcome, kind="test.moved", event="moved:7", context={"subject": "Moved"}
            )

    assert [message.to for message in mailoutbox] == [[resident.email]]
