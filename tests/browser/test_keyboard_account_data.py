"""Your data and deleting your account, by keyboard: a resident goes from their account page
to their data, then deletes their account (meeting the "enter your password" error on the way).
Tab, Shift+Tab and Enter only. Also runs axe-core on the delete form with its error, which the
page sweep cannot reach."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import BrowserContext

from luton2040.accounts.models import User

from ..accounts.personal_data_fixtures import give_data
from ..factories import TEST_PASSWORD
from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    expect_bad_request,
    focus_matches,
    follow_error_summary_to,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)


def test_resident_reads_their_data_then_deletes_their_account(
    new_context: Callable[..., BrowserContext], live_server: Any, resident: User
) -> None:
    give_data(resident)
    page = new_context().new_page()
    sign_in(page.context, resident, live_server.url)
    visit(page, reverse("accounts:profile"))

    start_from_top(page)
    press_enter_on(page, f'main a[href="{reverse("accounts:your-data")}"]')
    assert urlsplit(page.url).path == reverse("accounts:your-data")
    assert resident.email in page.inner_text("main")
    # The download is a link a keyboard reaches, and then "Delete your account".
    tab_to(page, f'main a[href="{reverse("accounts:your-data-json")}"]')
    press_enter_on(page, f'main a[href="{reverse("accounts:delete")}"]', max_presses=200)
    assert urlsplit(page.url).path == reverse("accounts:delete")

    # Sent without the password: the summary takes focus and leads to the field.
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_password")
    assert "Enter your password" in page.inner_text("main")
    assert_no_axe_violations(page)
    assert User.objects.filter(pk=resident.pk).exists()

    # Typed, then Enter in the field sends the form.
    assert focus_matches(page, "#id_password")
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == reverse("accounts:deleted")
    assert page.locator("h1").inner_text() == "Your account has been deleted"
    assert_page_clean(page)
    assert not User.objects.filter(pk=resident.pk).exists()
