"""Roles are groups; one rules module answers "may this user do X to this object"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from luton2040.accounts.roles import Role
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_council_staff_hold_the_permissions_granted_in_code() -> None:
    staff_group = Group.objects.get(name=Role.COUNCIL_STAFF.value)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in staff_group.permissions.all()}
    assert {"accounts.view_user", "hubs.change_organisation", "taskforce.change_outcome"} <= held
    assert not Group.objects.get(name=Role.RESIDENT.value).permissions.exists()


def test_syncing_roles_twice_changes_nothing() -> None:
    before = sorted(
        Group.objects.get(name=Role.COUNCIL_STAFF.value).permissions.values_list("pk", flat=True)
    )
    call_command("migrate", verbosity=0)  # runs post_migrate, and so sync_roles, again
    after = sorted(
        Group.objects.get(name=Role.COUNCIL_STAFF.value).permissions.values_list("pk", flat=True)
    )
    assert before == after


def test_is_staff_follows_the_council_staff_role(resident, staff) -> None:  # type: ignore[no-untyped-def]
    assert staff.is_staff is True
    assert resident.is_staff is False


def test_editor_may_change_only_their_own_organisation(org_editor, organisation) -> None:  # type: ignore[no-untyped-def]
    other = OrganisationFactory()
    assert org_editor.has_perm("hubs.change_organisation", organisation)
    assert not org_editor.has_perm("hubs.change_organisation", other)


@pytest.mark.parametrize("persona", ["resident", "taskforce_member", "outsider"])
def test_people_without_a_binding_may_not_change_an_organisation(
    persona, organisation, request
) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    assert not user.has_perm("hubs.change_organisation", organisation)


def test_staff_may_change_any_organisation(staff, organisation) -> None:  # type: ignore[no-untyped-def]
    assert staff.has_perm("hubs.change_organisation", organisation)


def test_staff_pages_need_two_factor(staff, staff_without_mfa) -> None:  # type: ignore[no-untyped-def]
    assert staff.has_perm("accounts.use_staff_pages")
    assert not staff_without_mfa.has_perm("accounts.use_staff_pages")


def test_email_is_unique_whatever_its_case(resident) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    from luton2040.accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(resident.email.upper(), "x" * 12)
