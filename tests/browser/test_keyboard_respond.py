"""Responding to a consultation by keyboard only: the start page, every kind of question (with
an error on the way), the "about you" page, check your answers, changing one answer, sending
with a receipt, and the confirmation. Tab, Shift+Tab, Space, Enter and typing; arrow keys only
inside a radio group (the browser's own radio behaviour); typing a value picks it in a select
(the browser's own type-ahead). No mouse.

Also runs axe-core on the states the page sweep cannot reach: an anonymous person's pages, a
page with errors of each kind, "save and come back later", changing a sent response, and the
"wait a minute" page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from engagement.models import Answer, EqualityMonitoring, Response
from engagement.services.responses import response_submit
from luton2040.accounts.models import User
from luton2040.notifications.models import Notification

from ..engagement.test_respond_forms import Survey, make_survey
from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    expect_bad_request,
    focus_matches,
    focused,
    follow_error_summary_to,
    page_problems,
    press_enter_and_wait,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)

LONG_FORM = 120  # Tab stops on a survey page: header, navigation, then every input


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def respond_url(survey: Survey, name: str = "respond", **kwargs: Any) -> str:
    return reverse(f"engagement:{name}", kwargs={"slug": survey.consultation.slug, **kwargs})


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector, max_presses=LONG_FORM)
    page.keyboard.press("Control+A")  # replace what is there, as a person would
    page.keyboard.type(text)


def pick(page: Page, selector: str, typed: str) -> None:
    """Focus a select and pick an option by typing its start (the browser's type-ahead)."""
    tab_to(page, selector, max_presses=LONG_FORM)
    page.keyboard.type(typed)


def choose_radio(page: Page, name: str, value: str) -> None:
    """With focus in a radio group, Space checks the focused option, then Down until `value` is
    checked (Down moves focus and checks, as a keyboard user does it)."""
    page.keyboard.press("Space")
    for _ in range(10):
        if focus_matches(page, f"input[name='{name}'][value='{value}']:checked"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {name}={value}; focus is on {focused(page)}")


def save_and_continue(page: Page) -> None:
    press_enter_on(page, "main form button[value=continue]", max_presses=LONG_FORM)


def test_a_full_response_by_keyboard(page: Page) -> None:
    survey = make_survey(allow_anonymous=True, one_response_per_person=False)
    q = survey.q
    visit(page, respond_url(survey))
    assert page.locator("h1").inner_text() == survey.consultation.title
    assert_no_axe_violations(page)
    start_from_top(page)
    press_enter_on(page, "main form button[type=submit]")
    assert path_of(page) == respond_url(survey, "respond-section", number=1)
    assert "Section 1 of 3" in page.inner_text("main")

    # Page 1 sent empty: the summary takes focus and leads to the first question.
    start_from_top(page)
    save_and_continue(page)
    expect_bad_request(page)
    follow_error_summary_to(page, f"#id_q{q['short-text'].pk}")
    assert "Enter your answer to “Which bus stop do you use most?”" in page.inner_text("main")
    assert_no_axe_violations(page)

    # Short text (focus is on it already), long text with its character count.
    page.keyboard.type("Park Street")
    type_into(page, f"#id_q{q['long-text'].pk}", "More buses after 8pm.")
    # Single choice: "Other", then its text box (the next Tab stop).
    tab_to(page, f"input[name=q{q['single-choice'].pk}]", max_presses=LONG_FORM)
    choose_radio(page, f"q{q['single-choice'].pk}", "other")
    page.keyboard.press("Tab")
    assert focus_matches(page, f"#id_q{q['single-choice'].pk}_other"), focused(page)
    page.keyboard.type("By bike")
    # Multiple choice: the first two routes.
    route_a = survey.option("multiple-choice", "Route A")
    route_b = survey.option("multiple-choice", "Route B")
    tab_to(
        page, f"input[name=q{q['multiple-choice'].pk}][value='{route_a}']", max_presses=LONG_FORM
    )
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focus_matches(page, f"input[value='{route_b}']"), focused(page)
    page.keyboard.press("Space")
    save_and_continue(page)
    assert path_of(page) == respond_url(survey, "respond-section", number=2)

    # Page 2: scale, ranking (a number per option), number. A repeated rank and a number out
    # of range first.
    tab_to(page, f"input[name=q{q['scale'].pk}]", max_presses=LONG_FORM)
    choose_radio(page, f"q{q['scale'].pk}", str(survey.option("scale", "Agree")))
    ranking = [survey.option("ranking", x) for x in ("Fares", "Frequency", "Reliability")]
    for option_id, rank in zip(ranking, ("2", "2", "1"), strict=True):
        pick(page, f"select[name=q{q['ranking'].pk}_{option_id}]", rank)
    type_into(page, f"#id_q{q['number'].pk}", "12")
    save_and_continue(page)
    expect_bad_request(page)
    follow_error_summary_to(page, f"#id_q{q['ranking'].pk}")
    main = page.inner_text("main")
    assert "Give each option a different rank: use each number from 1 to 3 once" in main
    assert "Enter a number between 1 and 10" in main
    assert page.locator(f"#id_q{q['number'].pk}").input_value() == "12"  # kept
    assert_no_axe_violations(page)
    page.keyboard.type("3")  # focus is on the first rank: Fares 3rd
    type_into(page, f"#id_q{q['number'].pk}", "4")
    save_and_continue(page)
    assert path_of(page) == respond_url(survey, "respond-section", number=3)

    # Page 3: date (three boxes), ward (a select), postcode.
    type_into(page, f"#id_q{q['date'].pk}", "3")
    page.keyboard.press("Tab")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("2025")
    pick(page, f"#id_q{q['ward'].pk}", "Bis")
    type_into(page, f"#id_q{q['postcode'].pk}", "lu1 2bq")
    save_and_continue(page)

    # About you: optional, stored apart.
    assert path_of(page) == respond_url(survey, "respond-equality")
    assert_no_axe_violations(page)
    start_from_top(page)
    tab_to(page, "input[name=age_band]", max_presses=LONG_FORM)
    choose_radio(page, "age_band", "25-34")
    press_enter_on(page, "main form button[type=submit]", max_presses=LONG_FORM)

    # Check your answers, then change the number by its Change link.
    assert path_of(page) == respond_url(survey, "respond-check")
    main = page.inner_text("main")
    for shown in (
        "Park Street",
        "Other: By bike",
        "Route A",
        "Route B",
        "Agree",
        "1. Reliability",
        "2. Frequency",
        "3. Fares",
        "3 November 2025",
        "Biscot",
        "LU1 2BQ",
        "25 to 34",
    ):
        assert shown in main, shown
    assert_no_axe_violations(page)
    start_from_top(page)
    press_enter_on(page, f'main a[href$="#question-{q["number"].pk}"]', max_presses=LONG_FORM)
    assert path_of(page) == respond_url(survey, "respond-section", number=2)
    type_into(page, f"#id_q{q['number'].pk}", "7")
    save_and_continue(page)
    assert path_of(page) == respond_url(survey, "respond-check")
    assert (
        "7"
        in page.locator(f'a[href$="#question-{q["number"].pk}"]')
        .locator("xpath=../..")
        .inner_text()
    )

    # A receipt, then send.
    start_from_top(page)
    tab_to(page, "#id_receipt", max_presses=LONG_FORM)
    page.keyboard.press("Space")
    type_into(page, "#id_email", "amina@example.org")
    press_enter_on(page, "main form button[type=submit]", max_presses=LONG_FORM)

    assert path_of(page) == respond_url(survey, "respond-sent")
    assert page.locator("h1").inner_text() == "Response sent"
    assert "We have sent you a receipt by email." in page.inner_text("main")
    assert_no_axe_violations(page)
    assert_page_clean(page)

    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.respondent is None
    assert Answer.objects.get(question=q["number"]).number == 7
    assert Answer.objects.get(question=q["single-choice"]).other_text == "By bike"
    assert Answer.objects.get(question=q["ranking"]).option_ids == [
        survey.option("ranking", x) for x in ("Reliability", "Frequency", "Fares")
    ]
    assert EqualityMonitoring.objects.get().age_band == "25-34"
    assert Notification.objects.get().to == "amina@example.org"


def test_pages_only_a_session_reaches_pass_axe(
    new_context: Callable[..., BrowserContext], live_server: Any, resident: User, settings: Any
) -> None:
    """Anonymous pages with errors, save and come back later, changing a sent response, and the
    "wait a minute" page."""
    survey = make_survey(allow_anonymous=True, one_response_per_person=False)
    q = survey.q
    page = new_context().new_page()
    visit(page, respond_url(survey))
    start_from_top(page)
    press_enter_on(page, "main form button[type=submit]")
    # Page 1 with "Other" chosen and no text, and too many routes.
    tab_to(page, f"input[name=q{q['single-choice'].pk}]", max_presses=LONG_FORM)
    choose_radio(page, f"q{q['single-choice'].pk}", "other")
    for label in ("Route A", "Route B", "Route C"):
        tab_to(
            page, f"input[value='{survey.option('multiple-choice', label)}']", max_presses=LONG_FORM
        )
        page.keyboard.press("Space")
    save_and_continue(page)
    expect_bad_request(page)
    follow_error_summary_to(page, f"#id_q{q['short-text'].pk}")
    main = page.inner_text("main")
    assert "Enter the other answer" in main and "Select no more than 2 options" in main
    assert_no_axe_violations(page)

    # "Save and come back later" from page 1: the email form, with an error, then sent.
    press_enter_on(page, "main form button[value=save-later]", max_presses=LONG_FORM)
    expect_bad_request(page)  # the page's own errors still stand: nothing saved
    type_into(page, f"#id_q{q['single-choice'].pk}_other", "By bike")
    for label in ("Route C",):
        tab_to(
            page, f"input[value='{survey.option('multiple-choice', label)}']", max_presses=LONG_FORM
        )
        page.keyboard.press("Space")
    press_enter_on(page, "main form button[value=save-later]", max_presses=LONG_FORM)
    assert path_of(page) == respond_url(survey, "respond-save")
    assert_no_axe_violations(page)
    start_from_top(page)
    press_enter_on(page, "main form button[type=submit]")
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_email")
    assert_no_axe_violations(page)
    page.keyboard.type("amina@example.org")
    # Waiting for the load state alone returned at once, on the page already loaded, so the
    # heading was read before the answer arrived: wait for the navigation itself.
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Your answers are saved"
    assert_no_axe_violations(page)

    # The date on page 3 is not a real date.
    visit(page, respond_url(survey, "respond-section", number=3))
    type_into(page, f"#id_q{q['date'].pk}", "31")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("2025")
    save_and_continue(page)
    expect_bad_request(page)
    follow_error_summary_to(page, f"#id_q{q['date'].pk}")
    assert "Date must be a real date" in page.inner_text("main")
    assert_no_axe_violations(page)

    # The "wait a minute" page: this address has started as many responses as a minute allows.
    settings.ENGAGEMENT_RESPONSES_PER_MINUTE = 1
    for _ in range(3):  # starts are allowed three times the sends
        Client(REMOTE_ADDR="127.0.0.1").post(respond_url(survey))
    fresh = new_context().new_page()
    visit(fresh, respond_url(survey))
    start_from_top(fresh)
    press_enter_on(fresh, "main form button[type=submit]")
    assert fresh.locator("h1").inner_text() == "Wait a minute, then try again"
    fresh.wait_for_timeout(250)
    problems = page_problems(fresh)
    assert problems[:1] == [f"HTTP 429 for document {fresh.url}"], problems
    assert_no_axe_violations(fresh)
    settings.ENGAGEMENT_RESPONSES_PER_MINUTE = 20
    assert_page_clean(page)

    # Changing a sent response, signed in.
    signed = make_survey()
    resident_page = new_context().new_page()
    sign_in(resident_page.context, resident, live_server.url)
    response_submit(
        consultation=signed.consultation,
        answers={
            signed.q["short-text"].pk: "Park Street",
            signed.q["scale"].pk: signed.option("scale", "Agree"),
            signed.q["single-choice"].pk: signed.option("single-choice", "Every day"),
        },
        respondent=resident,
    )
    visit(resident_page, respond_url(signed))
    start_from_top(resident_page)
    press_enter_on(resident_page, f'main a[href="{respond_url(signed, "respond-change")}"]')
    assert path_of(resident_page) == respond_url(signed, "respond-check")
    assert resident_page.locator("h1").inner_text() == "Your response"
    assert_no_axe_violations(resident_page)
    assert_page_clean(resident_page)
