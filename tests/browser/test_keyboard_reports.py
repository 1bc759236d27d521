"""Progress reports by keyboard: council staff create a report, add a narrative section and an
actions-by-outcome block, publish it, and the public page shows it. Tab, Space, arrow keys
inside a radio group, and Enter; no mouse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from luton2040.accounts.models import User
from taskforce.models import ProgressReport

from ..factories import ActionFactory, OutcomeFactory
from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    focus_matches,
    focused,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)


def choose_radio(page: Page, name: str, value: str) -> None:
    page.keyboard.press("Space")
    for _ in range(10):
        if focus_matches(page, f"input[name={name}][value={value}]:checked"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {name}={value}; focus is on {focused(page)}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def add_section(page: Page, *, kind: str, heading: str, body: str = "") -> None:
    start_from_top(page)
    press_enter_on(page, "main a.govuk-button[href$='/sections/new/']")
    assert page.locator("h1").inner_text() == "Add a section"
    start_from_top(page)
    tab_to(page, "input[name=kind]")
    choose_radio(page, "kind", kind)
    type_into(page, "#id_heading", heading)
    if body:
        type_into(page, "#id_body", body)
    press_enter_on(page, "main form [type=submit]")
    assert "Section added" in page.inner_text("main")


def test_staff_compose_and_publish_a_report_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    outcome = OutcomeFactory(short_name="Fairness")
    ActionFactory(
        reference="FT-014", title="Warm spaces in Lewsey", progress=40, outcomes=[outcome]
    )
    page = new_context().new_page()
    sign_in(page.context, staff, live_server.url)
    visit(page, reverse("taskforce-staff:report-list"))
    start_from_top(page)
    press_enter_on(page, f'main a[href="{reverse("taskforce-staff:report-create")}"]')

    start_from_top(page)
    type_into(page, "#id_title", "Spring 2026 progress")
    type_into(page, "#id_period_start", "1/1/2026")
    type_into(page, "#id_period_end", "31/3/2026")
    type_into(page, "#id_summary", "What the taskforce did this quarter.")
    press_enter_on(page, "main form [type=submit]")
    report = ProgressReport.objects.get(title="Spring 2026 progress")
    assert urlsplit(page.url).path == reverse("taskforce-staff:report-compose", args=[report.pk])
    assert_no_axe_violations(page)

    add_section(page, kind="narrative", heading="Introduction", body="We met four times.")
    add_section(page, kind="actions-by-outcome", heading="Our actions")
    assert [s.kind for s in report.sections.order_by("position")] == [
        "narrative",
        "actions-by-outcome",
    ]
    assert_page_clean(page)

    start_from_top(page)
    press_enter_on(page, "main a[href$='/publish/']")
    assert page.locator("h1").inner_text() == "Publish this report?"
    assert_no_axe_violations(page)
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")

    report.refresh_from_db()
    assert report.status == "published"
    assert urlsplit(page.url).path == report.get_absolute_url()
    main = page.inner_text("main")
    assert "We met four times." in main
    assert "FT-014: Warm spaces in Lewsey" in main
    assert "1 action: 1 on track" in main
    assert_no_axe_violations(page)
    assert_page_clean(page)
