"""The freshness loop: "Still correct?" emails, the one-click confirm page, and flagging."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hubs import kinds, tasks
from hubs.models import Service
from hubs.services import freshness
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification

from ..factories import ContactFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.localdate() - datetime.timedelta(days=400)


def _stale(**kwargs: object) -> Service:
    return ServiceFactory(assured_date=LONG_AGO, **kwargs)


def _run_requests(capture) -> int:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return tasks.request_verifications.delay().get()


def _confirm_url(service: Service, email: str = "pantry@example.org") -> str:
    return reverse(
        "hubs:service-confirm", args=[freshness.verification_token(service=service, email=email)]
    )


# --- Asking providers ----------------------------------------------------------------------


def test_stale_services_are_asked_once_however_often_the_job_runs(
    mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    stale = _stale(name="Lewsey Pantry", email="pantry@example.org")
    never = ServiceFactory(assured_date=None, email="never@example.org")
    ServiceFactory(email="fresh@example.org")  # verified today
    _stale(email="gone@example.org", status=Service.Status.DEFUNCT)  # not listed

    assert _run_requests(django_capture_on_commit_callbacks) == 2
    assert _run_requests(django_capture_on_commit_callbacks) == 0

    assert sorted(m.to[0] for m in mailoutbox) == ["never@example.org", "pantry@example.org"]
    assert Notification.objects.filter(kind=kinds.LISTING_VERIFICATION_DUE).count() == 2
    stale.refresh_from_db()
    never.refresh_from_db()
    assert stale.verification_requested_at is not None
    assert never.verification_requested_at is not None
    message = next(m for m in mailoutbox if m.to == ["pantry@example.org"])
    assert "Lewsey Pantry" in message.subject
    assert "/find-support/check-listing/" in message.body
    assert AuditEvent.objects.filter(verb="service.verification_requested").count() == 2


def test_the_contact_is_the_service_email_else_its_contacts_else_its_organisation() -> None:
    with_email = _stale(email="service@example.org")
    ContactFactory(service=with_email, email="ignored@example.org")
    with_contacts = _stale(email="")
    ContactFactory(service=with_contacts, email="a@example.org")
    ContactFactory(service=with_contacts, email="")
    ContactFactory(service=with_contacts, email="b@example.org")
    org_only = _stale(email="", organisation=OrganisationFactory(email="org@example.org"))
    nobody = _stale(email="")

    assert freshness.service_contact_emails(service=with_email) == ["service@example.org"]
    assert freshness.service_contact_emails(service=with_contacts) == [
        "a@example.org",
        "b@example.org",
    ]
    assert freshness.service_contact_emails(service=org_only) == ["org@example.org"]
    assert freshness.service_contact_emails(service=nobody) == []


def test_a_service_asked_recently_is_not_asked_again(django_capture_on_commit_callbacks) -> None:
    _stale(
        email="a@example.org",
        verification_requested_at=timezone.now() - datetime.timedelta(days=20),
    )
    assert _run_requests(django_capture_on_commit_callbacks) == 0


def test_a_service_asked_a_whole_window_ago_is_asked_again(
    django_capture_on_commit_callbacks,
) -> None:
    _stale(
        email="a@example.org",
        verification_requested_at=timezone.now() - datetime.timedelta(days=200),
    )
    assert _run_requests(django_capture_on_commit_callbacks) == 1


# --- The confirm link ----------------------------------------------------------------------


def test_opening_the_link_changes_nothing(client: Client) -> None:
    service = _stale(name="Lewsey Pantry", verification_requested_at=timezone.now())
    response = client.get(_confirm_url(service))
    assert response.status_code == 200
    assert "Is this listing still correct?" in response.content.decode()
    assert "Lewsey Pantry" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date == LONG_AGO
    assert service.verification_requested_at is not None


def test_pressing_the_button_verifies_the_listing_and_audits_who_it_was_sent_to(
    client: Client,
) -> None:
    now = timezone.now()
    service = _stale(verification_requested_at=now, unconfirmed_since=now)
    response = client.post(_confirm_url(service, "pantry@example.org"))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == "pantry@example.org"
    assert service.verification_requested_at is None
    assert service.unconfirmed_since is None
    event = AuditEvent.objects.get(verb="service.verified_by_link")
    assert event.actor is None
    assert event.changes["sent_to"] == "pantry@example.org"


def test_a_link_used_once_does_not_work_again(client: Client) -> None:
    service = _stale()
    url = _confirm_url(service)
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 400
    assert "already been confirmed" in again.content.decode()
    assert client.get(url).status_code == 400
    assert AuditEvent.objects.filter(verb="service.verified_by_link").count() == 1


def test_a_tampered_link_gets_a_clear_page(client: Client) -> None:
    service = _stale()
    token = freshness.verification_token(service=service, email="a@example.org")
    for bad in (
        token[:-2] + "xx",
        "nonsense",
        signing.dumps({"s": "x"}, salt=freshness.VERIFY_SALT),
    ):
        response = client.post(reverse("hubs:service-confirm", args=[bad]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date == LONG_AGO


def test_an_expired_link_gets_a_clear_page(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    service = _stale()
    url = _confirm_url(service)
    later = timezone.now().timestamp() + 61 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(url)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date == LONG_AGO


def test_no_link_for_a_service_no_longer_listed(client: Client) -> None:
    service = _stale()
    url = _confirm_url(service)
    Service.objects.filter(pk=service.pk).update(status=Service.Status.DEFUNCT)
    assert client.get(url).status_code == 400


# --- Flagging the unconfirmed --------------------------------------------------------------


def test_unanswered_services_are_flagged_and_staff_told_once(
    staff: User, django_capture_on_commit_callbacks
) -> None:
    now = timezone.now()
    overdue = _stale(name="Quiet Club", verification_requested_at=now - datetime.timedelta(days=31))
    _stale(name="Recently Asked", verification_requested_at=now - datetime.timedelta(days=3))
    ServiceFactory(name="Never Asked")

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.flag_unconfirmed.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.flag_unconfirmed.delay().get() == 0

    overdue.refresh_from_db()
    assert overdue.unconfirmed_since is not None
    assert Service.objects.filter(unconfirmed_since__isnull=False).count() == 1
    (row,) = Notification.objects.filter(kind=kinds.LISTINGS_UNCONFIRMED)
    assert row.user == staff
    assert row.context["services"] == [
        {"name": "Quiet Club", "organisation": overdue.organisation.name}
    ]


def test_flagged_services_are_listed_for_staff(
    client: Client, staff: User, django_assert_num_queries
) -> None:
    now = timezone.now()
    for i in range(3):
        _stale(name=f"Unconfirmed {i}", verification_requested_at=now, unconfirmed_since=now)
    ServiceFactory(name="Confirmed One")
    client.force_login(staff)
    client.get(reverse("hubs-staff:unconfirmed-list"))
    with django_assert_num_queries(8):
        page = client.get(reverse("hubs-staff:unconfirmed-list")).content.decode()
    assert "Unconfirmed 0" in page and "Unconfirmed 2" in page
    assert "Confirmed One" not in page
    for i in range(3, 20):
        _stale(name=f"Unconfirmed {i}", verification_requested_at=now, unconfirmed_since=now)
    with django_assert_num_queries(8):
        client.get(reverse("hubs-staff:unconfirmed-list"))


def test_residents_cannot_see_the_unconfirmed_list(client: Client, resident: User) -> None:
    client.force_login(resident)
    assert client.get(reverse("hubs-staff:unconfirmed-list")).status_code == 403
