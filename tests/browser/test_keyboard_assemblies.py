"""Citizens' assemblies by keyboard: a resident registers their interest (fixing a mistake the
form points out), and council staff run a draw and confirm it. Tab, Space and Enter; no mouse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from engagement.models import SelectionRun, Volunteer
from luton2040.accounts.models import User

from ..engagement.test_assemblies_support import make_pool
from .conftest import (
    assert_no_axe_violations,
    expect_bad_request,
    focused,
    follow_error_summary_to,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)

# A draw waits for the solver; under a busy machine that is more than Playwright's default.
DRAW_TIMEOUT_MS = 180_000


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_first_answer(page: Page, name: str) -> None:
    """Tab into a radio group and choose its first answer with Space."""
    tab_to(page, f"input[name={name}]")
    page.keyboard.press("Space")
    assert page.evaluate("(name) => !!document.querySelector(`input[name=${name}]:checked`)", name)


def test_a_resident_registers_their_interest_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> None:
    assembly = make_pool(volunteers=0, title="Cost of living assembly")
    page = new_context().new_page()
    visit(page, assembly.get_absolute_url())
    start_from_top(page)
    press_enter_on(page, "main a.govuk-button--start")
    assert urlsplit(page.url).path == reverse(
        "engagement:assembly-register", kwargs={"slug": assembly.slug}
    )
    assert_no_axe_violations(page)

    start_from_top(page)
    type_into(page, "#id_email", "amira.khan@example.org")
    type_into(page, "#id_postcode", "LU1 2BQ")
    for feature in ("sex", "age"):
        choose_first_answer(page, f"answer-{feature}")
    press_enter_on(page, "main form [type=submit]", max_presses=60)
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_name")
    assert page.input_value("#id_email") == "amira.khan@example.org"  # kept

    page.keyboard.type("Amira Khan")
    press_enter_on(page, "main form [type=submit]", max_presses=60)
    assert urlsplit(page.url).path == reverse(
        "engagement:assembly-registered", kwargs={"slug": assembly.slug}
    )
    assert "You have registered your interest" in page.inner_text("main")
    assert_no_axe_violations(page)
    volunteer = Volunteer.objects.get(assembly=assembly)
    assert (volunteer.name, volunteer.postcode) == ("Amira Khan", "LU1 2BQ")
    assert volunteer.categories.count() == 2


def test_staff_run_a_draw_and_confirm_it_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    assembly = make_pool(
        volunteers=16,
        seats=4,
        reserves=1,
        features={
            "sex": [("female", 1, 3), ("male", 1, 3)],
            "age": [("younger", 0, 2), ("middle", 0, 2), ("older", 0, 2)],
        },
    )
    page = new_context().new_page()
    page.set_default_navigation_timeout(DRAW_TIMEOUT_MS)
    sign_in(page.context, staff, live_server.url)
    visit(page, reverse("engagement-staff:assembly-overview", kwargs={"pk": assembly.pk}))
    start_from_top(page)
    press_enter_on(page, "main a.govuk-button[href$='/draws/new/']")
    assert page.locator("h1").inner_text() == "Run the draw"

    # Leave the seed empty: the portal picks one. Sending the form runs the draw (in this
    # test's process) and lands on its page.
    start_from_top(page)
    tab_to(page, "#id_seed")
    press_enter_on(page, "main form [type=submit]")
    run = SelectionRun.objects.get(assembly=assembly)
    assert run.status == SelectionRun.Status.DONE, run.message
    assert urlsplit(page.url).path == reverse(
        "engagement-staff:assembly-run", kwargs={"pk": assembly.pk, "run_pk": run.pk}
    )
    main = page.inner_text("main")
    assert "How each quota was met" in main and "Everyone's chance of selection" in main
    assert_no_axe_violations(page)

    start_from_top(page)
    press_enter_on(page, "main a.govuk-button[href$='/confirm/']")
    assert page.locator("h1").inner_text() == "Confirm this draw?"
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")
    assert "Draw confirmed" in page.inner_text("main"), focused(page)
    run.refresh_from_db()
    assert run.confirmed
    assert Volunteer.objects.filter(assembly=assembly, status="selected").count() == 4
