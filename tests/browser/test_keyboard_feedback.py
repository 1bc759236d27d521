"""Listing feedback by keyboard: a resident reports a problem (meeting an error on the way) and
follows its status, answers "Was this useful?", a provider confirms a "Still correct?" link, and
council staff resolve a report and check then import a spreadsheet. Tab, Shift+Tab, Space and
Enter; arrow keys only inside a radio group, where Tab stops once and the arrows choose (the
browser's own radio behaviour); Space on a file input opens the file chooser. No mouse.

Also runs axe-core on the states the page sweep cannot reach (the report, triage and import
forms with errors, the page after "Was this useful?", the thank-you and import result pages).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from hubs import kinds
from hubs.models import ListingReport, ListingUsefulness, Service
from hubs.services.freshness import verification_token
from luton2040.accounts.models import User
from luton2040.notifications.models import Notification

from ..factories import ListingReportFactory, ServiceFactory
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

IMPORT_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "directory-import-sample.csv"


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def choose_radio(page: Page, name: str, value: str) -> None:
    """With focus in a radio group, press Space to check the focused option, then Down until
    `value` is checked (Down moves focus and checks, as a keyboard user does it)."""
    page.keyboard.press("Space")
    for _ in range(10):
        if focus_matches(page, f"input[name={name}][value={value}]:checked"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {name}={value}; focus is on {focused(page)}")


def test_resident_reports_a_problem_and_follows_its_status(page: Page) -> None:
    service = ServiceFactory(name="Marsh Farm Pantry")
    visit(page, reverse("hubs:service-detail", kwargs={"slug": service.slug}))
    start_from_top(page)
    report_path = reverse("hubs:report-create", kwargs={"slug": service.slug})
    press_enter_on(page, f'a[href="{report_path}"]')
    assert path_of(page) == report_path
    assert page.locator("h1").inner_text() == "Report a problem with this listing"

    # Sent with nothing chosen: the summary takes focus and leads to the first radio.
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_problem_0")
    assert "Select what is wrong with this listing" in page.inner_text("main")
    assert_no_axe_violations(page)

    choose_radio(page, "problem", ListingReport.Problem.WRONG_TIMES)
    tab_to(page, "#id_details")
    page.keyboard.type("They open at 11 on Saturdays now.")
    press_enter_on(page, "main form [type=submit]")

    report = ListingReport.objects.get(service=service)
    assert (report.problem, report.details) == (
        ListingReport.Problem.WRONG_TIMES,
        "They open at 11 on Saturdays now.",
    )
    assert path_of(page) == reverse("hubs:report-sent", args=[report.reference]), page.url
    assert page.locator("h1").inner_text() == "Report sent"
    assert_page_clean(page)

    start_from_top(page)
    press_enter_on(page, f'main a[href="{report.get_absolute_url()}"]')
    assert path_of(page) == report.get_absolute_url()
    main = page.inner_text("main")
    assert "Received" in main and "Opening times are wrong" in main, main
    assert_no_axe_violations(page)
    assert_page_clean(page)


def test_resident_answers_was_this_useful_by_keyboard(page: Page) -> None:
    service = ServiceFactory(name="Lewsey Lunch Club")
    detail_path = reverse("hubs:service-detail", kwargs={"slug": service.slug})
    visit(page, detail_path)
    start_from_top(page)
    press_enter_on(page, ".app-usefulness button[name=useful][value=yes]")

    assert path_of(page) == detail_path  # back on the listing
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.is_visible()
    assert "Thank you for your feedback" in banner.inner_text()
    # role="alert" announces it, and GOV.UK Frontend moves focus to it on load, so the next
    # Tab carries on from the message rather than from the top of the page.
    assert banner.get_attribute("role") == "alert"
    page.wait_for_function(
        "() => document.activeElement && "
        "document.activeElement.closest('.govuk-notification-banner--success')"
    )
    assert_no_axe_violations(page)
    assert_page_clean(page)
    assert list(ListingUsefulness.objects.values_list("service", "useful")) == [(service.pk, True)]


def test_provider_confirms_a_listing_is_still_correct(page: Page) -> None:
    service = ServiceFactory(
        name="Lewsey Pantry", email="pantry@example.org", assured_date=datetime.date(2025, 1, 10)
    )
    token = verification_token(service=service, email="pantry@example.org")
    visit(page, reverse("hubs:service-confirm", args=[token]))
    assert "Lewsey Pantry" in page.inner_text("main")
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")

    assert page.locator("h1").inner_text() == "Thank you"
    assert "You have confirmed that the listing for Lewsey Pantry is correct" in page.inner_text(
        "main"
    )
    assert_no_axe_violations(page)
    assert_page_clean(page)
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == "pantry@example.org"


def test_staff_resolve_a_report_and_the_reporter_is_told(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    report = ListingReportFactory(
        service=ServiceFactory(name="Hockwell Ring Pantry"), email="amina@example.org"
    )
    ListingReportFactory()  # another report, so the right one has to be found
    page = new_context().new_page()
    sign_in(page.context, staff, live_server.url)
    visit(page, reverse("hubs-staff:report-list"))
    start_from_top(page)
    detail_path = reverse("hubs-staff:report-detail", args=[report.pk])
    press_enter_on(page, f'main table a[href="{detail_path}"]')
    assert path_of(page) == detail_path
    assert "Hockwell Ring Pantry" in page.inner_text("main")

    # "Fixed" without saying what was done: the summary leads to the missing text.
    start_from_top(page)
    tab_to(page, "input[name=status]")  # Tab stops once, on the checked option
    choose_radio(page, "status", ListingReport.Status.FIXED)
    press_enter_on(page, "main form[method=post] [type=submit]")
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_resolution")
    assert page.locator("input[name=status][value=fixed]").is_checked()  # the choice is kept
    assert_no_axe_violations(page)
    assert ListingReport.objects.get(pk=report.pk).status == ListingReport.Status.RECEIVED

    page.keyboard.type("We changed the Saturday opening time to 11am.")
    press_enter_on(page, "main form[method=post] [type=submit]")

    assert path_of(page) == detail_path
    assert "Report updated" in page.inner_text("main")
    assert_page_clean(page)
    report.refresh_from_db()
    assert report.status == ListingReport.Status.FIXED
    assert report.resolution == "We changed the Saturday opening time to 11am."
    assert report.resolved_at is not None
    told = Notification.objects.get(kind=kinds.REPORT_RESOLVED)
    assert told.to == "amina@example.org"
    assert told.context["status_url"] == report.get_absolute_url()


def choose_file_by_keyboard(page: Page, path: Path) -> None:
    """The file input has keyboard focus; pick `path` as the chooser it opens would.

    Space on a focused file input opens the operating system's chooser, which a test cannot
    drive; waiting for Chromium's file-chooser event after Space proved flaky under load, so
    the file is set on the focused input directly."""
    assert focus_matches(page, "input[type=file]"), focused(page)
    page.locator("input[type=file]").set_input_files(path)


def test_staff_check_then_import_a_spreadsheet_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    page = new_context().new_page()
    sign_in(page.context, staff, live_server.url)
    visit(page, reverse("hubs-staff:import"))
    before = Service.objects.count()

    # Continue with no file: the summary leads to the file input.
    start_from_top(page)
    press_enter_on(page, "main form [type=submit]")
    expect_bad_request(page)
    follow_error_summary_to(page, "#id_file")
    assert_no_axe_violations(page)

    # Checking is the default: choose the file and continue.
    choose_file_by_keyboard(page, IMPORT_SAMPLE)
    assert page.locator("input[name=mode][value=check]").is_checked()
    press_enter_on(page, "main form [type=submit]")
    assert "3 services are ready to import" in page.inner_text("main")
    assert Service.objects.count() == before  # checking changes nothing
    assert_no_axe_violations(page)
    assert_page_clean(page)

    # Then the same file again, this time to import.
    start_from_top(page)
    tab_to(page, "#id_file")
    choose_file_by_keyboard(page, IMPORT_SAMPLE)
    tab_to(page, "input[name=mode]")
    choose_radio(page, "mode", "import")
    press_enter_on(page, "main form [type=submit]")
    assert page.locator("h1").inner_text() == "Import complete"
    assert Service.objects.count() == before + 3
    assert_no_axe_violations(page)
    assert_page_clean(page)
