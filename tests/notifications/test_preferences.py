"""The email preferences page: how often each kind comes, and what a person follows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luton2040.audit.models import AuditEvent
from luton2040.notifications import kinds, subscriptions
from luton2040.notifications.kinds import Frequency, NotificationKind
from luton2040.notifications.models import Notification, Preference, Subscription
from luton2040.notifications.preferences import frequency_for
from luton2040.notifications.services import Recipient, notify
from luton2040.places.models import Ward

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


@pytest.fixture(autouse=True)
def _kinds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Domain apps register their kinds from ready(); these stand in for them, so the forms
    # posted here do not depend on which kinds the domain apps happen to register.
    monkeypatch.setattr(
        kinds,
        "_KINDS",
        {key: kind for key, kind in kinds._KINDS.items() if not kind.can_switch_off},
    )
    monkeypatch.setitem(
        kinds._KINDS,
        "test.opened",
        NotificationKind(
            key="test.opened", label="A consultation opens in your ward", template="generic"
        ),
    )
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
    monkeypatch.setitem(
        kinds._KINDS,
        "test.outcome",
        NotificationKind(
            key="test.outcome",
            label="The outcome of what you responded to",
            can_switch_off=False,
            template="generic",
        ),
    )


def test_anonymous_people_are_asked_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_page_offers_a_choice_for_each_kind_and_lists_the_always_sent(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "A consultation opens in your ward" in content
    assert 'name="kind-test-opened" type="radio" value="immediately" checked' in content
    assert 'name="kind-test-progress" type="radio" value="daily" checked' in content
    assert "In a daily summary" in content
    # Always sent: named, with no control to change it.
    assert "The outcome of what you responded to" in content
    assert 'name="kind-test-outcome"' not in content
    assert 'name="kind-account-security"' not in content


def test_saving_shows_a_banner_keeps_the_choice_and_is_audited(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = client.post(
        URL, {"kind-test-opened": "daily", "kind-test-progress": "off"}, follow=True
    )

    content = response.content.decode()
    assert "Your email preferences have been saved" in content
    assert 'name="kind-test-opened" type="radio" value="daily" checked' in content
    assert frequency_for(user=resident, kind="test.opened") == Frequency.DAILY
    assert frequency_for(user=resident, kind="test.progress") == Frequency.OFF
    event = AuditEvent.objects.get(verb="notification_preferences.changed")
    assert event.actor == resident
    assert event.changes == {
        "test.opened": ["immediately", "daily"],
        "test.progress": ["daily", "off"],
    }
    assert resident.email not in str(event.changes)


def test_saving_the_same_choices_again_changes_and_audits_nothing(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    choices = {"kind-test-opened": "immediately", "kind-test-progress": "daily"}

    client.post(URL, choices)

    assert not Preference.objects.exists()
    assert not AuditEvent.objects.filter(verb="notification_preferences.changed").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind-test-opened": "hourly", "kind-test-progress": "daily"},
        {"kind-test-progress": "daily"},
        {},
    ],
)
def test_bad_values_get_an_error_summary_not_a_500(client, resident, data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = client.post(URL, data)

    content = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in content
    assert "A consultation opens in your ward" in content
    assert not Preference.objects.exists()


def test_bad_value_keeps_the_other_choices(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)

    response = client.post(URL, {"kind-test-opened": "hourly", "kind-test-progress": "off"})

    assert 'name="kind-test-progress" type="radio" value="off" checked' in response.content.decode()


def test_a_forged_post_cannot_switch_off_what_is_always_sent(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)

    client.post(
        URL,
        {
            "kind-test-opened": "immediately",
            "kind-test-progress": "daily",
            "kind-test-outcome": "off",
            "kind-account-security": "off",
        },
    )

    assert not Preference.objects.exists()
    assert frequency_for(user=resident, kind="test.outcome") == Frequency.IMMEDIATELY
    assert frequency_for(user=resident, kind="account.security") == Frequency.IMMEDIATELY


def test_an_old_row_cannot_silence_what_is_always_sent(resident) -> None:  # type: ignore[no-untyped-def]
    Preference.objects.create(user=resident, kind="test.outcome", frequency=Frequency.OFF)

    assert frequency_for(user=resident, kind="test.outcome") == Frequency.IMMEDIATELY


def test_notify_respects_the_choices(
    client, resident, django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    client.post(URL, {"kind-test-opened": "off", "kind-test-progress": "daily"})
    me = [Recipient(user=resident)]
    context = {"subject": "News", "summary": "Something happened", "url": "/"}

    with django_capture_on_commit_callbacks(execute=True):
        off = notify(kind="test.opened", event="opened:1", recipients=me, context=context)
        daily = notify(kind="test.progress", event="progress:1", recipients=me, context=context)
        always = notify(kind="test.outcome", event="outcome:1", recipients=me, context=context)

    assert off == []
    assert [row.status for row in daily] == [Notification.Status.HELD]
    assert len(always) == 1
    assert len(mailoutbox) == 1  # only the always-sent one went now
    assert mailoutbox[0].to == [resident.email]


# --- What you follow -------------------------------------------------------------------------


def _ward_follows(user, count: int) -> list[Subscription]:  # type: ignore[no-untyped-def]
    return [
        subscriptions.subscription_follow(user=user, ward=ward).subscription
        for ward in Ward.objects.order_by("pk")[:count]
    ]


def test_follows_are_listed_with_a_stop_button_that_works(client, resident) -> None:  # type: ignore[no-untyped-def]
    first, second = _ward_follows(resident, 2)
    client.force_login(resident)

    page = client.get(URL).content.decode()
    response = client.post(URL, {"stop": first.pk}, follow=True)

    assert first.ward.name in page
    assert f'name="stop" value="{first.pk}"' in page
    assert f"You will no longer get updates about {first.ward.name}" in response.content.decode()
    assert list(Subscription.objects.values_list("pk", flat=True)) == [second.pk]
    assert AuditEvent.objects.filter(verb="subscription.ended", actor=resident).count() == 1


def test_stopping_twice_or_someone_elses_changes_nothing(client, resident, outsider) -> None:  # type: ignore[no-untyped-def]
    (theirs,) = _ward_follows(resident, 1)
    client.force_login(outsider)

    response = client.post(URL, {"stop": theirs.pk}, follow=True)
    nonsense = client.post(URL, {"stop": "abc"})

    assert "You were not following that" in response.content.decode()
    assert nonsense.status_code == 302
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_preferences_page_queries_do_not_grow_with_follows(
    client, resident, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _ward_follows(resident, 1)
    client.force_login(resident)
    client.get(URL)  # warm the content-type cache
    with django_assert_num_queries(7):
        client.get(URL)

    _ward_follows(resident, 6)
    with django_assert_num_queries(7):
        response = client.get(URL)

    assert response.content.decode().count('name="stop"') == 6


def test_kinds_meant_for_a_role_are_offered_only_to_people_with_it(client, resident, staff) -> None:  # type: ignore[no-untyped-def]
    kinds.register(
        NotificationKind(
            key="test.staff_only",
            label="A provider proposes a change (staff)",
            template="generic",
            roles=("Council staff",),
        )
    )
    try:
        client.force_login(resident)
        assert 'name="kind-test-staff_only"' not in client.get(URL).content.decode()
        client.force_login(staff)
        assert 'name="kind-test-staff_only"' in client.get(URL).content.decode()
    finally:
        kinds._KINDS.pop("test.staff_only")
