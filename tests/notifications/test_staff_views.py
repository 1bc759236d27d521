"""Council staff see what is queued, sent and failed, with the error, and retry a failure."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification

pytestmark = pytest.mark.django_db

_keys = itertools.count()


def _notification(**fields: object) -> Notification:
    defaults: dict[str, object] = {
        "kind": "account.security",
        "to": "rashida.resident@example.org",
        "idempotency_key": f"test:{next(_keys)}",
    }
    return Notification.objects.create(**{**defaults, **fields})


LIST = reverse("notifications-staff:list")


def test_anonymous_people_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["resident", "taskforce_member", "org_editor", "outsider"])
def test_only_council_staff_see_the_outbox(persona, client, request) -> None:  # type: ignore[no-untyped-def]
    failed = _notification(status=Notification.Status.FAILED)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("notifications-staff:detail", args=[failed.pk])).status_code == 403
    assert client.post(reverse("notifications-staff:retry", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == Notification.Status.FAILED


def test_staff_without_mfa_set_it_up_first(client, staff_without_mfa) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff_without_mfa)
    assert client.get(LIST)["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_see_each_status_and_filter_by_it(client, staff) -> None:  # type: ignore[no-untyped-def]
    _notification(status=Notification.Status.PENDING, to="queued@example.org")
    _notification(status=Notification.Status.SENT, to="sent@example.org")
    _notification(status=Notification.Status.FAILED, to="failed@example.org")
    client.force_login(staff)

    everything = client.get(LIST).content.decode()
    failed_only = client.get(LIST, {"status": "failed"}).content.decode()

    for address in ("queued@example.org", "sent@example.org", "failed@example.org"):
        assert address in everything
    assert "failed@example.org" in failed_only
    assert "sent@example.org" not in failed_only
    assert "Failed: <strong>1</strong>" in everything


def test_a_bad_filter_gets_a_message_not_a_500(client, staff) -> None:  # type: ignore[no-untyped-def]
    _notification()
    client.force_login(staff)
    response = client.get(LIST, {"status": "exploded"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_queries_however_many_rows(  # type: ignore[no-untyped-def]
    rows, client, staff, django_assert_num_queries
) -> None:
    for _ in range(rows):
        _notification(user=staff, to=staff.email)
    client.force_login(staff)
    client.get(LIST)  # warm the per-process caches (content types, permissions)
    # session, user, roles, TOTP check (middleware), row count, status counts, page of rows
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200


def test_the_detail_page_shows_the_error(client, staff) -> None:  # type: ignore[no-untyped-def]
    failed = _notification(
        status=Notification.Status.FAILED, last_error="550 5.1.1 mailbox unavailable", attempts=5
    )
    client.force_login(staff)
    page = client.get(reverse("notifications-staff:detail", args=[failed.pk])).content.decode()
    assert "550 5.1.1 mailbox unavailable" in page
    assert "Send this message again" in page


def test_staff_retry_a_failed_message_and_it_is_audited(  # type: ignore[no-untyped-def]
    client, staff, django_capture_on_commit_callbacks
) -> None:
    failed = _notification(status=Notification.Status.FAILED, last_error="timed out", attempts=5)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("notifications-staff:retry", args=[failed.pk]))

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Notification.Status.PENDING
    assert len(callbacks) == 1  # delivery is queued, after the commit
    assert AuditEvent.objects.filter(actor=staff, object_id=str(failed.pk)).exists()


def test_retrying_a_message_that_did_not_fail_changes_nothing(client, staff) -> None:  # type: ignore[no-untyped-def]
    sent = _notification(status=Notification.Status.SENT)
    client.force_login(staff)
    client.post(reverse("notifications-staff:retry", args=[sent.pk]))
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT
    assert not AuditEvent.objects.filter(object_id=str(sent.pk), verb__contains="retr").exists()


def test_retry_is_post_only(client, staff) -> None:  # type: ignore[no-untyped-def]
    failed = _notification(status=Notification.Status.FAILED)
    client.force_login(staff)
    assert client.get(reverse("notifications-staff:retry", args=[failed.pk])).status_code == 405
