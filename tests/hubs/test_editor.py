"""Organisation editors propose changes to their listings; nothing goes live before review."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hubs.models import ListingEdit, Location, Schedule, Service
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification

from ..factories import (
    LocationFactory,
    OrganisationEditorFactory,
    OrganisationFactory,
    ServiceFactory,
    UserFactory,
    editable_service,
)

pytestmark = pytest.mark.django_db


def form_data(editor: Any, **changes: Any) -> dict[str, Any]:
    """What a browser sends for the editor form as shown, with `changes` applied."""
    data: dict[str, Any] = {}
    forms = [editor.form]
    for formset in editor.formsets.values():
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            elif isinstance(value, datetime.time):
                value = value.strftime("%H:%M")
            elif value is True:
                value = "on"
            elif value in (None, False):
                value = ""
            if value != "":
                data[field.html_name] = value
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def service(organisation) -> Service:  # type: ignore[no-untyped-def]
    return editable_service(organisation, name="Saturday Food Bank", slug="saturday-food-bank")


@pytest.fixture
def hub(organisation) -> Location:  # type: ignore[no-untyped-def]
    return LocationFactory(organisation=organisation, is_hub=True, name="Bury Park Hub")


def _edit_page(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["editor"]


def test_editor_sees_their_listings_with_review_state(
    client: Client, org_editor: User, service: Service, hub: Location
) -> None:
    ListingEdit.objects.create(
        organisation=service.organisation,
        kind="service",
        service=service,
        proposed={"name": "x"},
        status=ListingEdit.Status.REJECTED,
        reason="Please add the postcode",
    )
    other = ServiceFactory(name="Someone Else's Service")
    client.force_login(org_editor)
    response = client.get(reverse("hubs:manage"))
    page = response.content.decode()
    assert "Saturday Food Bank" in page and "Bury Park Hub" in page
    assert "Change not approved" in page and "Please add the postcode" in page
    assert other.name not in page


def test_manage_page_query_count_is_constant(
    client: Client, org_editor: User, organisation, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(org_editor)
    client.get(reverse("hubs:manage"))  # warm the session and content types

    def add_listings() -> None:
        service = editable_service(organisation)
        ListingEdit.objects.create(
            organisation=organisation, kind="service", service=service, proposed={"name": "a"}
        )
        ListingEdit.objects.create(organisation=organisation, kind="hub", proposed={"name": "n"})

    add_listings()
    with django_assert_num_queries(9) as small:
        client.get(reverse("hubs:manage"))
    for _ in range(4):
        add_listings()
    second = OrganisationFactory()
    OrganisationEditorFactory(organisation=second, user=org_editor)
    editable_service(second)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("hubs:manage"))
    assert response.content.decode().count("Waiting for review") == 5


def test_proposing_a_change_leaves_the_live_service_alone(
    client: Client,
    org_editor: User,
    service: Service,
    staff: User,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    editor = _edit_page(client, url)
    data = form_data(
        editor,
        name="Saturday Food Bank and Pantry",
        **{"schedules-0-opens_at": "09:30", "schedules-0-byday": "SA"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    edit = ListingEdit.objects.get(service=service)
    assert response.status_code == 302
    assert response["Location"] == reverse("hubs:edit-sent", kwargs={"pk": edit.pk})
    assert "Sent for review" in client.get(response["Location"]).content.decode()
    assert edit.status == ListingEdit.Status.PENDING
    assert edit.proposed["name"] == "Saturday Food Bank and Pantry"
    assert edit.published["name"] == "Saturday Food Bank"
    [place] = edit.proposed["locations"]
    assert place["schedules"][0]["opens_at"] == "09:30"
    assert place["schedules"][0]["byday"] == "SA"
    assert edit.proposed["categories"] == ["food"]
    assert edit.proposed["languages"] == [{"code": "ur", "name": "Urdu"}]

    service.refresh_from_db()
    assert service.name == "Saturday Food Bank"
    schedule = Schedule.objects.get(service=service)
    assert (schedule.byday, schedule.opens_at) == ("MO", datetime.time(10, 0))
    assert AuditEvent.objects.filter(verb="listing_edit.submitted", object_id=str(edit.pk)).exists()
    # Council staff hear about it in their daily summary.
    note = Notification.objects.get(kind="hubs.listing_edit_submitted", user=staff)
    assert note.status == Notification.Status.HELD
    assert not Notification.objects.filter(
        kind="hubs.listing_edit_submitted", user=org_editor
    ).exists()


def test_a_second_change_before_review_replaces_the_first(
    client: Client, org_editor: User, service: Service
) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    client.post(url, form_data(_edit_page(client, url), name="First try"))
    # The form now starts from the waiting proposal.
    editor = _edit_page(client, url)
    assert editor.form["name"].value() == "First try"
    client.post(url, form_data(editor, name="Second try"))

    [edit] = ListingEdit.objects.filter(service=service)
    assert edit.status == ListingEdit.Status.PENDING
    assert edit.proposed["name"] == "Second try"
    assert AuditEvent.objects.filter(verb="listing_edit.replaced", object_id=str(edit.pk)).exists()


def test_bad_input_shows_errors_and_keeps_what_was_typed(
    client: Client, org_editor: User, service: Service
) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    data = form_data(
        _edit_page(client, url),
        name="Typed name kept",
        url="not a web address",
        email="nobody-at-example",
        minimum_age="18",
        maximum_age="11",
        **{
            "schedules-0-closes_at": "09:00",  # before 10:00, no "past midnight" tick
            "schedules-1-byday": "Mondays",
            "schedules-1-opens_at": "10:00",
            "schedules-1-closes_at": "11:00",
            "schedules-1-valid_from": "01/05/2026",
            "schedules-1-valid_to": "01/04/2026",
        },
    )
    response = client.post(url, data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in page
    assert page.count("Error:") >= 6
    assert "The closing time must be after the opening time" in page
    assert "Enter days as two-letter codes" in page
    assert "The oldest age must be the same as or more than the youngest age" in page
    assert "The end date must be the same as or after the start date" in page
    assert "Enter a web address" in page and "Enter an email address" in page
    assert 'value="Typed name kept"' in page and 'value="Mondays"' in page
    assert 'href="#id_schedules-0-closes_at"' in page
    assert not ListingEdit.objects.exists()


def test_past_midnight_needs_the_tick(client: Client, org_editor: User, service: Service) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    changes = {"schedules-0-opens_at": "20:00", "schedules-0-closes_at": "01:00"}
    client.post(url, form_data(_edit_page(client, url), **changes))
    assert not ListingEdit.objects.exists()
    client.post(
        url, form_data(_edit_page(client, url), **changes, **{"schedules-0-past_midnight": "on"})
    )
    [schedule] = ListingEdit.objects.get().proposed["locations"][0]["schedules"]
    assert (schedule["opens_at"], schedule["closes_at"]) == ("20:00", "01:00")


def test_add_another_session_works_without_javascript(
    client: Client, org_editor: User, service: Service
) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    editor = _edit_page(client, url)
    shown = editor.formsets["schedules"].total_form_count()
    response = client.post(url, form_data(editor, name="Kept", add_row="schedules"))
    assert response.status_code == 200
    assert response.context["editor"].formsets["schedules"].total_form_count() == shown + 1
    assert 'value="Kept"' in response.content.decode()
    assert "There is a problem" not in response.content.decode()
    assert not ListingEdit.objects.exists()


def test_removing_a_session_by_clearing_it(
    client: Client, org_editor: User, service: Service
) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    cleared = {
        f"schedules-0-{name}": None for name in ("byday", "opens_at", "closes_at", "location")
    }
    client.post(url, form_data(_edit_page(client, url), **cleared, locations=[]))
    assert ListingEdit.objects.get().proposed["locations"] == []


def test_editor_proposes_a_new_service_and_a_new_hub(
    client: Client, org_editor: User, organisation, hub: Location
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(org_editor)
    url = reverse("hubs:service-propose", kwargs={"organisation": organisation.slug})
    data = form_data(
        _edit_page(client, url),
        name="Warm Welcome Café",
        summary="Hot drinks and company on winter afternoons.",
        categories=["warm-spaces"],
        **{
            "schedules-0-location": hub.slug,
            "schedules-0-frequency": "fortnightly",
            "schedules-0-byday": "we",
            "schedules-0-opens_at": "13:00",
            "schedules-0-closes_at": "16:00",
            "schedules-0-first_session": "7/1/2026",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["editor"].errors
    edit = ListingEdit.objects.get(kind="service")
    assert edit.service is None and edit.published is None
    [place] = edit.proposed["locations"]
    assert place["location"] == hub.slug
    assert place["schedules"][0]["interval"] == 2
    assert place["schedules"][0]["byday"] == "WE"
    assert place["schedules"][0]["dtstart"] == "2026-01-07"
    assert not Service.objects.filter(name="Warm Welcome Café").exists()

    url = reverse("hubs:hub-propose", kwargs={"organisation": organisation.slug})
    data = form_data(
        _edit_page(client, url),
        name="High Town Community Room",
        address_1="12 High Town Road",
        postal_code="lu2 0dd",
        accessibility_terms=["hearing-loop"],
        **{"phones-0-number": "01582 123456"},
    )
    assert client.post(url, data).status_code == 302
    hub_edit = ListingEdit.objects.get(kind="hub")
    assert hub_edit.proposed["address"]["postal_code"] == "LU2 0DD"
    assert hub_edit.proposed["phones"] == [{"number": "01582 123456", "description": ""}]
    assert not Location.objects.filter(name="High Town Community Room").exists()


def test_hub_edit_proposes_hub_times_and_access(
    client: Client, org_editor: User, hub: Location
) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:hub-edit", kwargs={"slug": hub.slug})
    data = form_data(
        _edit_page(client, url),
        address_1="1 Dunstable Road",
        postal_code="LU1 1AA",
        **{
            "schedules-0-byday": "MO,TU,WE,TH,FR",
            "schedules-0-opens_at": "09:00",
            "schedules-0-closes_at": "17:00",
            "exceptions-0-starts_on": "24/12/2026",
            "exceptions-0-ends_on": "26/12/2026",
            "exceptions-0-closed": "on",
            "exceptions-0-reason": "Christmas",
            "access-0-description": "Ramp at the side door",
        },
    )
    assert client.post(url, data).status_code == 302
    proposed = ListingEdit.objects.get(location=hub).proposed
    assert proposed["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert proposed["exceptions"][0]["reason"] == "Christmas"
    assert proposed["accessibility"] == [{"description": "Ramp at the side door", "details": ""}]


def test_editor_withdraws_a_pending_change(
    client: Client, org_editor: User, service: Service
) -> None:
    client.force_login(org_editor)
    url = reverse("hubs:service-edit", kwargs={"slug": service.slug})
    client.post(url, form_data(_edit_page(client, url), name="Changed my mind"))
    edit = ListingEdit.objects.get()
    response = client.post(reverse("hubs:edit-withdraw", kwargs={"pk": edit.pk}), follow=True)
    edit.refresh_from_db()
    assert edit.status == ListingEdit.Status.WITHDRAWN
    assert "You withdrew your proposed change" in response.content.decode()
    assert AuditEvent.objects.filter(verb="listing_edit.withdrawn").count() == 1
    service.refresh_from_db()
    assert service.name == "Saturday Food Bank"


# --- Who may not ------------------------------------------------------------------------------


@pytest.fixture
def other_editor(db: None) -> User:
    """Edits another organisation."""
    return OrganisationEditorFactory(
        user=UserFactory(email="olga.other@example.org", roles=[Role.ORGANISATION_EDITOR])
    ).user


def _editor_urls(service: Service, hub: Location, edit: ListingEdit) -> list[str]:
    organisation = service.organisation.slug
    return [
        reverse("hubs:service-edit", kwargs={"slug": service.slug}),
        reverse("hubs:service-propose", kwargs={"organisation": organisation}),
        reverse("hubs:hub-edit", kwargs={"slug": hub.slug}),
        reverse("hubs:hub-propose", kwargs={"organisation": organisation}),
        reverse("hubs:edit-sent", kwargs={"pk": edit.pk}),
        reverse("hubs:edit-withdraw", kwargs={"pk": edit.pk}),
    ]


@pytest.mark.parametrize("persona", ["other_editor", "resident", "outsider", "staff"])
def test_others_get_403_on_every_listing_url(
    request: pytest.FixtureRequest, client: Client, persona: str, service: Service, hub: Location
) -> None:
    edit = ListingEdit.objects.create(
        organisation=service.organisation, kind="service", service=service, proposed={"name": "a"}
    )
    client.force_login(request.getfixturevalue(persona))
    for url in _editor_urls(service, hub, edit):
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, {"name": "Hijacked", "summary": "x"}).status_code == 403, url
    edit.refresh_from_db()
    assert edit.status == ListingEdit.Status.PENDING
    assert ListingEdit.objects.count() == 1
    service.refresh_from_db()
    assert service.name == "Saturday Food Bank"


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_people_who_edit_nothing_cannot_open_your_listings(
    request: pytest.FixtureRequest, client: Client, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("hubs:manage")).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(
    client: Client, service: Service, hub: Location
) -> None:
    edit = ListingEdit.objects.create(
        organisation=service.organisation, kind="service", service=service, proposed={"name": "a"}
    )
    for url in [reverse("hubs:manage"), *_editor_urls(service, hub, edit)]:
        for response in (client.get(url), client.post(url, {"name": "x"})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("account_login")), url
    assert ListingEdit.objects.count() == 1
