"""The audit log in the Django admin: staff may read it; nobody may add, change or delete."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent

from ..factories import UserFactory
from .factories import AuditEventFactory

CHANGELIST = reverse("admin:audit_auditevent_changelist")
ADD = reverse("admin:audit_auditevent_add")


def test_staff_can_read_the_list_but_not_add(client: Client, staff: User) -> None:
    AuditEventFactory(verb="organisation.renamed", object_repr="Luton Foodbank")
    client.force_login(staff)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Luton Foodbank" in html
    assert "organisation.renamed" in html
    assert ADD not in html
    assert "delete_selected" not in html
    assert client.get(ADD).status_code == 403


def test_the_event_page_is_read_only_and_cannot_be_deleted(client: Client, staff: User) -> None:
    event = AuditEventFactory(verb="organisation.renamed", object_repr="Luton Foodbank")
    client.force_login(staff)
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])

    response = client.get(change)

    assert response.status_code == 200
    html = response.content.decode()
    assert "organisation.renamed" in html
    assert 'name="verb"' not in html
    assert 'name="_save"' not in html
    assert delete not in html
    assert client.post(change, {"verb": "nothing.happened"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.verb == "organisation.renamed"


def test_not_even_a_superuser_may_add_or_delete(client: Client, db: None) -> None:
    superuser = UserFactory(email="root@luton.gov.uk.example", is_superuser=True, roles=[])
    TOTP.activate(superuser, generate_totp_secret())
    event = AuditEventFactory()
    client.force_login(superuser)

    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    # The bulk delete action is not offered; posting it anyway removes nothing.
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_people_who_are_not_staff_cannot_open_it(client: Client, resident: User) -> None:
    AuditEventFactory(object_repr="Luton Foodbank")
    client.force_login(resident)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "Luton Foodbank" not in response.content.decode()
