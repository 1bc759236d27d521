"""Provider edits by keyboard: an editor changes a service's opening hours and sends them for
review (meeting an error on the way); council staff approve. No mouse."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from hubs.models import ListingEdit, Schedule, Service
from luton2040.accounts.models import User

from ..factories import editable_service
from .conftest import (
    FOCUS_IN_ERROR_SUMMARY,
    assert_no_axe_violations,
    assert_page_clean,
    focus_matches,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)

LONG_FORM = 300  # the service form has many stops before its opening times


def _replace_by_keyboard(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector, max_presses=LONG_FORM)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_editor_changes_opening_hours_and_staff_approve(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    organisation: Any,
    org_editor: User,
    staff: User,
) -> None:
    service = editable_service(organisation, name="Saturday Food Bank")
    editor_page = new_context().new_page()
    sign_in(editor_page.context, org_editor, live_server.url)
    visit(editor_page, reverse("hubs:manage"))
    start_from_top(editor_page)
    press_enter_on(
        editor_page,
        f'a[href="{reverse("hubs:service-edit", args=[service.slug])}"]',
        max_presses=LONG_FORM,
    )
    assert_no_axe_violations(editor_page)

    # Closing before opening without "past midnight": the error summary takes focus.
    start_from_top(editor_page)
    _replace_by_keyboard(editor_page, "#id_schedules-0-byday", "SA")
    _replace_by_keyboard(editor_page, "#id_schedules-0-opens_at", "09:30")
    _replace_by_keyboard(editor_page, "#id_schedules-0-closes_at", "08:00")
    press_enter_on(editor_page, "#send-for-review", max_presses=LONG_FORM)
    editor_page.wait_for_function(FOCUS_IN_ERROR_SUMMARY)
    assert editor_page.title().startswith("Error:"), editor_page.title()
    assert_no_axe_violations(editor_page)
    editor_page.keyboard.press("Tab")
    editor_page.keyboard.press("Enter")
    assert focus_matches(editor_page, "#id_schedules-0-closes_at")
    assert editor_page.input_value("#id_schedules-0-byday") == "SA"  # what was typed is kept
    editor_page.keyboard.press("Control+A")
    editor_page.keyboard.type("12:00")
    press_enter_on(editor_page, "#send-for-review", max_presses=LONG_FORM)

    assert "Sent for review" in editor_page.locator("h1").inner_text()
    assert_page_clean(editor_page)
    edit = ListingEdit.objects.get(service=service)
    assert Schedule.objects.get(service=service).byday == "MO"  # still live as it was

    staff_page = new_context().new_page()
    sign_in(staff_page.context, staff, live_server.url)
    visit(staff_page, reverse("hubs-staff:review-list"))
    start_from_top(staff_page)
    press_enter_on(
        staff_page,
        f'a[href="{reverse("hubs-staff:review-detail", args=[edit.pk])}"]',
        max_presses=LONG_FORM,
    )
    assert "Changed" in staff_page.locator("main").inner_text()
    assert_no_axe_violations(staff_page)
    start_from_top(staff_page)
    press_enter_on(staff_page, "#approve", max_presses=LONG_FORM)
    assert_page_clean(staff_page)

    schedule = Schedule.objects.get(service=service)
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "SA",
        datetime.time(9, 30),
        datetime.time(12, 0),
    )
    assert Service.objects.get(pk=service.pk).assurer_email == org_editor.email
