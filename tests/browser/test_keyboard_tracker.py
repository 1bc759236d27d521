"""The taskforce tracker by keyboard: filter by outcome and status, open an action, follow it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext

from luton2040.accounts.models import User
from luton2040.notifications.models import Subscription
from taskforce.models import Action

from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    press_enter_and_wait,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)
from .pages_taskforce_public import tracker_data


def test_filter_the_tracker_open_an_action_and_follow_it_by_keyboard(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    resident: User,
    request: pytest.FixtureRequest,
) -> None:
    reference = tracker_data(request)["reference"]
    action = Action.objects.get(reference=reference)
    page = new_context().new_page()
    sign_in(page.context, resident, live_server.url)
    visit(page, reverse("taskforce:index"))
    start_from_top(page)

    tab_to(page, "#id_outcome")
    page.keyboard.type("1. Resident")  # type-ahead picks the option in a closed select
    tab_to(page, "#id_status")
    page.keyboard.type("At risk")
    assert page.locator("#id_outcome").input_value() == "resident-voice"
    assert page.locator("#id_status").input_value() == "at-risk"
    tab_to(page, "#tracker-filters [type=submit]")
    press_enter_and_wait(page)
    assert_page_clean(page)
    main = page.inner_text("main")
    assert "Outcome: 1. Resident voice" in main
    assert "Status: At risk" in main
    assert "1 action" in main
    assert "Listening events" not in main  # done, not at risk
    assert_no_axe_violations(page)

    tab_to(page, f".app-action-card a[href='{action.get_absolute_url()}']")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Warm spaces in every ward"
    assert "Status: Delayed → At risk" in page.inner_text("main")

    tab_to(page, "form[action$='/follow/'] [type=submit]")
    press_enter_and_wait(page)
    assert_page_clean(page)
    assert "You will get updates about" in page.inner_text("main")
    assert Subscription.objects.get(user=resident).target == action
    assert_no_axe_violations(page)
