"""allauth's rate limits are on: repeated wrong passwords lock the account's sign-in for a while."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()  # allauth counts attempts in the cache


def _sign_in(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_five_wrong_passwords_stop_even_the_right_one(client, resident) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        response = _sign_in(client, resident.email, "not-the-password")
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()

    response = _sign_in(client, resident.email, TEST_PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "Too many failed" in response.content.decode()


def test_the_right_password_works_before_the_limit(client, resident) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        _sign_in(client, resident.email, "not-the-password")

    response = _sign_in(client, resident.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)
