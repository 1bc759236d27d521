"""Consultations by keyboard: council staff create a consultation (fixing a date the error
summary points to), are told it cannot be published without a question, then publish it; a
resident filters the list of consultations and removes the filter again. Tab, Space and
Enter; no mouse."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from engagement.models import Consultation
from luton2040.accounts.models import User

from ..factories import ConsultationFactory, QuestionFactory
from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    expect_bad_request,
    follow_error_summary_to,
    press_enter_and_wait,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)

# The form lists every ward, group and topic as a checkbox: far more stops than TAB_LIMIT.
LONG_FORM = 200


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector, max_presses=LONG_FORM)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def type_date(page: Page, prefix: str, day: datetime.date) -> None:
    """Day, month and year boxes, one Tab apart."""
    type_into(page, f"#id_{prefix}_0", str(day.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))


def test_staff_create_and_publish_a_consultation_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    today = timezone.localdate()
    page = new_context().new_page()
    sign_in(page.context, staff, live_server.url)
    visit(page, reverse("engagement-staff:consultation-list"))
    start_from_top(page)
    press_enter_on(page, f'main a[href="{reverse("engagement-staff:consultation-create")}"]')
    assert page.locator("h1").inner_text() == "Create a consultation"

    start_from_top(page)
    type_into(page, "#id_title", "Bus routes in south Luton")
    type_into(page, "#id_summary", "Tell us which bus routes matter most to you.")
    tab_to(page, "input[name=topics][value=transport]", max_presses=LONG_FORM)
    page.keyboard.press("Space")
    type_date(page, "opens_on", today - datetime.timedelta(days=1))
    # Closing before it opens: the form says so and keeps everything typed.
    type_date(page, "closes_on", today - datetime.timedelta(days=2))
    press_enter_on(page, "main form [type=submit]", max_presses=LONG_FORM)
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_closes_on_0")
    assert page.locator("#id_title").input_value() == "Bus routes in south Luton"
    assert page.locator("input[name=topics][value=transport]").is_checked()
    assert_no_axe_violations(page)

    closes = today + datetime.timedelta(days=30)
    page.keyboard.press("Control+A")
    page.keyboard.type(str(closes.day))
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(closes.month))
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(closes.year))
    press_enter_on(page, "main form [type=submit]", max_presses=LONG_FORM)

    consultation = Consultation.objects.get(title="Bus routes in south Luton")
    assert consultation.status == "draft"
    assert consultation.topics == ["transport"]
    overview = reverse("engagement-staff:consultation-detail", args=[consultation.slug])
    assert urlsplit(page.url).path == overview
    assert "Draft consultation created." in page.inner_text("main")
    assert_no_axe_violations(page)

    # No questions yet: publishing is refused, and the page says why.
    start_from_top(page)
    press_enter_on(page, "main a[href$='/publish/']")
    assert page.locator("h1").inner_text() == "Publish this consultation?"
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")
    expect_bad_request(page)
    assert page.title().startswith("Error:")
    assert "Add at least one question to the survey" in page.inner_text("main")
    assert_no_axe_violations(page)
    consultation.refresh_from_db()
    assert consultation.status == "draft"

    # The survey builder is another area's page: a question added there.
    QuestionFactory(section__consultation=consultation, text="Which route do you use most?")
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")
    assert urlsplit(page.url).path == overview
    assert "Consultation published. It is now open." in page.inner_text("main")
    consultation.refresh_from_db()
    assert consultation.status == "open"
    assert_no_axe_violations(page)
    assert_page_clean(page)


def test_a_resident_filters_consultations_by_keyboard(page: Page) -> None:
    now = timezone.now()
    ConsultationFactory(title="Housing repairs", topics=["housing"])
    ConsultationFactory(title="Bus routes", topics=["transport"])
    ConsultationFactory(
        title="New play areas",
        status="forthcoming",
        topics=["housing"],
        opens_at=now + datetime.timedelta(days=4),
        closes_at=now + datetime.timedelta(weeks=5),
    )
    visit(page, reverse("engagement:index"))
    start_from_top(page)

    tab_to(page, "input[name=status][value=open]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=topic][value=housing]")
    page.keyboard.press("Space")
    tab_to(page, "#consultation-filters [type=submit]", max_presses=LONG_FORM)
    press_enter_and_wait(page)
    assert "status=open" in page.url and "topic=housing" in page.url
    main = page.inner_text("main")
    assert "1 consultation" in main
    assert "Housing repairs" in main
    assert "Bus routes" not in main and "New play areas" not in main
    assert "Topic: Housing" in main
    assert_no_axe_violations(page)

    # The "Status: Open" tag removes that filter and keeps the other.
    start_from_top(page)
    press_enter_on(page, "a.moj-filter__tag[href='?topic=housing']")
    main = page.inner_text("main")
    assert "Housing repairs" in main and "New play areas" in main
    assert "Bus routes" not in main
    assert page.locator("input[name=status][value=open]").is_checked() is False
    assert_page_clean(page)
