"""Building a survey by keyboard: council staff add a section, then a multiple-choice question,
send it with too few options, follow the error summary to the options box, fix them and see
the question in the survey. Tab, Space, arrow keys inside the radio group, and Enter; no
mouse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from engagement.models import Question, Section
from luton2040.accounts.models import User

from ..factories import ConsultationFactory
from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    expect_bad_request,
    focus_matches,
    focused,
    follow_error_summary_to,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)


def choose_radio(page: Page, name: str, value: str) -> None:
    """With focus in a radio group, Space checks the focused option, then Down moves on
    (checking as it goes) until `value` is checked."""
    page.keyboard.press("Space")
    for _ in range(12):
        if focus_matches(page, f"input[name={name}][value={value}]:checked"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {name}={value}; focus is on {focused(page)}")


def test_staff_add_a_section_and_a_multiple_choice_question_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    consultation = ConsultationFactory(title="Bus routes in Luton", status="draft")
    survey_path = reverse("engagement-staff:survey", kwargs={"slug": consultation.slug})
    page = new_context().new_page()
    sign_in(page.context, staff, live_server.url)
    visit(page, survey_path)
    assert "The survey has no sections yet." in page.inner_text("main")

    # A section.
    start_from_top(page)
    press_enter_on(page, "main a.govuk-button[href$='/sections/new/']")
    assert page.locator("h1").inner_text() == "Add a section"
    start_from_top(page)
    tab_to(page, "#id_title")
    page.keyboard.type("Getting around")
    press_enter_on(page, "main form [type=submit]")
    section = Section.objects.get(consultation=consultation)
    assert urlsplit(page.url).path == survey_path
    assert "Section added" in page.inner_text("main")
    assert_no_axe_violations(page)

    # A multiple-choice question, sent with one option.
    start_from_top(page)
    press_enter_on(page, f"main a[href$='/sections/{section.pk}/questions/new/']")
    assert page.locator("h1").inner_text() == "Add a question"
    start_from_top(page)
    tab_to(page, "#id_text")
    page.keyboard.type("How do you get to work?")
    tab_to(page, "input[name=kind]")  # Tab stops once on the group
    choose_radio(page, "kind", Question.Kind.MULTIPLE_CHOICE)
    tab_to(page, "#id_required")
    page.keyboard.press("Space")
    tab_to(page, "#id_options")
    page.keyboard.type("Bus")
    tab_to(page, "#id_max_choices")
    page.keyboard.type("2")
    press_enter_on(page, "main form [type=submit]")
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_options")
    assert "Enter at least 2 options" in page.inner_text("main")
    # Everything typed is kept, the type chosen too.
    assert page.locator("#id_text").input_value() == "How do you get to work?"
    assert page.locator("input[name=kind][value=multiple-choice]").is_checked()
    assert page.locator("#id_max_choices").input_value() == "2"
    assert_no_axe_violations(page)
    assert not Question.objects.exists()

    # Fixed: two more options, one a line, after the one already there.
    page.keyboard.press("Control+End")
    page.keyboard.type("\nTrain\nBike")
    press_enter_on(page, "main form [type=submit]")
    question = Question.objects.get(section=section)
    assert urlsplit(page.url).path == survey_path
    assert (question.kind, question.required, question.max_choices) == (
        Question.Kind.MULTIPLE_CHOICE,
        True,
        2,
    )
    assert [o.label for o in question.options.order_by("position")] == ["Bus", "Train", "Bike"]
    main = page.inner_text("main")
    assert "Question added" in main and "How do you get to work?" in main
    assert "Multiple choice" in main and "Train" in main
    assert_no_axe_violations(page)
    assert_page_clean(page)
