"""Residents report problems with listings and say whether they were useful; staff triage."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hubs import kinds
from hubs.models import ListingReport, ListingUsefulness, Service
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification

from ..factories import ListingReportFactory, LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service() -> Service:
    return ServiceFactory(name="Marsh Farm Pantry", slug="marsh-farm-pantry")


def _report(client: Client, service: Service, **data: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("hubs:report-create", kwargs={"slug": service.slug}),
        {"problem": "wrong-times", "details": "Open 11 to 2 now", "email": "", **data},
    )


# --- Reporting a problem -------------------------------------------------------------------


def test_anyone_can_see_the_report_form(client: Client, service: Service) -> None:
    response = client.get(reverse("hubs:report-create", kwargs={"slug": service.slug}))
    assert response.status_code == 200
    assert "Report a problem with this listing" in response.content.decode()
    assert "Marsh Farm Pantry" in response.content.decode()


def test_a_report_without_an_account_gets_a_status_page_reachable_only_by_its_link(
    client: Client, service: Service
) -> None:
    response = _report(client, service, email="amina@example.org")

    report = ListingReport.objects.get()
    assert (report.service, report.problem, report.details) == (
        service,
        "wrong-times",
        "Open 11 to 2 now",
    )
    assert report.email == "amina@example.org"
    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert report.get_absolute_url() in sent.content.decode()

    status = client.get(report.get_absolute_url())
    assert status.status_code == 200
    page = status.content.decode()
    assert "Received" in page
    assert "amina@example.org" not in page  # no personal data on the status page
    assert "Open 11 to 2 now" not in page
    # Guessing does not work: only the full reference opens it.
    assert client.get(reverse("hubs:report-status", args=["nope"])).status_code == 404
    assert (
        client.get(reverse("hubs:report-status", args=[report.reference[:-1]])).status_code == 404
    )


def test_the_report_is_audited_without_the_reporters_address(
    client: Client, service: Service
) -> None:
    _report(client, service, email="amina@example.org")
    event = AuditEvent.objects.get(verb="listing_report.created")
    assert event.actor is None
    assert event.changes == {"problem": "wrong-times", "wants_reply": True}
    assert "amina" not in str(event.changes)


def test_bad_input_shows_the_error_summary_and_keeps_what_was_typed(
    client: Client, service: Service
) -> None:
    response = client.post(
        reverse("hubs:report-create", kwargs={"slug": service.slug}),
        {"problem": "", "details": "The door code changed", "email": "not-an-email"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select what is wrong with this listing" in page
    assert "Enter an email address in the correct format" in page
    assert "The door code changed" in page
    assert 'value="not-an-email"' in page
    assert ListingReport.objects.count() == 0


def test_something_else_needs_details(client: Client, service: Service) -> None:
    response = _report(client, service, problem="other", details="")
    assert response.status_code == 400
    assert "Tell us what is wrong with this listing" in response.content.decode()
    assert ListingReport.objects.count() == 0


def test_the_honeypot_records_nothing_but_looks_the_same(client: Client, service: Service) -> None:
    response = _report(client, service, website="http://spam.example")
    assert response.status_code == 200
    assert "Report sent" in response.content.decode()
    assert ListingReport.objects.count() == 0


def test_reports_are_rate_limited_per_client_without_keeping_the_address(
    client: Client, service: Service
) -> None:
    for _ in range(5):
        assert _report(client, service).status_code == 302
    response = _report(client, service)
    assert response.status_code == 429
    assert "You have sent a lot of reports" in response.content.decode()
    assert ListingReport.objects.count() == 5
    # The count is kept under a keyed hash of the address, never the address itself (any cache
    # backend: CI runs these tests against Redis).
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:127.0.0.1".encode()).hexdigest()[:32]
    assert cache.get(f"hubs:report:{digest}") == 6
    assert cache.get("hubs:report:127.0.0.1") is None
    # Another client is not limited.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert _report(other, service).status_code == 302


@pytest.mark.parametrize("status", [Service.Status.INACTIVE, Service.Status.DEFUNCT])
def test_no_feedback_on_a_service_residents_cannot_see(client: Client, status: str) -> None:
    service = ServiceFactory(status=status)
    assert client.get(reverse("hubs:report-create", args=[service.slug])).status_code == 404
    assert _report(client, service).status_code == 404
    response = client.post(reverse("hubs:usefulness", args=[service.slug]), {"useful": "yes"})
    assert response.status_code == 404
    assert ListingReport.objects.count() == ListingUsefulness.objects.count() == 0


def test_a_hub_can_be_reported_too(client: Client) -> None:
    hub = LocationFactory(is_hub=True, name="Hockwell Ring Hub")
    response = client.post(
        reverse("hubs:hub-report-create", args=[hub.slug]),
        {"problem": "closed", "details": ""},
    )
    assert response.status_code == 302
    report = ListingReport.objects.get()
    assert (report.location, report.service) == (hub, None)
    assert "Hockwell Ring Hub" in client.get(report.get_absolute_url()).content.decode()


def test_a_place_that_is_not_a_hub_has_no_report_page(client: Client) -> None:
    place = LocationFactory(is_hub=False)
    assert client.get(reverse("hubs:hub-report-create", args=[place.slug])).status_code == 404


# --- Was this useful? ----------------------------------------------------------------------


def test_usefulness_is_recorded_anonymously_and_thanks_the_user(
    client: Client, service: Service, resident: User
) -> None:
    client.force_login(resident)
    response = client.post(
        reverse("hubs:usefulness", args=[service.slug]), {"useful": "no"}, follow=True
    )
    assert response.status_code == 200
    assert "Thank you for your feedback" in response.content.decode()
    answer = ListingUsefulness.objects.get()
    assert (answer.service, answer.useful) == (service, False)
    assert not any(f.name == "user" for f in ListingUsefulness._meta.fields)
    assert response.cookies.get("useful") is None


def test_usefulness_needs_a_post_and_an_answer(client: Client, service: Service) -> None:
    url = reverse("hubs:usefulness", args=[service.slug])
    assert client.get(url).status_code == 405
    assert client.post(url, {"useful": "maybe"}).status_code == 302
    assert ListingUsefulness.objects.count() == 0


# --- Staff triage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("resident", 403), ("org_editor", 403), ("outsider", 403), ("staff", 200)],
)
def test_only_staff_see_the_triage_pages(
    client: Client, request: pytest.FixtureRequest, persona: str, expected: int
) -> None:
    report = ListingReportFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("hubs-staff:report-list")).status_code == expected
    detail = reverse("hubs-staff:report-detail", args=[report.pk])
    assert client.get(detail).status_code == expected
    post = client.post(detail, {"status": "fixed", "resolution": "Done"})
    assert post.status_code == (302 if expected == 200 else expected)


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("hubs-staff:report-list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_staff_without_mfa_are_sent_to_set_it_up(client: Client, staff_without_mfa: User) -> None:
    client.force_login(staff_without_mfa)
    response = client.get(reverse("hubs-staff:report-list"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def _make_reports(n: int) -> None:
    for i in range(n):
        ListingReportFactory(
            service=ServiceFactory() if i % 2 else None,
            location=LocationFactory(is_hub=True) if not i % 2 else None,
            status=ListingReport.Status.FIXED if i % 3 == 0 else ListingReport.Status.RECEIVED,
        )


@pytest.mark.parametrize("size", [3, 30])
def test_the_triage_list_takes_the_same_queries_at_any_size(
    client: Client, staff: User, django_assert_num_queries, size: int
) -> None:
    _make_reports(size)
    client.force_login(staff)
    client.get(reverse("hubs-staff:report-list"))  # warm the session and permission caches
    # session, user, role groups, MFA, user and group permissions; then the count, the page
    # of reports with their listings, the status counts and the median time to fix
    with django_assert_num_queries(10):
        response = client.get(reverse("hubs-staff:report-list"))
    assert response.status_code == 200


def test_triage_shows_open_reports_first_oldest_first_with_counts_and_median(
    client: Client, staff: User
) -> None:
    now = timezone.now()
    fixed = ListingReportFactory(service=ServiceFactory(name="Fixed Ages Ago"))
    old_open = ListingReportFactory(service=ServiceFactory(name="Oldest Open"))
    new_open = ListingReportFactory(service=ServiceFactory(name="Newest Open"))
    ListingReport.objects.filter(pk=fixed.pk).update(
        created_at=now - datetime.timedelta(days=12),
        status="fixed",
        resolved_at=now - datetime.timedelta(days=10),
    )
    ListingReport.objects.filter(pk=old_open.pk).update(created_at=now - datetime.timedelta(days=5))
    ListingReport.objects.filter(pk=new_open.pk).update(created_at=now - datetime.timedelta(days=1))
    client.force_login(staff)
    page = client.get(reverse("hubs-staff:report-list")).content.decode()
    assert page.index("Oldest Open") < page.index("Newest Open") < page.index("Fixed Ages Ago")
    assert "Received: <strong>2</strong>" in page
    assert "Fixed: <strong>1</strong>" in page
    assert "<strong>2.0 days</strong>" in page

    filtered = client.get(reverse("hubs-staff:report-list"), {"status": "fixed"})
    assert "Fixed Ages Ago" in filtered.content.decode()
    assert "Oldest Open" not in filtered.content.decode()


def test_a_bad_filter_value_is_an_error_not_a_crash(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.get(reverse("hubs-staff:report-list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def _resolve(client: Client, report: ListingReport, status: str, resolution: str = "Updated"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("hubs-staff:report-detail", args=[report.pk]),
        {"status": status, "resolution": resolution},
    )


def test_staff_resolve_a_report_and_the_reporter_is_emailed_once(
    client: Client,
    staff: User,
    mailoutbox: list,
    django_capture_on_commit_callbacks,
) -> None:
    report = ListingReportFactory(email="amina@example.org")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert _resolve(client, report, "checking", "").status_code == 302
    assert Notification.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert _resolve(client, report, "fixed", "New times are on the listing").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(client, report, "fixed", "New times are on the listing, and the phone")
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(client, report, "no-change", "Checked again")

    (row,) = Notification.objects.filter(kind=kinds.REPORT_RESOLVED)
    assert row.to == "amina@example.org"
    assert row.status == Notification.Status.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amina@example.org"]
    assert "New times are on the listing" in mailoutbox[0].body
    assert report.get_absolute_url() in mailoutbox[0].body

    report.refresh_from_db()
    assert report.status == "no-change"
    assert report.resolved_at is not None
    verbs = list(
        AuditEvent.objects.filter(verb="listing_report.updated").values_list("actor", flat=True)
    )
    assert verbs == [staff.pk] * 4


def test_the_reporter_sees_the_resolution_on_the_status_page(client: Client, staff: User) -> None:
    report = ListingReportFactory()
    client.force_login(staff)
    _resolve(client, report, "fixed", "We changed the opening times")
    client.logout()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Fixed" in page
    assert "We changed the opening times" in page


def test_resolving_without_saying_what_was_done_is_refused(client: Client, staff: User) -> None:
    report = ListingReportFactory(email="amina@example.org")
    client.force_login(staff)
    response = _resolve(client, report, "fixed", "")
    assert response.status_code == 400
    assert "Say what you did" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "received"
    assert Notification.objects.count() == 0


def test_a_report_without_an_email_resolves_silently(client: Client, staff: User) -> None:
    report = ListingReportFactory(email="")
    client.force_login(staff)
    _resolve(client, report, "no-change", "It was right")
    report.refresh_from_db()
    assert report.status == "no-change"
    assert Notification.objects.count() == 0
