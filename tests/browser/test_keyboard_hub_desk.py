"""The hub desk by keyboard: a hub editor types in a paper form (meeting an error on the way)
and gets the form back empty for the next one. Tab, Shift+Tab, Space and Enter; arrow keys only
inside a radio group. No mouse.

Also runs axe-core on the states the page sweep cannot reach: the entry page with errors, and
with the "Response entered" banner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from engagement.models import Answer, Response
from luton2040.accounts.models import User

from ..factories import ConsultationFactory, LocationFactory, QuestionFactory, SectionFactory
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

LONG_FORM = 200  # the whole survey and the equality questions are on one page


def choose_radio(page: Page, name: str, value: str) -> None:
    """With focus in a radio group, Space checks the focused option; Down moves on and checks
    the next, until `value` is checked."""
    page.keyboard.press("Space")
    for _ in range(10):
        if focus_matches(page, f'input[name="{name}"][value="{value}"]:checked'):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {name}={value}; focus is on {focused(page)}")


def test_a_hub_editor_enters_a_paper_form_by_keyboard(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    organisation: Any,
    org_editor: User,
) -> None:
    hub = LocationFactory(organisation=organisation, is_hub=True, name="Marsh Farm Hub")
    consultation = ConsultationFactory(title="Buses in Luton")
    section = SectionFactory(consultation=consultation, title="Bus routes")
    route = QuestionFactory(
        section=section,
        kind="single-choice",
        text="Should the 31 run on Sundays?",
        required=True,
        options=["Yes", "No"],
    )
    comment = QuestionFactory(section=section, kind="long-text", text="Anything else?")
    prefix = f"s{section.pk}"

    page = new_context().new_page()
    sign_in(page.context, org_editor, live_server.url)
    visit(page, reverse("engagement:hub-desk"))
    start_from_top(page)
    entry_path = reverse("engagement:hub-desk-entry", args=[consultation.slug])
    press_enter_on(page, f'main a[href="{entry_path}"]')
    assert urlsplit(page.url).path == entry_path
    assert page.locator("h1").inner_text() == "Enter a response"
    # Their one hub is already chosen.
    assert page.input_value("#id_hub") == str(hub.pk)

    # Sent without saying how it came: the summary takes focus and leads to the first option.
    start_from_top(page)
    press_enter_on(page, "#enter-response", max_presses=LONG_FORM)
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_channel_0")
    assert "Select how the response reached you" in page.inner_text("main")
    assert_no_axe_violations(page)

    choose_radio(page, "channel", "paper")
    tab_to(page, f"#id_{prefix}-q{route.pk}_0", max_presses=LONG_FORM)
    page.keyboard.press("Space")  # "Yes"
    tab_to(page, f"#id_{prefix}-q{comment.pk}", max_presses=LONG_FORM)
    page.keyboard.type("A Sunday bus to the hospital, please.")
    press_enter_on(page, "#enter-response", max_presses=LONG_FORM)

    response = Response.objects.get()
    assert (response.channel, response.hub_id, response.entered_by_id, response.respondent_id) == (
        "paper",
        hub.pk,
        org_editor.pk,
        None,
    )
    assert Answer.objects.get(question=comment).text == "A Sunday bus to the hospital, please."

    # Back on the same page, empty for the next form, with the reference to write on this one.
    assert urlsplit(page.url).path == entry_path
    banner = page.locator(".govuk-notification-banner--success")
    assert f"Response entered (reference {response.pk})" in banner.inner_text()
    assert page.input_value(f"#id_{prefix}-q{comment.pk}") == ""
    assert page.is_checked("#id_channel_0")  # still "Paper form": the pile is all paper
    assert_no_axe_violations(page)
    assert_page_clean(page)
