"""Personas shared by every suite: a resident, a taskforce member, council staff (with and
without two-factor authentication), an organisation editor and an outsider (signed in, no role)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from hubs import filters as hub_filters
from luton2040 import page_cache
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role

from .factories import OrganisationEditorFactory, OrganisationFactory, UserFactory

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in Django's order
def pytest_collection_finish(session: pytest.Session) -> None:
    """Run transactional tests after all others, and the browser tests last of all.

    A transactional test empties the database when it ends, so a test that reaches the
    database in a way pytest-django cannot see (request.getfixturevalue) must run before it.
    Browser tests go last: once Chromium starts it runs to the end of the session, and while
    it runs the test thread counts as async to Django (see tests/browser/conftest.py).
    """
    session.items.sort(
        key=lambda item: (BROWSER_TESTS in item.path.parents, _is_transactional(item))
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # Real hashing costs ~0.3 s a password by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _nothing_stored_by_another_test(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shared Redis and this process outlive each test's database: a page stored by one test
    # (luton2040/page_cache.py) must not answer another, nor a directory version read in one be
    # taken for another's. The version is kept until a save forgets it, not for a second, so a
    # slow machine does not add a query to the pinned query counts.
    monkeypatch.setattr(page_cache, "KEY_SALT", uuid.uuid4().hex)
    hub_filters.forget_directory_version()
    monkeypatch.setattr(hub_filters, "DIRECTORY_VERSION_SECONDS", 3600.0)


@pytest.fixture(autouse=True)
def _celery_in_process(settings) -> None:  # type: ignore[no-untyped-def]
    # Tasks run in the test's own process, whatever REDIS_URL says (CI sets it, which would
    # otherwise send them to a broker no worker reads). The integration tests under
    # tests/notifications/integration/ switch this off and run a real worker.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def resident(db: None) -> User:
    return UserFactory(email="rashida.resident@example.org", roles=[Role.RESIDENT])


@pytest.fixture
def taskforce_member(db: None) -> User:
    return UserFactory(email="tom.taskforce@example.org", roles=[Role.TASKFORCE_MEMBER])


@pytest.fixture
def taskforce_lead(db: None) -> User:
    """Reviews members' new actions and updates; a member too, so they can log their own."""
    return UserFactory(
        email="lena.lead@example.org", roles=[Role.TASKFORCE_MEMBER, Role.TASKFORCE_LEAD]
    )


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
