"""The page sweep: every page, as the person who sees it, at desktop and 320 px wide.

Each page must: answer the expected status with no console errors, CSP violations or failed
requests; pass axe-core (WCAG 2.2 A/AA); have one h1 and a title; fit 320 px without sideways
scrolling; and offer "Skip to main content" as the first thing Tab reaches, which moves focus
to the main content.

Adding a page is one line in PAGES, or in the pages_*.py module of the area it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

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
from .pages_account_data import PAGES as ACCOUNT_DATA_PAGES
from .pages_engagement_assemblies import PAGES as ENGAGEMENT_ASSEMBLY_PAGES
from .pages_engagement_consultations import PAGES as ENGAGEMENT_CONSULTATION_PAGES
from .pages_engagement_hub_desk import PAGES as ENGAGEMENT_HUB_DESK_PAGES
from .pages_engagement_outcomes import PAGES as ENGAGEMENT_OUTCOME_PAGES
from .pages_engagement_respond import PAGES as ENGAGEMENT_RESPOND_PAGES
from .pages_engagement_survey import PAGES as ENGAGEMENT_SURVEY_PAGES
from .pages_hubs_editor import PAGES as HUBS_EDITOR_PAGES
from .pages_hubs_feedback import PAGES as HUBS_FEEDBACK_PAGES
from .pages_hubs_public import PAGES as HUBS_PUBLIC_PAGES
from .pages_taskforce_members import PAGES as TASKFORCE_MEMBER_PAGES
from .pages_taskforce_public import PAGES as TASKFORCE_PUBLIC_PAGES
from .pages_taskforce_reports import PAGES as TASKFORCE_REPORT_PAGES
from .pagespec import PageSpec


def _failed_message(request: pytest.FixtureRequest) -> dict[str, Any]:
    from luton2040.notifications.models import Notification

    notification = Notification.objects.create(
        kind="account.security",
        to="rashida.resident@example.org",
        idempotency_key="browser:failed",
        status=Notification.Status.FAILED,
        attempts=5,
        last_error="421 4.4.2 connection timed out",
    )
    return {"pk": notification.pk}


def _follow_form(request: pytest.FixtureRequest) -> dict[str, Any]:
    from tests.factories import ActionFactory

    return {"?query": f"target=taskforce.action:{ActionFactory(title='Warm spaces').pk}"}


def _follow_confirmation(request: pytest.FixtureRequest) -> dict[str, Any]:
    from luton2040.notifications.links import confirm_token
    from luton2040.notifications.models import Subscription
    from tests.factories import ActionFactory

    subscription = Subscription.objects.create(
        email="amira@example.org", target=ActionFactory(title="Warm spaces")
    )
    return {"token": confirm_token(subscription.pk)}


def _unsubscribe_link(request: pytest.FixtureRequest) -> dict[str, Any]:
    from luton2040.notifications.links import unsubscribe_token
    from luton2040.notifications.models import Notification

    resident = request.getfixturevalue("resident")
    notification = Notification.objects.create(
        kind="digest.daily",
        user=resident,
        to=resident.email,
        idempotency_key="browser:digest",
        status=Notification.Status.SENT,
    )
    return {"token": unsubscribe_token(notification.pk)}


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
    PageSpec("account_reauthenticate", persona="resident"),
    PageSpec("staff-home", persona="staff"),
    PageSpec("audit:event-list", persona="staff"),
    PageSpec("notifications:preferences", persona="resident"),
    # Following without an account: the form on its own page, and the confirmation link's page.
    PageSpec("notifications:follow", setup=_follow_form),
    PageSpec("notifications:confirm-follow", setup=_follow_confirmation),
    PageSpec("notifications:unsubscribe", setup=_unsubscribe_link),
    PageSpec("notifications:unsubscribe", persona=None, status=400, setup=lambda r: {"token": "x"}),
    PageSpec("notifications-staff:list", persona="staff"),
    PageSpec("notifications-staff:detail", persona="staff", setup=_failed_message),
    # Django's admin has its own skip link, to #content-start.
    PageSpec("/admin/", persona="staff", main_id="content-start"),
    *ACCOUNT_DATA_PAGES,
    *HUBS_PUBLIC_PAGES,
    *HUBS_EDITOR_PAGES,
    *HUBS_FEEDBACK_PAGES,
    *TASKFORCE_PUBLIC_PAGES,
    *TASKFORCE_MEMBER_PAGES,
    *TASKFORCE_REPORT_PAGES,
    *ENGAGEMENT_CONSULTATION_PAGES,
    *ENGAGEMENT_RESPOND_PAGES,
    *ENGAGEMENT_HUB_DESK_PAGES,
    *ENGAGEMENT_OUTCOME_PAGES,
    *ENGAGEMENT_ASSEMBLY_PAGES,
    *ENGAGEMENT_SURVEY_PAGES,
]

VIEWPORTS = (DESKTOP, MOBILE)


def _path(request: pytest.FixtureRequest, spec: PageSpec) -> str:
    kwargs = dict(spec.setup(request) or {}) if spec.setup else {}
    # "?query": a query string that needs what the setup made (an id), e.g. the follow form.
    query = kwargs.pop("?query", "")
    path = spec.url if spec.url.startswith("/") else reverse(spec.url, kwargs=kwargs or None)
    return f"{path}?{query}" if query else path


def _skip_link_failures(page: Page, main_id: str) -> list[str]:
    start_from_top(page)
    page.keyboard.press("Tab")
    first = focused(page)
    if not first or first["tag"] != "a" or first["text"] != "Skip to main content":
        return [f"first Tab stop is {first}, not the 'Skip to main content' link"]
    if first["href"] != f"#{main_id}":
        return [f"skip link points to {first['href']!r}, not '#{main_id}'"]
    page.keyboard.press("Enter")
    after = focused(page)
    if not after or after["id"] != main_id:
        return [f"Enter on the skip link left focus on {after}, not #{main_id}"]
    return []


def _icon_failures(page: Page) -> list[str]:
    """The page's icon loads (browsers ask for /favicon.ico when a page names none)."""
    icons = page.evaluate(
        """() => {
          const links = Array.from(document.querySelectorAll('link[rel~="icon"]'));
          return links.length ? links.map(link => link.href) : [location.origin + "/favicon.ico"];
        }"""
    )
    failures = []
    for icon in icons:
        if not icon.startswith("http"):  # an inline data: icon costs no request
            continue
        status = page.request.get(icon).status
        if status != 200:
            failures.append(f"icon {icon} answered {status}")
    return failures


def _overflow_failures(page: Page, width: int) -> list[str]:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width + 1:
        return []
    wide = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll("body *"))
            .filter(el => el.getBoundingClientRect().right > limit + 1)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                 (el.className && typeof el.className === "string"
                    ? "." + el.className.trim().split(/\\s+/).join(".") : ""))""",
        width,
    )
    return [f"scrolls sideways: scrollWidth {scroll_width}; wider than the viewport: {wide}"]


def _page_failures(page: Page, spec: PageSpec, width: int) -> list[str]:
    failures: list[str] = []
    if not page.title().strip():
        failures.append("the <title> is empty")
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        failures.append(f"{h1_count} h1 elements, expected exactly one")
    if width <= MOBILE["width"]:
        failures.extend(_overflow_failures(page, width))
    violations = axe_violations(page, disabled=dict(spec.axe_disabled))
    if violations:
        failures.append("axe-core:\n" + format_axe(violations))
    failures.extend(_skip_link_failures(page, spec.main_id))
    if width > MOBILE["width"]:  # once per page is enough
        failures.extend(_icon_failures(page))
    failures.extend(page_problems(page))
    return failures


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.id)
def test_page(
    request: pytest.FixtureRequest,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    spec: PageSpec,
) -> None:
    """One test per page, both widths: a transactional test's set-up and flush cost more than
    a second page load, so the widths share them."""
    path = _path(request, spec)
    user = request.getfixturevalue(spec.persona) if spec.persona else None
    report = []
    for viewport in VIEWPORTS:
        context = new_context(viewport=viewport)
        if user is not None:
            sign_in(context, user, live_server.url)
        page = context.new_page()
        visit(page, path, status=spec.status)
        landed = urlsplit(page.url)
        if landed.path + (f"?{landed.query}" if landed.query else "") != path:
            report.append(f"- redirected to {page.url}: the sweep would test the wrong page")
            break
        failures = _page_failures(page, spec, viewport["width"])
        report.extend(f"- at {viewport['width']} px: {failure}" for failure in failures)
        context.close()

    assert not report, f"{path} as {spec.persona or 'anonymous'}:\n" + "\n".join(report)
