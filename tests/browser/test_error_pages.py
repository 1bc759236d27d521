"""The error pages the sweep cannot reach by URL: the 503 "try again later" page (the database
is away), the 500 page, and the 429 "too many attempts" page. Each is made to happen in the
live server (it runs in this process, so a patched function is the one it calls), then checked
as the sweep checks a page: axe-core, one h1, and no sideways scrolling at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from .conftest import (
    MOBILE,
    assert_no_axe_violations,
    assert_page_clean,
    page_problems,
    visit,
)


def _fits_320_with_one_h1(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"] + 1
    assert page.locator("h1").count() == 1


@pytest.fixture
def mobile_page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(viewport=MOBILE).new_page()


def _fail_with(error: Exception) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fail


def test_the_database_being_away_is_a_503_page_that_passes_axe(
    mobile_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("luton2040.views.outcome_list", _fail_with(OperationalError("refused")))
    response = visit(mobile_page, reverse("home"), status=503)
    assert response.headers["retry-after"] == "30"
    assert "Sorry, there is a problem with the service" in mobile_page.content()
    _fits_320_with_one_h1(mobile_page)
    assert_no_axe_violations(mobile_page)
    assert_page_clean(mobile_page)


def test_an_unexpected_error_is_a_500_page_that_passes_axe(
    mobile_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("luton2040.views.outcome_list", _fail_with(ValueError("a bug")))
    visit(mobile_page, reverse("home"), status=500)
    _fits_320_with_one_h1(mobile_page)
    assert_no_axe_violations(mobile_page)
    assert_page_clean(mobile_page)


def test_too_many_attempts_is_a_429_page_that_passes_axe(
    mobile_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if this address had asked for too many reset emails (settings.ACCOUNT_RATE_LIMITS).
    monkeypatch.setattr("allauth.core.internal.ratelimit.consume", lambda *a, **k: None)
    visit(mobile_page, reverse("account_reset_password"))
    mobile_page.fill("input[name=email]", "rashida.resident@example.org")
    # The answer arriving is not the page showing it: wait for the navigation too, or the checks
    # below can read the form page still on screen.
    with (
        mobile_page.expect_navigation(),
        mobile_page.expect_response(lambda r: r.request.method == "POST") as answer,
    ):
        mobile_page.locator("form [type=submit]").last.press("Enter")
    assert answer.value.status == 429
    _fits_320_with_one_h1(mobile_page)
    assert_no_axe_violations(mobile_page)
    # The one problem the watcher may note is the 429 this test asked for.
    assert [problem.split(" for ")[0] for problem in page_problems(mobile_page)] == ["HTTP 429"]
