"""Signing in cannot be used to find out who has an account, or to guess passwords.

- Sign-in, password reset and sign-up answer a known and an unknown email address with the same
  response (status, headers, page; only the CSRF token, the CSP nonce and the address typed
  differ), and send an email only to the address typed, saying what happened.
- Wrong passwords are limited per account (from any address) and per client address (across
  accounts), as settings.ACCOUNT_RATE_LIMITS says; while limited even the right password is
  refused, with a message, never a 500. Password reset is limited per address and per email.
- The Django admin has no sign-in of its own: /admin/login/ sends everyone to the portal's
  sign-in, so the same limits and MFA apply. Staff without MFA are sent to set it up before
  /admin/ or /staff/ pages (also tests/accounts/test_staff_pages.py and, for staff with MFA being
  asked for their code, tests/platform/test_account_pages.py).

allauth counts attempts in the cache Django is given (Redis on CI): it is cleared before each test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from luton2040.accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory
from tests.platform.test_account_pages import totp_code

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "nobody.here@example.org"
TOO_MANY_FAILED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _limit(action: str, per: str) -> int:
    """How many attempts settings.ACCOUNT_RATE_LIMITS allows for this action, per ip or key."""
    (rate,) = [r for r in parse_rates(django_settings.ACCOUNT_RATE_LIMITS[action]) if r.per == per]
    return rate.amount


def _from(ip: str) -> Client:
    """A browser at this address (allauth reads REMOTE_ADDR when no trusted proxy is set)."""
    return Client(REMOTE_ADDR=ip)


def _sign_in(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limits_are_tight_enough_to_stop_guessing() -> None:
    """The tests below follow settings.ACCOUNT_RATE_LIMITS; this keeps those numbers useful."""
    rates = {
        (action, rate.per): rate
        for action in ("login_failed", "login", "reset_password")
        for rate in parse_rates(django_settings.ACCOUNT_RATE_LIMITS[action])
    }
    per_account = rates["login_failed", "key"]
    assert per_account.amount <= 10 and per_account.duration >= 5 * 60
    assert rates["login_failed", "ip"].amount <= 20 and rates["login_failed", "ip"].duration >= 60
    assert rates["login", "ip"].amount <= 60
    assert rates["reset_password", "key"].amount <= 5
    assert rates["reset_password", "ip"].amount <= 30


# --- the same answer for known and unknown addresses ------------------------------------------

# Headers that differ between any two responses whoever asks (the clock) or that follow from the
# body (its length, which follows the address typed).
_ALWAYS_DIFFERENT = {"date", "expires", "content-length"}
_NONCE = re.compile(r"nonce(=\"|-)[A-Za-z0-9+/=_-]+")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _normalised(response: Any, typed: str) -> dict[str, Any]:
    """What an observer learns from a response, with the per-request secrets and the address
    the visitor typed (echoed back into the form) masked."""
    body = response.content.decode()
    body = _NONCE.sub("nonce-MASKED", body)
    body = _CSRF.sub('name="csrfmiddlewaretoken" value="MASKED"', body)
    body = body.replace(typed, "TYPED@EXAMPLE")
    headers = {
        name.lower(): _NONCE.sub("nonce-MASKED", value)
        for name, value in response.headers.items()
        if name.lower() not in _ALWAYS_DIFFERENT
    }
    cookies = {
        name: {key: morsel[key] for key in ("path", "secure", "httponly", "samesite", "max-age")}
        for name, morsel in response.cookies.items()
    }
    return {"status": response.status_code, "headers": headers, "cookies": cookies, "body": body}


def _differences(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """Where two normalised responses differ: empty when an observer cannot tell them apart."""
    found = [part for part in ("status", "cookies") if first[part] != second[part]]
    for name in sorted(set(first["headers"]) | set(second["headers"])):
        if first["headers"].get(name) != second["headers"].get(name):
            found.append(f"header {name}")
    first_lines, second_lines = first["body"].splitlines(), second["body"].splitlines()
    for number, (a, b) in enumerate(zip(first_lines, second_lines, strict=False), start=1):
        if a != b:
            found.append(f"body line {number}: {a.strip()!r} != {b.strip()!r}")
    if len(first_lines) != len(second_lines):
        found.append("body length")
    return found


def _assert_same(known: Any, known_typed: str, unknown: Any, unknown_typed: str) -> None:
    assert _differences(_normalised(known, known_typed), _normalised(unknown, unknown_typed)) == []


def test_the_comparison_sees_a_difference_when_there_is_one(resident: User) -> None:
    # Without this, a comparer that always found "no difference" would pass everything below.
    login = _from("192.0.2.1").get(reverse("account_login"))
    reset = _from("192.0.2.1").get(reverse("account_reset_password"))
    found = _differences(_normalised(login, "x"), _normalised(reset, "x"))
    assert any(line.startswith("body line") for line in found)
    wrong = _sign_in(_from("192.0.2.2"), resident.email, "not-the-password")
    right = _sign_in(_from("192.0.2.3"), resident.email, TEST_PASSWORD)
    assert "status" in _differences(_normalised(wrong, ""), _normalised(right, ""))
    # One word changed deep in a page is found too.
    changed = _normalised(login, "x")
    changed["body"] = changed["body"].replace("Sign in", "Sign on", 1)
    assert _differences(_normalised(login, "x"), changed)


def test_sign_in_with_a_wrong_password_looks_the_same_as_an_unknown_address(
    resident: User,
) -> None:
    known = _sign_in(_from("192.0.2.10"), resident.email, "not-the-password")
    unknown = _sign_in(_from("192.0.2.11"), UNKNOWN, "not-the-password")

    assert known.status_code == 200
    assert "govuk-error-summary" in known.content.decode()
    _assert_same(known, resident.email, unknown, UNKNOWN)


def test_an_unknown_address_gets_the_same_wrong_password_message_after_many_tries(
    resident: User,
) -> None:
    # The per-account lock must not reveal accounts either: an unknown address locks the same.
    attempts = _limit("login_failed", "key")
    for n in range(attempts):
        _sign_in(_from(f"192.0.2.{20 + n}"), resident.email, "not-the-password")
        _sign_in(_from(f"192.0.2.{20 + n}"), UNKNOWN, "not-the-password")
    known = _sign_in(_from("192.0.2.40"), resident.email, "not-the-password")
    unknown = _sign_in(_from("192.0.2.41"), UNKNOWN, "not-the-password")

    assert TOO_MANY_FAILED in known.content.decode()
    _assert_same(known, resident.email, unknown, UNKNOWN)


def test_password_reset_looks_the_same_and_only_the_address_typed_hears_of_it(
    resident: User,
) -> None:
    known_browser, unknown_browser = _from("192.0.2.50"), _from("192.0.2.51")
    known = known_browser.post(reverse("account_reset_password"), {"email": resident.email})
    unknown = unknown_browser.post(reverse("account_reset_password"), {"email": UNKNOWN})

    assert known.status_code == 302
    assert known["Location"] == reverse("account_reset_password_done")
    _assert_same(known, resident.email, unknown, UNKNOWN)
    _assert_same(
        known_browser.get(known["Location"]),
        resident.email,
        unknown_browser.get(unknown["Location"]),
        UNKNOWN,
    )
    # allauth's "unknown account" email tells the person typing it, and nobody else, that
    # there is no account: the page says nothing.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (UNKNOWN, "[Luton 2040] Unknown Account"),
        (resident.email, "[Luton 2040] Password Reset Email"),
    ]
    reset_mail = next(m for m in mail.outbox if m.to == [resident.email])
    unknown_mail = next(m for m in mail.outbox if m.to == [UNKNOWN])
    assert "/accounts/password/reset/key/" in str(reset_mail.body)
    assert "/accounts/password/reset/key/" not in str(unknown_mail.body)


def test_signing_up_with_an_address_in_use_looks_like_any_sign_up(resident: User) -> None:
    new_address = "new.resident@example.org"
    password = "a-long-new-passphrase-77"
    form = {"password1": password, "password2": password}
    taken_browser, new_browser = _from("192.0.2.60"), _from("192.0.2.61")
    taken = taken_browser.post(reverse("account_signup"), {"email": resident.email, **form})
    new = new_browser.post(reverse("account_signup"), {"email": new_address, **form})

    assert taken.status_code == 302
    _assert_same(taken, resident.email, new, new_address)
    _assert_same(
        taken_browser.get(taken["Location"]),
        resident.email,
        new_browser.get(new["Location"]),
        new_address,
    )
    assert User.objects.filter(email__iexact=resident.email).count() == 1
    resident.refresh_from_db()
    assert resident.check_password(TEST_PASSWORD)  # the existing account is untouched
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (new_address, "[Luton 2040] Please Confirm Your Email Address"),
        (resident.email, "[Luton 2040] Account Already Exists"),
    ]


# --- brute force ------------------------------------------------------------------------------


def test_one_account_is_locked_after_failures_from_many_addresses(resident: User) -> None:
    """Guessing one account's password from a botnet: each address tries once."""
    for n in range(_limit("login_failed", "key")):
        response = _sign_in(_from(f"198.51.100.{n + 1}"), resident.email, "not-the-password")
        assert TOO_MANY_FAILED not in response.content.decode()

    fresh = _from("198.51.100.200")
    response = _sign_in(fresh, resident.email, TEST_PASSWORD)

    assert response.status_code == 200  # the sign-in page with the message, not an error page
    assert TOO_MANY_FAILED in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not _signed_in(fresh)
    # Only that account: someone else signs in from the same address.
    other = cast(User, UserFactory(email="other.resident@example.org"))
    assert _sign_in(fresh, other.email, TEST_PASSWORD).status_code == 302
    assert _signed_in(fresh)


def test_one_address_is_blocked_after_failures_across_many_accounts(resident: User) -> None:
    """Trying a common password against many accounts from one address."""
    attacker = _from("203.0.113.9")
    for n in range(_limit("login_failed", "ip")):
        response = _sign_in(attacker, f"guess{n}@example.org", "Password123!")
        assert TOO_MANY_FAILED not in response.content.decode()

    response = _sign_in(attacker, resident.email, TEST_PASSWORD)

    assert response.status_code == 200
    assert TOO_MANY_FAILED in response.content.decode()
    assert not _signed_in(attacker)
    # Only that address: the resident signs in from home.
    home = _from("203.0.113.77")
    assert _sign_in(home, resident.email, TEST_PASSWORD).status_code == 302
    assert _signed_in(home)


def test_too_many_sign_in_forms_from_one_address_get_the_too_many_attempts_page() -> None:
    flooder = _from("203.0.113.10")
    for _ in range(_limit("login", "ip")):
        assert flooder.post(reverse("account_login"), {}).status_code == 200  # form errors

    response = flooder.post(reverse("account_login"), {})

    assert response.status_code == 429
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Too many attempts</h1>' in page
    assert "Wait a few minutes, then try again." in page
    assert _from("203.0.113.11").post(reverse("account_login"), {}).status_code == 200


def test_password_reset_emails_are_limited_per_address_typed(resident: User) -> None:
    for n in range(_limit("reset_password", "key")):
        response = _from(f"198.51.100.{n + 1}").post(
            reverse("account_reset_password"), {"email": resident.email}
        )
        assert response.status_code == 302
    sent = len(mail.outbox)

    response = _from("198.51.100.99").post(
        reverse("account_reset_password"), {"email": resident.email.upper()}
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == sent  # no more email to that inbox


def test_password_reset_is_limited_per_client_address() -> None:
    sender = _from("203.0.113.20")
    for n in range(_limit("reset_password", "ip")):
        response = sender.post(reverse("account_reset_password"), {"email": f"p{n}@example.org"})
        assert response.status_code == 302

    response = sender.post(reverse("account_reset_password"), {"email": "last@example.org"})

    assert response.status_code == 429
    assert not any(m.to == ["last@example.org"] for m in mail.outbox)
    other = _from("203.0.113.21").post(reverse("account_reset_password"), {"email": UNKNOWN})
    assert other.status_code == 302


def test_behind_the_proxy_each_visitor_is_counted_by_their_own_address(
    settings: Any, resident: User
) -> None:
    """Behind a proxy every request comes from the proxy's address: without the trusted proxy
    setting, one attacker would lock every visitor out. settings.py is read in a fresh process."""
    code = (
        "import json, sys; from django.conf import settings; "
        "json.dump(getattr(settings, 'ALLAUTH_TRUSTED_PROXY_COUNT', 0), sys.stdout)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "luton2040.settings", "DJANGO_BEHIND_PROXY": "1"}
    result = subprocess.run(  # noqa: S603  our own settings module, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = json.loads(result.stdout)

    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.30")
    for n in range(_limit("login_failed", "ip")):
        _sign_in(attacker, f"guess{n}@example.org", "Password123!")
    assert TOO_MANY_FAILED in _sign_in(attacker, "one.more@example.org", "x").content.decode()

    visitor = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.44")
    assert _sign_in(visitor, resident.email, TEST_PASSWORD).status_code == 302


# --- the Django admin and staff ------------------------------------------------------------


def test_the_admin_sign_in_never_checks_a_password_itself(staff: User) -> None:
    """/admin/login/ only forwards to the portal's sign-in (allauth's secure_admin_login), so the
    limits above and two-factor authentication are the admin's too: it cannot be used to guess
    passwords around them."""
    browser = _from("198.51.100.5")
    for password in ["not-the-password"] * 20 + [TEST_PASSWORD]:
        response = browser.post(
            "/admin/login/", {"username": staff.email, "password": password, "next": "/admin/"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not _signed_in(browser)


def test_admin_sign_in_is_limited_like_any_sign_in(staff: User) -> None:
    for n in range(_limit("login_failed", "key")):
        _sign_in(_from(f"198.51.100.{n + 10}"), staff.email, "not-the-password")

    browser = _from("198.51.100.150")
    start = browser.get("/admin/login/?next=/admin/")
    response = _sign_in(browser, staff.email, TEST_PASSWORD, QUERY_STRING="next=/admin/")

    assert start["Location"].startswith(reverse("account_login"))
    assert TOO_MANY_FAILED in response.content.decode()
    assert not _signed_in(browser)
    assert browser.get("/admin/").status_code == 302


def test_staff_security_codes_are_limited_per_account(staff: User) -> None:
    """With the password known, the six-digit code is the last guard: wrong codes count
    towards the same per-account limit, and then even the right code is refused."""
    browser = _from("198.51.100.170")
    assert _sign_in(browser, staff.email, TEST_PASSWORD)["Location"] == reverse("mfa_authenticate")
    right = totp_code(staff.totp_secret)  # type: ignore[attr-defined]
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(_limit("login_failed", "key")):
        response = browser.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200
        assert TOO_MANY_FAILED not in response.content.decode()

    response = browser.post(reverse("mfa_authenticate"), {"code": right})

    assert response.status_code == 200
    assert TOO_MANY_FAILED in response.content.decode()
    assert not _signed_in(browser)


@pytest.mark.parametrize("page", ["/admin/", "/staff/audit/"])
def test_staff_without_two_factor_who_sign_in_are_sent_to_set_it_up(
    page: str, staff_without_mfa: User
) -> None:
    browser = _from("198.51.100.160")
    response = browser.post(
        f"{reverse('account_login')}?next={page}",
        {"login": staff_without_mfa.email, "password": TEST_PASSWORD, "next": page},
        follow=True,
    )

    assert _signed_in(browser)
    chain = [url for url, _status in response.redirect_chain]
    setup = f"{reverse('mfa_activate_totp')}?{urlencode({'next': page})}"
    assert setup in chain
    # allauth asks for the password once more before any security setting changes, even just
    # after signing in; then the set-up page.
    assert chain[-1].startswith(reverse("account_reauthenticate"))
    assert "Set up two-factor authentication to use staff pages." in response.content.decode()
    response = browser.post(chain[-1], {"password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == setup
    assert response.status_code == 200
    assert browser.get(page)["Location"].startswith(reverse("mfa_activate_totp"))
