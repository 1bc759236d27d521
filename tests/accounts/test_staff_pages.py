"""The Django admin is for council staff only, and staff reach staff pages only with MFA."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_admin_visit_goes_to_the_portal_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"], follow=True)
    assert login.redirect_chain[-1][0].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["resident", "taskforce_member", "org_editor", "outsider"])
def test_admin_refuses_everyone_but_council_staff(persona, client, request) -> None:  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert client.get("/admin/").status_code == 302  # to the admin login, which refuses them


def test_staff_without_mfa_are_sent_to_set_it_up(client, staff_without_mfa) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff_without_mfa)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_staff_with_mfa_reach_the_admin(client, staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"Luton 2040 portal administration" in response.content


def test_staff_admin_changes_are_audited(client, staff, organisation) -> None:  # type: ignore[no-untyped-def]
    from luton2040.audit.models import AuditEvent

    client.force_login(staff)
    url = reverse("admin:hubs_organisation_change", args=[organisation.pk])
    response = client.post(
        url,
        {
            "name": "Luton Foodbank (renamed)",
            "slug": organisation.slug,
            "description": "",
            "website": "",
            "editor_bindings-TOTAL_FORMS": "0",
            "editor_bindings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.get(verb="organisation.changed_in_admin")
    assert event.actor == staff
    assert event.object_id == str(organisation.pk)


def test_signed_in_pages_are_never_cached(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    response = client.get(reverse("accounts:profile"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_after_setting_up_mfa_staff_can_continue_to_the_page_they_asked_for(  # type: ignore[no-untyped-def]
    client, staff_without_mfa
) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    client.force_login(staff_without_mfa)
    client.get("/staff/audit/?verb=account.signed_up")
    TOTP.activate(staff_without_mfa, generate_totp_secret())  # as allauth's set-up page does

    page = client.get(reverse("mfa_index")).content.decode()
    assert 'href="/staff/audit/?verb=account.signed_up"' in page
    assert client.get("/staff/audit/").status_code == 200
