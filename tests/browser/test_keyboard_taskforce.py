"""Taskforce actions by keyboard: a member adds an action (meeting an error on the way), sends
it for review, and a taskforce lead publishes it. Tab, Space, Enter and typing; arrow keys only
inside a radio group. No mouse. axe-core runs on the form with errors, which the sweep cannot
reach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from luton2040.accounts.models import User
from taskforce.models import Action

from ..factories import OutcomeFactory
from .conftest import (
    assert_no_axe_violations,
    expect_bad_request,
    focus_matches,
    follow_error_summary_to,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)


def _path(page: Page) -> str:
    return urlsplit(page.url).path


# The action form is long: every ward is a checkbox.
LONG_FORM = 200


def test_member_adds_and_submits_an_action_and_a_lead_publishes_it(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    taskforce_member: User,
    taskforce_lead: User,
) -> None:
    OutcomeFactory(short_name="Fairness")
    page = new_context().new_page()
    sign_in(page.context, taskforce_member, live_server.url)
    visit(page, reverse("taskforce:my-actions"))
    start_from_top(page)
    press_enter_on(page, "#new-action", max_presses=LONG_FORM)
    assert _path(page) == reverse("taskforce:action-create")

    # Saved with nothing typed: the error summary takes focus and leads to the title.
    start_from_top(page)
    press_enter_on(page, "#save-action", max_presses=LONG_FORM)
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_title")
    assert_no_axe_violations(page)

    page.keyboard.type("Warm spaces in every ward")
    tab_to(page, "#id_summary")
    page.keyboard.type("Open warm, welcoming spaces this winter.")
    tab_to(page, "#id_outcomes_0")
    page.keyboard.press("Space")
    press_enter_on(page, "#save-action", max_presses=LONG_FORM)

    action = Action.objects.get()
    assert action.review == Action.Review.DRAFT
    assert _path(page) == reverse("taskforce:action-edit", kwargs={"reference": action.reference})

    start_from_top(page)
    press_enter_on(page, "#submit-action", max_presses=LONG_FORM)
    assert _path(page) == reverse("taskforce:my-actions")
    assert "is waiting for review" in page.inner_text("main")
    action.refresh_from_db()
    assert action.review == Action.Review.SUBMITTED

    # The lead finds it in the queue and publishes it.
    lead_page = new_context().new_page()
    sign_in(lead_page.context, taskforce_lead, live_server.url)
    visit(lead_page, reverse("taskforce:review-queue"))
    start_from_top(lead_page)
    review_path = reverse("taskforce:action-review", kwargs={"reference": action.reference})
    press_enter_on(lead_page, f'a[href="{review_path}"]', max_presses=LONG_FORM)
    assert _path(lead_page) == review_path
    tab_to(lead_page, "#id_decision_0")
    lead_page.keyboard.press("Space")
    assert focus_matches(lead_page, "#id_decision_0:checked")
    press_enter_on(lead_page, "#send-review", max_presses=LONG_FORM)
    assert _path(lead_page) == reverse("taskforce:review-queue")
    assert "is published" in lead_page.inner_text("main")
    action.refresh_from_db()
    assert action.review == Action.Review.PUBLISHED
