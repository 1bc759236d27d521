"""Recording an indicator figure by keyboard: a taskforce member adds the residents' perception
survey figure for one ward, meeting an error on the way, and the public page hides it because
too few people stand behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from playwright.sync_api import BrowserContext

from luton2040.accounts.models import User
from taskforce.models import IndicatorValue

from ..factories import IndicatorFactory
from .conftest import (
    FOCUS_IN_ERROR_SUMMARY,
    assert_no_axe_violations,
    expect_bad_request,
    focus_matches,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)


def test_member_records_a_ward_figure_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, taskforce_member: User
) -> None:
    indicator = IndicatorFactory(name="Residents who say their neighbourhood is a good place")
    page = new_context().new_page()
    sign_in(page.context, taskforce_member, live_server.url)
    visit(page, reverse("taskforce:indicator-values", kwargs={"slug": indicator.slug}))
    start_from_top(page)

    tab_to(page, "#id_period_label")
    page.keyboard.type("2025/26")
    tab_to(page, "#id_value")
    page.keyboard.type("eighty")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field sends its form
    expect_bad_request(page)
    page.wait_for_function(FOCUS_IN_ERROR_SUMMARY)
    assert_no_axe_violations(page)
    assert page.locator("#id_period_label").input_value() == "2025/26"  # kept

    # Date fields are native date inputs: reached by Tab, set as a person's typing would.
    tab_to(page, "#id_period_start")
    page.fill("#id_period_start", "2025-04-01")
    tab_to(page, "#id_period_end")
    page.fill("#id_period_end", "2026-03-31")
    tab_to(page, "#id_ward")
    page.keyboard.type("Biscot")  # a select picks the option typed
    tab_to(page, "#id_value")
    page.keyboard.press("Control+A")
    page.keyboard.type("84")
    tab_to(page, "#id_sample_size")
    page.keyboard.type("6")
    tab_to(page, "button.govuk-button[type=submit]:not(.govuk-button--warning)")
    assert focus_matches(page, "button.govuk-button[type=submit]:not(.govuk-button--warning)")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    value = IndicatorValue.objects.get()
    assert (value.ward.name, value.value, value.sample_size) == ("Biscot", 84, 6)
    visit(page, reverse("taskforce:indicator-detail", kwargs={"slug": indicator.slug}))
    assert "not shown" in page.inner_text("main")  # 6 people: below the public threshold
