"""Personas shared by every suite: a resident, a taskforce member, council staff (with and
without two-factor authentication), an organisation editor and an outsider (signed in, no role)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from luton2040.accounts.models import User
from luton2040.accounts.roles import Role

from .factories import OrganisationEditorFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # Real hashing costs ~0.3 s a password by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def resident(db: None) -> User:
    return UserFactory(email="rashida.resident@example.org", roles=[Role.RESIDENT])


@pytest.fixture
def taskforce_member(db: None) -> User:
    return UserFactory(email="tom.taskforce@example.org", roles=[Role.TASKFORCE_MEMBER])


@pytest.fixture
def staff_without_mfa(db: None) -> User:
    return UserFactory(email="sam.nomfa@luton.gov.uk.example", roles=[Role.COUNCIL_STAFF])


@pytest.fixture
def staff(db: None) -> User:
    """Council staff with TOTP set up; `staff.totp_secret` gives codes for browser tests."""
    user = UserFactory(email="sara.staff@luton.gov.uk.example", roles=[Role.COUNCIL_STAFF])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret = secret  # type: ignore[attr-defined]
    return user


@pytest.fixture
def organisation(db: None):  # type: ignore[no-untyped-def]
    return OrganisationFactory(name="Luton Foodbank (test)", slug="luton-foodbank-test")


@pytest.fixture
def org_editor(organisation) -> User:  # type: ignore[no-untyped-def]
    return OrganisationEditorFactory(
        organisation=organisation,
        user=UserFactory(email="olu.editor@example.org", roles=[Role.ORGANISATION_EDITOR]),
    ).user


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in, holds no role, edits no organisation."""
    return UserFactory(email="charlie.outsider@example.org", roles=[])
