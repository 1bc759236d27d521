"""allauth's account and two-factor pages, rendered in GOV.UK style inside the portal shell."""

from __future__ import annotations

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from luton2040.accounts.models import User

from ..factories import TEST_PASSWORD, UserFactory
from .test_pages import assert_page_shell


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # allauth counts failed sign-ins in the cache; one test's failures must not lock out another.
    cache.clear()


def sign_in(client: Client, email: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    """Sign in through the real form, so allauth records a fresh authentication."""
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, follow=True
    )


def reauthenticate(client: Client, password: str = TEST_PASSWORD) -> None:
    """Confirm the password again, as allauth asks before security settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()


def totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def error_summary_links(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', summary)


ANONYMOUS_PAGES = [
    ("account_login", "Sign in"),
    ("account_signup", "Create an account"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your email"),
    ("account_email_verification_sent", "Check your email"),
    ("account_reset_password_from_key_done", "Your password has been changed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "heading"), ANONYMOUS_PAGES)
def test_entrance_pages_render_in_govuk_style(client: Client, url_name: str, heading: str) -> None:
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert re.search(rf"<h1 class=\"govuk-[a-z_-]+\">{re.escape(heading)}</h1>", html), heading
    assert f"<title>{heading} - Luton 2040 Community Portal</title>" in html


def test_login_form_labels_every_input_and_keeps_autocomplete(client: Client, db: None) -> None:
    html = client.get(reverse("account_login")).content.decode()

    assert '<label class="govuk-label" for="id_login">Email address</label>' in html
    assert '<label class="govuk-label" for="id_password">Password</label>' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html
    assert "placeholder=" not in html
    assert 'class="govuk-input"' in html


def test_signup_errors_follow_the_govuk_pattern(client: Client, db: None) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "a-long-password-1", "password2": "different-9"},
    )

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert "<title>Error: Create an account - Luton 2040 Community Portal</title>" in html
    assert 'data-module="govuk-error-summary"' in html
    assert "There is a problem" in html
    links = error_summary_links(html)
    assert "id_email" in links
    assert "id_password2" in links
    # Field-level messages sit beside the input, announced as errors.
    assert 'id="id_email-error" class="govuk-error-message"' in html
    assert '<span class="govuk-visually-hidden">Error:</span>' in html
    email_input = re.search(r"<input[^>]*id=\"id_email\"[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert 'value="not-an-email"' in email_input
    assert "govuk-input--error" in email_input
    assert "id_email-error" in email_input  # aria-describedby
    # Passwords are never sent back to the browser.
    assert "a-long-password-1" not in html
    assert not User.objects.filter(email="not-an-email").exists()


def test_signup_shows_password_rules_as_a_hint(client: Client, db: None) -> None:
    html = client.get(reverse("account_signup")).content.decode()

    assert 'id="id_password1-hint" class="govuk-hint"' in html
    password_input = re.search(r"<input[^>]*id=\"id_password1\"[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert 'aria-describedby="id_password1-hint"' in password_input
    assert 'autocomplete="new-password"' in password_input


def test_signup_sends_a_confirmation_email_and_says_so(client: Client, db: None) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.resident@example.org",
            "password1": "a-long-enough-password-77",
            "password2": "a-long-enough-password-77",
        },
        follow=True,
    )

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert "Check your email" in html
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.resident@example.org"]


def test_login_with_wrong_password_shows_an_error_summary(client: Client, resident: User) -> None:
    response = sign_in(client, resident.email, password="not-the-password")

    html = assert_page_shell(response)
    assert "<title>Error: Sign in" in html
    assert 'data-module="govuk-error-summary"' in html
    # The error belongs to no one field, so it links to the first one.
    assert error_summary_links(html) == ["id_login"]
    assert f'value="{resident.email}"' in html


def test_confirm_email_page_with_a_real_key(client: Client, db: None) -> None:
    user = UserFactory(email="unconfirmed@example.org")
    address = EmailAddress.objects.get(user=user)
    address.verified = False
    address.save()
    key = EmailConfirmationHMAC(address).key

    response = client.get(reverse("account_confirm_email", args=[key]))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert "Confirm your email address" in html
    assert "unconfirmed@example.org" in html
    assert "Confirm email address</button>" in html


def test_confirm_email_page_with_a_bad_key(client: Client, db: None) -> None:
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    html = assert_page_shell(response)
    assert "This link has expired or has already been used." in html


def test_reset_password_from_key_lets_you_choose_a_new_password(
    client: Client, resident: User
) -> None:
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(resident),
            "key": default_token_generator.make_token(resident),
        },
    )

    response = client.get(url, follow=True)

    html = assert_page_shell(response)
    assert "Choose a new password" in html
    assert 'for="id_password1">New password</label>' in html
    assert 'for="id_password2">Confirm your new password</label>' in html

    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "brand-new-password-2040", "password2": "brand-new-password-2040"},
        follow=True,
    )

    assert "Your password has been changed" in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password("brand-new-password-2040")


def test_reset_password_with_a_bad_key_says_the_link_does_not_work(
    client: Client, resident: User
) -> None:
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(resident), "key": "set-password-bad"},
    )

    html = client.get(url, follow=True).content.decode()

    assert "This link does not work" in html


SIGNED_IN_PAGES = [
    ("account_logout", "Are you sure you want to sign out?"),
    ("account_change_password", "Change your password"),
    ("account_email", "Change your email address"),
    ("mfa_index", "Two-factor authentication"),
]


@pytest.mark.parametrize(("url_name", "heading"), SIGNED_IN_PAGES)
def test_account_pages_render_signed_in(
    client: Client, resident: User, url_name: str, heading: str
) -> None:
    client.force_login(resident)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert re.search(rf"<h1 class=\"govuk-[a-z_-]+\">{re.escape(heading)}</h1>", html), heading
    assert "no-store" in response.headers["Cache-Control"]
    assert f'href="{reverse("accounts:profile")}" class="govuk-back-link"' in html


def test_reauthenticate_page(client: Client, resident: User) -> None:
    client.force_login(resident)

    response = client.get(reverse("account_reauthenticate"))

    html = assert_page_shell(response)
    assert '<h1 class="govuk-heading-l">Confirm it is you</h1>' in html
    response = client.post(reverse("account_reauthenticate"), {"password": "wrong"})
    assert error_summary_links(assert_page_shell(response)) == ["id_password"]


def test_change_password_errors_follow_the_govuk_pattern(client: Client, resident: User) -> None:
    client.force_login(resident)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "wrong",
            "password1": "new-password-2040",
            "password2": "new-password-2040",
        },
    )

    html = assert_page_shell(response)
    assert error_summary_links(html) == ["id_oldpassword"]
    assert 'for="id_oldpassword">Current password</label>' in html


def test_change_email_keeps_what_was_typed_when_it_is_wrong(client: Client, resident: User) -> None:
    client.force_login(resident)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "nope@"})

    html = assert_page_shell(response)
    assert "id_email" in error_summary_links(html)
    assert 'value="nope@"' in html
    assert 'for="id_email">New email address</label>' in html
    assert resident.email in html


def test_activate_totp_shows_qr_code_and_the_secret_as_text(client: Client, resident: User) -> None:
    client.force_login(resident)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    # allauth asks for the password again first, on our GOV.UK page.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    html = assert_page_shell(response)
    assert "Confirm it is you" in html
    assert 'for="id_password">Password</label>' in html
    reauthenticate(client)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert "Set up an authenticator app" in html
    img = re.search(r"<img[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert 'src="data:image/svg+xml;base64,' in img
    assert 'alt="QR code to add Luton 2040 Community Portal to your authenticator app"' in img
    secret = re.search(r'id="authenticator_secret">([A-Z2-7]+)</p>', html)
    assert secret, "the secret must be shown as text for people who cannot scan"
    assert 'autocomplete="one-time-code"' in html

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    html = assert_page_shell(response)
    assert error_summary_links(html) == ["id_code"]
    assert "govuk-input--error" in html


def test_staff_sign_in_asks_for_the_code_then_lets_them_in(client: Client, staff: User) -> None:
    response = sign_in(client, staff.email)

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    html = assert_page_shell(response)
    assert "Enter your security code" in html
    assert 'autocomplete="one-time-code"' in html

    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert error_summary_links(assert_page_shell(response)) == ["id_code"]

    response = client.post(
        reverse("mfa_authenticate"),
        {"code": totp_code(staff.totp_secret)},  # type: ignore[attr-defined]
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")


def signed_in_staff(client: Client, staff: User) -> None:
    client.force_login(staff)
    reauthenticate(client)


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("mfa_index", "Two-factor authentication"),
        ("mfa_deactivate_totp", "Are you sure you want to turn off the authenticator app?"),
        ("mfa_view_recovery_codes", "Your recovery codes"),
        ("mfa_generate_recovery_codes", "Make new recovery codes"),
    ],
)
def test_two_factor_pages_for_staff(
    client: Client, staff: User, url_name: str, heading: str
) -> None:
    codes = RecoveryCodes.activate(staff)
    signed_in_staff(client, staff)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert re.search(rf"<h1 class=\"govuk-[a-z_-]+\">{re.escape(heading)}</h1>", html), heading
    if url_name == "mfa_view_recovery_codes":
        for code in codes.get_unused_codes():
            assert f"<li>{code}</li>" in html
    if url_name == "mfa_index":
        assert ">On</strong>" in html
