"""Account journeys done the way a keyboard user does them: Tab, type, Enter. No mouse.

Each journey also runs axe-core on the states the page sweep cannot reach (a form with errors,
the confirm-email page, the two-factor sign-in step, recovery codes).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page

from luton2040.accounts.models import User
from luton2040.accounts.roles import Role
from tests.factories import TEST_PASSWORD

from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    follow_error_summary_to,
    forget_used_totp_codes,
    press_enter_and_wait,
    start_from_top,
    tab_to,
    totp_code,
    totp_secret_on_page,
    visit,
)

NEW_PASSWORD = "Wardown-Park-lantern-2040"


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def submit_form_of(page: Page, field_selector: str) -> None:
    """Tab from the current field to its form's submit button and press Enter."""
    tab_to(page, f"form:has({field_selector}) [type=submit]")
    press_enter_and_wait(page)


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def sign_in_by_keyboard(page: Page, email: str, password: str) -> None:
    visit(page, reverse("account_login"))
    start_from_top(page)
    type_into(page, "#id_login", email)
    type_into(page, "#id_password", password)
    submit_form_of(page, "#id_login")


def sign_out_by_keyboard(page: Page) -> None:
    """Use the Sign out button every signed-in page has, then check the session is gone."""
    start_from_top(page)
    tab_to(page, f'form[action="{reverse("account_logout")}"] [type=submit]')
    press_enter_and_wait(page)
    assert_page_clean(page)
    visit(page, reverse("accounts:profile"))  # redirected to sign in when signed out
    assert path_of(page) == reverse("account_login"), f"still signed in: at {page.url}"


def confirm_password_by_keyboard(page: Page, password: str) -> None:
    """allauth asks for the password again before adding an authenticator."""
    assert path_of(page) == reverse("account_reauthenticate"), page.url
    start_from_top(page)
    type_into(page, "#id_password", password)
    submit_form_of(page, "#id_password")


def enter_code_by_keyboard(page: Page, code: str) -> None:
    start_from_top(page)
    type_into(page, "#id_code", code)
    submit_form_of(page, "#id_code")


def test_sign_up_confirm_email_and_end_signed_in(page: Page) -> None:
    email = "nadia.new@example.org"
    visit(page, reverse("account_signup"))
    start_from_top(page)
    type_into(page, "#id_email", email)
    type_into(page, "#id_password1", NEW_PASSWORD)
    type_into(page, "#id_password2", NEW_PASSWORD + "-typo")
    submit_form_of(page, "#id_email")

    # The form comes back with a GOV.UK error summary, which takes focus; its first link is the
    # next Tab stop, and following it puts focus in the field.
    assert path_of(page) == reverse("account_signup")
    follow_error_summary_to(page, "#id_password2")
    assert_no_axe_violations(page)

    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "#id_password1", backwards=True)
    page.keyboard.type(NEW_PASSWORD)
    submit_form_of(page, "#id_email")

    assert path_of(page) == reverse("account_email_verification_sent"), page.url
    assert_page_clean(page)
    messages = [message for message in mail.outbox if email in message.to]
    assert len(messages) == 1, [message.subject for message in mail.outbox]
    confirm_path = reverse("account_confirm_email", args=["KEY"]).replace("KEY/", "")
    match = re.search(rf"https?://[^/\s]+({re.escape(confirm_path)}[^\s]+/)", str(messages[0].body))
    assert match, messages[0].body

    visit(page, match.group(1))
    assert_no_axe_violations(page)
    start_from_top(page)
    tab_to(page, "main form [type=submit]")
    press_enter_and_wait(page)

    assert path_of(page) == reverse("accounts:profile"), page.url
    assert email in page.locator("main").inner_text()
    assert EmailAddress.objects.get(email=email).verified
    assert_page_clean(page)


def test_sign_out_and_sign_in_by_keyboard(page: Page, resident: User) -> None:
    sign_in_by_keyboard(page, resident.email, TEST_PASSWORD)
    assert path_of(page) == reverse("accounts:profile"), page.url
    sign_out_by_keyboard(page)
    sign_in_by_keyboard(page, resident.email, TEST_PASSWORD)
    assert path_of(page) == reverse("accounts:profile"), page.url
    assert_page_clean(page)


def test_set_up_two_factor_then_sign_in_with_a_code(page: Page, resident: User) -> None:
    sign_in_by_keyboard(page, resident.email, TEST_PASSWORD)
    visit(page, reverse("mfa_activate_totp"))
    assert_no_axe_violations(page)  # "confirm your password"
    confirm_password_by_keyboard(page, TEST_PASSWORD)
    assert path_of(page) == reverse("mfa_activate_totp"), page.url
    secret = totp_secret_on_page(page)
    enter_code_by_keyboard(page, totp_code(secret))

    assert Authenticator.objects.filter(user=resident, type=Authenticator.Type.TOTP).exists(), (
        f"no authenticator after submitting the code; now at {page.url}"
    )
    assert_no_axe_violations(page)  # where activation leads: the recovery codes
    assert_page_clean(page)

    sign_out_by_keyboard(page)
    sign_in_by_keyboard(page, resident.email, TEST_PASSWORD)
    assert path_of(page) == reverse("mfa_authenticate"), f"not asked for a code: at {page.url}"
    assert_no_axe_violations(page)
    enter_code_by_keyboard(page, totp_code(secret))
    assert path_of(page) == reverse("accounts:profile"), page.url
    assert_page_clean(page)


def test_staff_sign_in_with_their_authenticator(page: Page, staff: User) -> None:
    """Council staff with MFA: password, then code, then staff pages; twice in one window."""
    for _attempt in range(2):
        sign_in_by_keyboard(page, staff.email, TEST_PASSWORD)
        assert path_of(page) == reverse("mfa_authenticate"), page.url
        enter_code_by_keyboard(page, totp_code(staff.totp_secret))  # type: ignore[attr-defined]
        visit(page, reverse("audit:event-list"))
        assert path_of(page) == reverse("audit:event-list"), page.url
        assert_page_clean(page)
        sign_out_by_keyboard(page)
        # allauth refuses a code already used (replay protection); the second sign-in may
        # fall in the same 30-second window, so forget the first use rather than wait.
        forget_used_totp_codes()


def test_staff_without_two_factor_are_sent_to_set_it_up(
    page: Page, staff_without_mfa: User
) -> None:
    assert Role.COUNCIL_STAFF.value in staff_without_mfa.role_names
    sign_in_by_keyboard(page, staff_without_mfa.email, TEST_PASSWORD)
    visit(page, reverse("audit:event-list"))

    # Sent to set up an authenticator, by way of allauth's "confirm your password" step, and
    # told why on the first page shown.
    told = page.locator("main").inner_text().lower()
    assert "two-factor authentication" in told and "staff" in told, told
    if path_of(page) == reverse("account_reauthenticate"):
        confirm_password_by_keyboard(page, TEST_PASSWORD)
    assert path_of(page) == reverse("mfa_activate_totp"), page.url
    assert parse_qs(urlsplit(page.url).query).get("next") == [reverse("audit:event-list")]

    enter_code_by_keyboard(page, totp_code(totp_secret_on_page(page)))
    assert Authenticator.objects.filter(user=staff_without_mfa).exists(), page.url
    visit(page, reverse("audit:event-list"))
    assert path_of(page) == reverse("audit:event-list"), page.url
    assert_page_clean(page)
