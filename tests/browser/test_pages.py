"""The page sweep: every page, as the person who sees it, at desktop and 320 px wide.

Each page must: answer the expected status with no console errors, CSP violations or failed
requests; pass axe-core (WCAG 2.2 A/AA); have one h1 and a title; fit 320 px without sideways
scrolling; and offer "Skip to main content" as the first thing Tab reaches, which moves focus
to the main content.

Adding a page is one line in PAGES.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from .conftest import (
    DESKTOP,
    MOBILE,
    axe_violations,
    focused,
    format_axe,
    page_problems,
    sign_in,
    start_from_top,
    visit,
)


@dataclass(frozen=True)
class PageSpec:
    """One page of the sweep.

    url: a URL name ("hubs:index") or a path ("/admin/").
    persona: who is signed in: None for nobody, else a persona fixture from tests/conftest.py
      ("resident", "staff" -- council staff with MFA -- "taskforce_member", ...).
    status: the status the page should answer with.
    setup: called with the pytest request before the visit; returns the kwargs to reverse the
      URL name with (or None), for pages about an object the setup creates.
    axe_disabled: axe rules not run on this page: rule id -> the reason, which must be one a
      reviewer would accept.
    """

    url: str
    persona: str | None = None
    status: int = 200
    setup: Callable[[pytest.FixtureRequest], Mapping[str, Any] | None] | None = None
    axe_disabled: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.url.strip('/') or 'root'}@{self.persona or 'anonymous'}"


PAGES = [
    PageSpec("home"),
    PageSpec("accessibility"),
    PageSpec("privacy"),
    PageSpec("cookies"),
    PageSpec("/no-such-page/", status=404),
    PageSpec("hubs:index"),
    PageSpec("taskforce:index"),
    PageSpec("taskforce:report-list"),
    PageSpec("engagement:index"),
    PageSpec("account_login"),
    PageSpec("account_signup"),
    PageSpec("account_reset_password"),
    PageSpec("account_email_verification_sent"),
    PageSpec("accounts:profile", persona="resident"),
    PageSpec("account_email", persona="resident"),
    PageSpec("account_change_password", persona="resident"),
    PageSpec("mfa_index", persona="resident"),
    PageSpec("mfa_activate_totp", persona="resident"),
    PageSpec("audit:event-list", persona="staff"),
    PageSpec("/admin/", persona="staff"),
]

VIEWPORTS = {"1280px": DESKTOP, "320px": MOBILE}


def _open(
    request: pytest.FixtureRequest,
    new_context: Callable[..., BrowserContext],
    spec: PageSpec,
    viewport: dict[str, int],
) -> tuple[Page, str]:
    kwargs = spec.setup(request) if spec.setup else None
    path = spec.url if spec.url.startswith("/") else reverse(spec.url, kwargs=kwargs)
    context = new_context(viewport=viewport)
    if spec.persona:
        sign_in(
            context,
            request.getfixturevalue(spec.persona),
            request.getfixturevalue("live_server").url,
        )
    page = context.new_page()
    visit(page, path, status=spec.status)
    return page, path


def _skip_link_failures(page: Page) -> list[str]:
    start_from_top(page)
    page.keyboard.press("Tab")
    first = focused(page)
    if not first or first["tag"] != "a" or first["text"] != "Skip to main content":
        return [f"first Tab stop is {first}, not the 'Skip to main content' link"]
    if first["href"] != "#main-content":
        return [f"skip link points to {first['href']!r}, not '#main-content'"]
    page.keyboard.press("Enter")
    after = focused(page)
    if not after or after["id"] != "main-content":
        return [f"Enter on the skip link left focus on {after}, not #main-content"]
    return []


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.id)
def test_page(
    request: pytest.FixtureRequest,
    new_context: Callable[..., BrowserContext],
    spec: PageSpec,
    viewport: dict[str, int],
) -> None:
    page, path = _open(request, new_context, spec, viewport)
    failures: list[str] = []

    title = page.title().strip()
    if not title:
        failures.append("the <title> is empty")
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        failures.append(f"{h1_count} h1 elements, expected exactly one")
    if viewport["width"] <= MOBILE["width"]:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > viewport["width"] + 1:
            wide = page.evaluate(
                """(limit) => Array.from(document.querySelectorAll("body *"))
                    .filter(el => el.getBoundingClientRect().right > limit + 1)
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                         (el.className && typeof el.className === "string"
                            ? "." + el.className.trim().split(/\\s+/).join(".") : ""))""",
                viewport["width"],
            )
            failures.append(
                f"scrolls sideways at {viewport['width']} px: scrollWidth {scroll_width}; "
                f"wider than the viewport: {wide}"
            )
    violations = axe_violations(page, disabled=dict(spec.axe_disabled))
    if violations:
        failures.append("axe-core:\n" + format_axe(violations))
    failures.extend(_skip_link_failures(page))
    failures.extend(page_problems(page))

    assert not failures, f"{path} as {spec.persona or 'anonymous'} at {viewport['width']} px:\n" + (
        "\n".join(f"- {failure}" for failure in failures)
    )
