"""Council staff review provider edits: see the difference, approve (applied at once, once) or
reject with a reason; the editor is told either way."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hubs.models import Attribute, Language, ListingEdit, Location, Schedule, Service
from hubs.services.review import listing_edit_approve, service_snapshot
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification

from ..factories import ListingEditFactory, LocationFactory, OrganisationFactory, editable_service
from .test_editor import _edit_page, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(organisation) -> Service:  # type: ignore[no-untyped-def]
    return editable_service(
        organisation,
        name="Saturday Food Bank",
        slug="saturday-food-bank",
        description="Food parcels for anyone who needs them. Bring a bag.",
        assured_date=datetime.date(2024, 1, 1),
    )


def approve(client: Client, edit: ListingEdit, **kwargs: object) -> object:
    """Press "Approve change" on the review page, as staff (who must be signed in)."""
    detail = client.get(reverse("hubs-staff:review-detail", kwargs={"pk": edit.pk}))
    version = detail.context["approve_form"]["version"].value()
    url = reverse("hubs-staff:review-approve", kwargs={"pk": edit.pk})
    return client.post(url, {"version": version}, **kwargs)


@pytest.fixture
def proposal(client: Client, org_editor: User, service: Service) -> ListingEdit:
    """The editor moves the session to Saturday 09:30-12:00, changes the description and adds
    the Food First programme and Polish, through the form."""
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    data = form_data(
        _edit_page(client, url),
        description="Food parcels for anyone who needs them. No referral needed.",
        programmes=["food-first"],
        **{
            "schedules-0-byday": "SA",
            "schedules-0-opens_at": "09:30",
            "schedules-0-closes_at": "12:00",
            "languages-1-name": "Polish",
            "languages-1-code": "pl",
        },
    )
    assert client.post(url, data).status_code == 302
    client.logout()
    return ListingEdit.objects.get(service=service)


def test_staff_see_the_difference_with_changed_rows_marked(
    client: Client, staff: User, proposal: ListingEdit
) -> None:
    client.force_login(staff)
    response = client.get(reverse("hubs-staff:review-detail", kwargs={"pk": proposal.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Published" in page and "Proposed" in page
    rows = {row.key: row for row in response.context["rows"]}
    assert rows["description"].changed and rows["locations"].changed
    assert not rows["name"].changed
    assert page.count(">Changed</strong>") == 4  # description, programmes, places, languages
    assert any("Weekly MO, 10:00 to 14:00" in line for line in rows["locations"].published)
    assert any("Weekly SA, 09:30 to 12:00" in line for line in rows["locations"].proposed)
    assert rows["programmes"].proposed == ["Food First"]
    # Long text is compared word by word, with the words named for screen readers.
    assert "removed: </span>Bring a bag.</del>" in page
    assert "added: </span>No referral needed.</ins>" in page
    assert "has changed since this was proposed" not in page


def test_approving_applies_the_proposal_and_tells_the_editor(
    client: Client,
    staff: User,
    org_editor: User,
    proposal: ListingEdit,
    service: Service,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    detail = client.get(reverse("hubs-staff:review-detail", kwargs={"pk": proposal.pk}))
    version = detail.context["approve_form"]["version"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hubs-staff:review-approve", kwargs={"pk": proposal.pk}),
            {"version": version},
            follow=True,
        )
    assert "Approved" in response.content.decode()

    service.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == ListingEdit.Status.APPROVED and proposal.decided_by == staff
    assert service.description == "Food parcels for anyone who needs them. No referral needed."
    [schedule] = Schedule.objects.filter(service=service)
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "SA",
        datetime.time(9, 30),
        datetime.time(12, 0),
    )
    assert schedule.service_at_location is not None
    assert sorted(Language.objects.filter(service=service).values_list("code", flat=True)) == [
        "pl",
        "ur",
    ]
    assert Attribute.objects.filter(
        service=service, taxonomy_term__slug="food-first", link_type="programme"
    ).exists()
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == org_editor.email
    assert service_snapshot(service) == proposal.proposed

    assert AuditEvent.objects.filter(
        verb="listing_edit.approved", object_id=str(proposal.pk)
    ).exists()
    change = AuditEvent.objects.get(verb="service.changed_by_review", object_id=str(service.pk))
    assert "description" in change.changes and "name" not in change.changes
    note = Notification.objects.get(kind="hubs.listing_edit_decided", user=org_editor)
    assert note.context["approved"] is True

    client.force_login(org_editor)
    assert "Change approved" in client.get(reverse("hubs:manage")).content.decode()


def test_approving_twice_changes_things_once(
    client: Client, staff: User, proposal: ListingEdit, service: Service
) -> None:
    client.force_login(staff)
    url = reverse("hubs-staff:review-approve", kwargs={"pk": proposal.pk})
    version = (
        client.get(reverse("hubs-staff:review-detail", kwargs={"pk": proposal.pk}))
        .context["approve_form"]["version"]
        .value()
    )
    client.post(url, {"version": version})
    first = Schedule.objects.get(service=service).pk
    response = client.post(url, {"version": version}, follow=True)
    assert "already been decided" in response.content.decode()
    assert Schedule.objects.get(service=service).pk == first
    assert AuditEvent.objects.filter(verb="listing_edit.approved").count() == 1
    assert AuditEvent.objects.filter(verb="service.changed_by_review").count() == 1
    assert Notification.objects.filter(kind="hubs.listing_edit_decided").count() == 1


def test_approval_refuses_a_proposal_replaced_while_staff_read_it(
    client: Client, staff: User, proposal: ListingEdit, service: Service
) -> None:
    client.force_login(staff)
    detail = client.get(reverse("hubs-staff:review-detail", kwargs={"pk": proposal.pk}))
    version = detail.context["approve_form"]["version"].value()
    proposal.proposed = {**proposal.proposed, "name": "Something else"}
    proposal.save()
    response = client.post(
        reverse("hubs-staff:review-approve", kwargs={"pk": proposal.pk}),
        {"version": version},
        follow=True,
    )
    assert "changed this proposal while you were reading it" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ListingEdit.Status.PENDING
    service.refresh_from_db()
    assert service.name == "Saturday Food Bank"


def test_rejecting_needs_a_reason_and_changes_nothing(
    client: Client,
    staff: User,
    org_editor: User,
    proposal: ListingEdit,
    service: Service,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    url = reverse("hubs-staff:review-reject", kwargs={"pk": proposal.pk})
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "Enter a reason, so the editor knows what to change" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ListingEdit.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Saturday sessions start in May: send it again then."})
    proposal.refresh_from_db()
    assert proposal.status == ListingEdit.Status.REJECTED
    service.refresh_from_db()
    assert service.description == "Food parcels for anyone who needs them. Bring a bag."
    assert Schedule.objects.get(service=service).byday == "MO"
    assert service.assured_date == datetime.date(2024, 1, 1)
    assert AuditEvent.objects.filter(verb="listing_edit.rejected").count() == 1
    note = Notification.objects.get(kind="hubs.listing_edit_decided", user=org_editor)
    assert note.context["reason"] == "Saturday sessions start in May: send it again then."

    client.force_login(org_editor)
    page = client.get(reverse("hubs:manage")).content.decode()
    assert "Change not approved" in page
    assert "Saturday sessions start in May" in page


def test_review_warns_when_the_live_listing_moved_on(
    client: Client, staff: User, proposal: ListingEdit, service: Service
) -> None:
    Service.objects.filter(pk=service.pk).update(summary="Edited in the admin meanwhile.")
    client.force_login(staff)
    response = client.get(reverse("hubs-staff:review-detail", kwargs={"pk": proposal.pk}))
    page = response.content.decode()
    assert "The live listing has changed since this was proposed" in page
    assert [str(label) for label in response.context["changed_since"]] == ["Summary"]


def test_a_new_service_is_created_on_approval(
    client: Client, staff: User, org_editor: User, organisation
) -> None:  # type: ignore[no-untyped-def]
    hub = LocationFactory(organisation=organisation, is_hub=True)
    client.force_login(org_editor)
    url = reverse("hubs:service-propose", kwargs={"organisation": organisation.slug})
    data = form_data(
        _edit_page(client, url),
        name="Warm Welcome Café",
        summary="Hot drinks and company.",
        categories=["warm-spaces"],
        locations=[hub.slug],
        **{
            "schedules-0-location": hub.slug,
            "schedules-0-byday": "TU",
            "schedules-0-opens_at": "13:00",
            "schedules-0-closes_at": "16:00",
        },
    )
    client.post(url, data)
    edit = ListingEdit.objects.get()

    client.force_login(staff)
    detail = client.get(reverse("hubs-staff:review-detail", kwargs={"pk": edit.pk}))
    assert "Not published yet" in detail.content.decode()
    approve(client, edit)

    service = Service.objects.get(name="Warm Welcome Café")
    assert service.organisation == organisation
    assert service.slug == "warm-welcome-cafe"
    assert service.assured_date == timezone.localdate()
    assert Schedule.objects.get(service=service).service_at_location.location == hub  # type: ignore[union-attr]
    edit.refresh_from_db()
    assert edit.service == service
    assert AuditEvent.objects.filter(verb="service.created_by_review").count() == 1


def test_a_new_hub_is_created_on_approval(
    client: Client, staff: User, org_editor: User, organisation
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(org_editor)
    url = reverse("hubs:hub-propose", kwargs={"organisation": organisation.slug})
    data = form_data(
        _edit_page(client, url),
        name="Marsh Farm Hub",
        address_1="1 Marsh Road",
        postal_code="LU3 3NH",
        accessibility_terms=["wheelchair-access"],
        **{
            "schedules-0-byday": "MO,WE",
            "schedules-0-opens_at": "09:00",
            "schedules-0-closes_at": "17:00",
        },
    )
    client.post(url, data)
    edit = ListingEdit.objects.get()
    client.force_login(staff)
    approve(client, edit)

    hub = Location.objects.get(name="Marsh Farm Hub")
    assert hub.is_hub and hub.organisation == organisation
    assert hub.addresses.get().postal_code == "LU3 3NH"
    assert Schedule.objects.get(location=hub).byday == "MO,WE"
    assert Attribute.objects.filter(location=hub, taxonomy_term__slug="wheelchair-access").exists()


def test_approve_service_directly_is_idempotent(staff: User, proposal: ListingEdit) -> None:
    """The service's own guard, without the view: a second call raises and changes nothing."""
    from hubs.services.review import StaleProposal

    listing_edit_approve(edit=proposal, by=staff)
    with pytest.raises(StaleProposal):
        listing_edit_approve(edit=proposal, by=staff)
    assert AuditEvent.objects.filter(verb="listing_edit.approved").count() == 1


# --- The queue --------------------------------------------------------------------------------


def test_queue_lists_pending_oldest_first_and_filters_by_status(
    client: Client, staff: User
) -> None:
    newer = ListingEditFactory(proposed={"name": "Newer proposal"})
    older = ListingEditFactory(proposed={"name": "Older proposal"})
    ListingEdit.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    ListingEditFactory(proposed={"name": "Decided proposal"}, status="rejected", reason="No")
    client.force_login(staff)
    page = client.get(reverse("hubs-staff:review-list")).content.decode()
    assert page.index("Older proposal") < page.index("Newer proposal")
    assert "Decided proposal" not in page
    assert "3\xa0days" in page
    # Escaped as the page shows it: Faker's names include O'Brien.
    assert escape(newer.submitted_by.get_full_name()) in page

    page = client.get(reverse("hubs-staff:review-list"), {"status": "rejected"}).content.decode()
    assert "Decided proposal" in page and "Older proposal" not in page
    page = client.get(reverse("hubs-staff:review-list"), {"status": ""}).content.decode()
    assert "Decided proposal" in page and "Older proposal" in page


def test_queue_query_count_is_constant(
    client: Client, staff: User, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    ListingEditFactory.create_batch(2)
    ListingEditFactory(service=None, organisation=OrganisationFactory(), kind="hub", published=None)
    client.get(reverse("hubs-staff:review-list"))
    with django_assert_num_queries(6) as small:
        client.get(reverse("hubs-staff:review-list"))
    ListingEditFactory.create_batch(12)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("hubs-staff:review-list"))
    assert response.context["paginator"].count == 15


# --- Who may review ---------------------------------------------------------------------------


def _staff_urls(edit: ListingEdit) -> list[str]:
    return [
        reverse("hubs-staff:review-list"),
        reverse("hubs-staff:review-detail", kwargs={"pk": edit.pk}),
        reverse("hubs-staff:review-approve", kwargs={"pk": edit.pk}),
        reverse("hubs-staff:review-reject", kwargs={"pk": edit.pk}),
    ]


@pytest.mark.parametrize("persona", ["org_editor", "resident", "outsider", "taskforce_member"])
def test_only_council_staff_review(
    request: pytest.FixtureRequest, client: Client, persona: str, service: Service
) -> None:
    edit = ListingEditFactory(service=service)
    client.force_login(request.getfixturevalue(persona))
    for url in _staff_urls(edit):
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, {"reason": "no"}).status_code == 403, url
    edit.refresh_from_db()
    assert edit.status == ListingEdit.Status.PENDING


def test_staff_without_two_factor_are_sent_to_set_it_up(
    client: Client, staff_without_mfa: User, service: Service
) -> None:
    edit = ListingEditFactory(service=service)
    client.force_login(staff_without_mfa)
    for url in _staff_urls(edit):
        response = client.post(url) if url.endswith(("approve/", "reject/")) else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    edit.refresh_from_db()
    assert edit.status == ListingEdit.Status.PENDING


def test_anonymous_people_are_sent_to_sign_in(client: Client, service: Service) -> None:
    edit = ListingEditFactory(service=service)
    for url in _staff_urls(edit):
        response = client.post(url) if url.endswith(("approve/", "reject/")) else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    edit.refresh_from_db()
    assert edit.status == ListingEdit.Status.PENDING
