"""Browser suite: Playwright driving Debian's Chromium against pytest-django's live_server.

One Chromium per session, a fresh browser context (cookies, storage) per test. Every page a test
opens is watched: console errors (Chromium reports Content Security Policy violations there),
uncaught exceptions, failed requests, third-party requests and 4xx/5xx responses from the site
itself are collected and fail the test
(`page_problems(page)` / `assert_page_clean(page)`, and again when the test ends).

axe-core comes from node_modules and is injected with `page.evaluate`, which Chromium runs
outside the page's Content Security Policy; `page.add_script_tag` adds an inline <script> that
the site's nonce-based CSP rightly blocks. So every page is tested with its real CSP enforced
and no `bypass_csp` context is needed.

Every test in this folder is marked `browser` and runs against a transactional database with
serialized rollback: the live server thread must see the test's rows, and each test starts from
the state the migrations left (role groups, wards and any other data migrations), not from an
empty flushed database.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client, RequestFactory
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    ViewportSize,
    sync_playwright,
)

from luton2040.accounts.models import User

BROWSER_DIR = Path(__file__).resolve().parent
BASE_DIR = BROWSER_DIR.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium calls Google at start-up; the test network
# refuses it, and a refused call must never be mistaken for the site's own failure.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules switched off for every page: rule id -> why. Empty on purpose; an entry needs a reason a
# reviewer would accept (a known axe false positive, with a link), never "it fails".
AXE_DISABLED_RULES: dict[str, str] = {}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
MOBILE: ViewportSize = {"width": 320, "height": 720}  # WCAG 1.4.10 reflow: 320 CSS px wide
DEFAULT_TIMEOUT_MS = 5_000  # clicks, typing, waits: fail fast
NAVIGATION_TIMEOUT_MS = 15_000  # a page load on a busy CI machine


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in item.path.parents


@pytest.hookimpl(tryfirst=True)  # before `-m` selection, so `-m "not browser"` leaves them out
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests and give them their database."""
    skip = None
    if not CHROMIUM.exists() and not _in_ci():
        skip = pytest.mark.skip(
            reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium); "
            "skipped because CI is not set. With CI=true a missing Chromium fails the suite."
        )
    for item in filter(_is_browser_test, items):
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if skip is not None:
            item.add_marker(skip)


# --- Browser, contexts, pages ---------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(django_db_setup: None) -> Iterator[Browser]:
    """One headless Chromium for the whole session.

    Playwright's sync API keeps an asyncio event loop open in this thread for as long as it
    runs, and Django then refuses every ORM call here ("You cannot call this from an async
    context") although each one is synchronous. The check is lifted for exactly the life of
    the browser. Depending on django_db_setup makes the test database outlive the browser.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"CI is set but Chromium is missing at {CHROMIUM}: "
            "install it (apt-get install chromium)."
        )
    # Django keeps database connections per thread, but per asyncio context while an event
    # loop runs in the thread: once Playwright starts, this thread gets fresh connection
    # objects. Give them the snapshot the test database was serialized into, or each test's
    # flush re-runs every post_migrate handler and serialized rollback restores nothing.
    snapshots = {
        alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot  # type: ignore[attr-defined]
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Close this context's connections before the test database is dropped.
        connections.close_all()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The cache holds allauth's rate-limit counters and used TOTP codes: start each test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def new_context(chromium: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Factory for browser contexts on the live server; closed when the test ends.

    Pages opened in these contexts are watched for problems; any a test did not already
    assert on fail it here, at teardown.
    """
    contexts: list[BrowserContext] = []
    watches: list[_Watch] = []

    def make(viewport: ViewportSize | None = None, **kwargs: Any) -> BrowserContext:
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="en-GB",
            timezone_id="Europe/London",
            **kwargs,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.on("page", lambda page: watches.append(_watch(page, live_server.url)))
        contexts.append(context)
        return context

    yield make
    leftovers = [problem for watch in watches for problem in page_problems(watch.page)]
    for context in contexts:
        context.close()
    for watch in watches:
        _WATCHES.pop(id(watch.page), None)
    assert not leftovers, "problems no assertion checked:\n  " + "\n  ".join(leftovers)


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A desktop-sized page in its own context, signed out."""
    return new_context().new_page()


# --- Watching a page for problems -----------------------------------------------------------


@dataclass
class _Watch:
    page: Page
    origin: str
    problems: list[str] = field(default_factory=list)
    expected_status: dict[str, int] = field(default_factory=dict)


_WATCHES: dict[int, _Watch] = {}


def _same_origin(url: str, origin: str) -> bool:
    a, b = urlsplit(url), urlsplit(origin)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _is_favicon(url: str) -> bool:
    # Chromium fetches the icon once per browser, whenever it likes, and remembers a failure;
    # which test would see it is luck. The sweep checks each page's icon itself instead.
    return urlsplit(url).path.rsplit("/", 1)[-1].startswith("favicon")


def _watch(page: Page, origin: str) -> _Watch:
    watch = _WATCHES[id(page)] = _Watch(page=page, origin=origin)
    problems, expected = watch.problems, watch.expected_status

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium logs "Failed to load resource: ... 404" for a page we asked for and
        # expected to be a 404; the response check below already judges those.
        if message.text.startswith("Failed to load resource") and (
            url in expected or _is_favicon(url)
        ):
            return
        where = f" ({url}:{message.location.get('lineNumber')})" if url else ""
        # Chromium reports every blocked script, style or request as a console error.
        kind = "CSP violation" if "Content Security Policy" in message.text else "console error"
        problems.append(f"{kind}: {message.text}{where}")

    def on_page_error(error: Exception) -> None:
        problems.append(f"uncaught exception: {error}")

    def on_request(request: Request) -> None:
        if not request.url.startswith(("data:", "blob:")) and not _same_origin(request.url, origin):
            # The site loads nothing from third parties (privacy notice, CSP, closed network).
            problems.append(f"third-party request: {request.method} {request.url}")

    def on_request_failed(request: Request) -> None:
        if request.url.startswith(("data:", "blob:")) or _is_favicon(request.url):
            return
        problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if response.status < 400 or not _same_origin(response.url, origin):
            return
        if _is_favicon(response.url):
            return
        if expected.get(response.url) != response.status:
            problems.append(
                f"HTTP {response.status} for {response.request.resource_type} {response.url}"
            )

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("request", on_request)
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return watch


def page_problems(page: Page) -> list[str]:
    """Problems seen on this page since the last call (they survive navigation)."""
    watch = _WATCHES.get(id(page))
    if watch is None:
        return []
    found = list(dict.fromkeys(watch.problems))
    watch.problems.clear()
    return found


def assert_page_clean(page: Page) -> None:
    problems = page_problems(page)
    assert not problems, f"{page.url} had problems:\n  " + "\n  ".join(problems)


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """Open `path` on the live server and check the status of the response."""
    watch = _WATCHES[id(page)]
    url = path if urlsplit(path).scheme else watch.origin + path
    watch.expected_status[url] = status
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    return response


# --- axe-core -------------------------------------------------------------------------------


def axe_violations(page: Page, *, disabled: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the page for WCAG 2.2 A/AA and return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0")
    rules = {rule: {"enabled": False} for rule in {**AXE_DISABLED_RULES, **(disabled or {})}}
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "rules": rules}
    return page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", options
    )


def format_axe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" -- {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, *, disabled: dict[str, str] | None = None) -> None:
    violations = axe_violations(page, disabled=disabled)
    assert not violations, f"axe-core on {page.url}:\n{format_axe(violations)}"


# --- Keyboard -------------------------------------------------------------------------------

# How many Tab presses tab_to allows before it gives up: enough for a page's header, navigation
# and an ordinary form. Long forms (every ward a checkbox, a service's many fields) pass more.
TAB_LIMIT = 60

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
          type: el.getAttribute("type"), text: (el.innerText || el.value || "").trim(),
          href: el.getAttribute("href"), classes: el.className};
}"""


def focused(page: Page) -> dict[str, Any] | None:
    """What has keyboard focus: tag, id, name, type, text, href, classes (None for <body>)."""
    return page.evaluate(_FOCUSED)


def focus_matches(page: Page, selector: str) -> bool:
    return page.evaluate(
        "(selector) => !!document.activeElement && document.activeElement.matches(selector)",
        selector,
    )


def start_from_top(page: Page) -> None:
    """Put keyboard focus at the start of the document, as on a fresh page load."""
    page.evaluate(
        """() => {
          window.scrollTo(0, 0);
          document.body.setAttribute("tabindex", "-1");
          document.body.focus();
          document.body.removeAttribute("tabindex");
        }"""
    )


def tab_to(
    page: Page, selector: str, *, backwards: bool = False, max_presses: int = TAB_LIMIT
) -> int:
    """Press Tab (Shift+Tab) until the focused element matches `selector`; return the presses."""
    key = "Shift+Tab" if backwards else "Tab"
    trail = []
    for presses in range(1, max_presses + 1):
        page.keyboard.press(key)
        if focus_matches(page, selector):
            return presses
        trail.append(focused(page))
    raise AssertionError(
        f"{selector!r} never received focus after {max_presses} x {key} on {page.url}; "
        f"focus went through: {trail[:20]}"
    )


def press_enter_and_wait(page: Page) -> None:
    """Press Enter on the focused control and wait for the page it leads to.

    Enter on a link follows it; Enter on a button, or in a text field, sends the form it
    belongs to. Either way a new document loads, and the test carries on only once it has.
    """
    with page.expect_navigation():
        page.keyboard.press("Enter")


def press_enter_on(page: Page, selector: str, *, max_presses: int = TAB_LIMIT) -> None:
    """Tab forwards to `selector`, press Enter on it and wait for the page it leads to.

    Pass a larger `max_presses` for long forms, where the control sits beyond TAB_LIMIT stops.
    """
    tab_to(page, selector, max_presses=max_presses)
    press_enter_and_wait(page)


# --- Forms with errors ----------------------------------------------------------------------

# A wait_for_function expression: true once keyboard focus is inside the GOV.UK error summary,
# which GOV.UK Frontend focuses when a page with errors loads.
FOCUS_IN_ERROR_SUMMARY = (
    "() => document.activeElement && document.activeElement.closest('.govuk-error-summary')"
)


def expect_bad_request(page: Page) -> None:
    """A form sent back with errors answers 400: check that this, and nothing else, is what the
    page watch saw, and clear it so the test does not fail at teardown.

    Chromium may also log "Failed to load resource: ... status of 400" for the document (for
    some documents and not others), a moment after the page loads: the short wait lets it
    arrive, and that line is allowed only when it is about this same page.
    """
    page.wait_for_timeout(250)
    problems = page_problems(page)
    assert problems[:1] == [f"HTTP 400 for document {page.url}"], problems
    for extra in problems[1:]:
        assert (
            extra.startswith(
                "console error: Failed to load resource: the server responded with a status of 400"
            )
            and f"({page.url}:" in extra
        ), problems


def follow_error_summary_to(page: Page, selector: str) -> None:
    """Follow the GOV.UK error summary's first link to the field in error, by keyboard.

    Waits for the error summary to have focus and checks the title starts "Error:"; the first
    link must be the next Tab stop and point at `selector` (href "#id_..."), and Enter on it
    must put focus on that field.
    """
    page.wait_for_function(FOCUS_IN_ERROR_SUMMARY)
    assert page.title().startswith("Error:"), page.title()
    page.keyboard.press("Tab")
    link = focused(page)
    assert link and link["tag"] == "a" and link["href"] == selector, link
    page.keyboard.press("Enter")
    assert focus_matches(page, selector), focused(page)


# --- Personas -------------------------------------------------------------------------------


def sign_in(context: BrowserContext, user: User, origin: str) -> None:
    """Give the browser a signed-in session for `user`, as if they had just signed in.

    force_login skips the two-factor step (the sign-in and MFA journeys themselves are tested
    by keyboard in test_keyboard_flows.py). The session also records a password sign-in and a
    re-authentication the way allauth does, so pages that ask for a recent password (setting
    up an authenticator) open directly instead of redirecting.
    """
    client = Client()
    # The first backend is django-rules, which cannot load a user from a session.
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
    request.session.save()
    key = str(request.session.session_key)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": origin}])


# --- TOTP -----------------------------------------------------------------------------------

_BASE32_SECRET = re.compile(r"\b[A-Z2-7]{32}\b")


def totp_secret_on_page(page: Page) -> str:
    """The authenticator secret the set-up page shows for people who cannot scan the QR code.

    Read from #authenticator_secret (allauth's id, text or field value, spaces ignored) if the
    page has it, else the one base32 key in the page's text.
    """
    shown = page.evaluate(
        """() => {
          const el = document.getElementById("authenticator_secret");
          return el ? (el.value || el.innerText || "") : null;
        }"""
    )
    if shown:
        secret = re.sub(r"\s+", "", shown)
        assert _BASE32_SECRET.fullmatch(secret), f"#authenticator_secret shows {shown!r}"
        return secret
    found = set(_BASE32_SECRET.findall(page.locator("body").inner_text()))
    assert len(found) == 1, f"expected one authenticator secret on {page.url}, found {found}"
    return found.pop()


def totp_code(secret: str, *, margin_seconds: float = 3.0) -> str:
    """The code an authenticator app shows now, with enough of its time window left to use it.

    allauth accepts codes for the current 30-second window only (MFA_TOTP_TOLERANCE 0). If the
    window is about to close, wait once for the next one rather than type a code that expires
    on the way to the server. A single bounded wait, never a retry.
    """
    period = mfa_settings.TOTP_PERIOD
    remaining = period - (time.time() % period)
    if mfa_settings.TOTP_TOLERANCE == 0 and remaining < margin_seconds:
        time.sleep(remaining + 0.05)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


def forget_used_totp_codes() -> None:
    """allauth refuses a TOTP code used before (replay protection, held in the cache).

    A test that signs in twice with the same authenticator inside one 30-second window clears
    the record instead of waiting for the next window.
    """
    cache.clear()
