"""Security headers on every page, found by crawling the site as it runs over HTTPS.

A breadth-first crawl of the demo data set (anonymous, as a resident, and as council staff with
two-factor authentication) starts from the home page and every URL that takes no argument, and
follows every same-site link, GET only; every page in the browser sweep's list
(tests/browser/test_pages.py: PAGES, set up the same way but fetched without a browser) is
checked too. Every HTML response must carry:

- a Content-Security-Policy whose script-src allows inline scripts only by nonce (neither
  'unsafe-inline' nor 'unsafe-eval'), with object-src 'none' and a base-uri;
- frame protection: frame-ancestors 'none' or X-Frame-Options: DENY;
- X-Content-Type-Options: nosniff, a strict Referrer-Policy, and HSTS of a year or more;

and every inline <script> in it must carry that response's nonce, never one another response
used; no element may have an inline event handler (no nonce can allow one) and no script may
come from another site. Every other response (CSV downloads, the JSON API) must carry nosniff.

The site runs with the settings a real deploy gets from DJANGO_HTTPS=1, read from
luton2040/settings.py in a fresh process, and every request is made over HTTPS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from luton2040.accounts.models import User
from tests.browser.pagespec import PageSpec
from tests.browser.test_pages import PAGES, _path

ROOT = Path(__file__).resolve().parents[2]

# What DJANGO_HTTPS switches (luton2040/settings.py, "Security headers").
HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)
ONE_YEAR = 365 * 24 * 60 * 60
STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
MAX_PAGES = 400  # per persona: the demo site has fewer distinct pages than this
MAX_PER_ROUTE = 4  # of one URL pattern (a few services, ?page=2...): enough to see the template
# Links a crawl must not follow: signing out ends the persona's session; the others act on a
# token or hand the visitor to another site's flow. Static files are not pages.
SKIP = re.compile(
    r"/logout/|/unsubscribe|/confirm|/accounts/3rdparty|/accounts/social|^/static/|^/media/"
)


@pytest.fixture(scope="module")
def https_settings() -> dict[str, Any]:
    """The settings a real deploy has, read from settings.py in a fresh process so this test
    follows any change there."""
    code = (
        "import json, sys; from django.conf import settings; "
        f"json.dump({{n: getattr(settings, n) for n in {HTTPS_SETTINGS!r}}}, sys.stdout)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "luton2040.settings", "DJANGO_HTTPS": "1"}
    result = subprocess.run(  # noqa: S603  our own settings module, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, Any] = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is True, "DJANGO_HTTPS=1 must redirect to HTTPS"
    return values


@pytest.fixture
def over_https(settings: Any, https_settings: dict[str, Any]) -> None:
    for name, value in https_settings.items():
        setattr(settings, name, value)


# --- reading a response ---------------------------------------------------------------------


class _Page(HTMLParser):
    """The links, inline scripts and inline event handlers of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.inline_script_nonces: list[str | None] = []
        self.scripts_from: list[str] = []
        self.event_handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        handlers = [name for name, _ in attrs if name.startswith("on")]
        self.event_handlers += [f"<{tag} {name}>" for name in handlers]
        if tag == "a" and attributes.get("href"):
            href = str(attributes["href"])
            if href.strip().lower().startswith("javascript:"):
                self.event_handlers.append(f"<a href={href!r}>")
            self.links.append(href)
        elif tag == "script":
            if attributes.get("src"):
                self.scripts_from.append(str(attributes["src"]))
            else:
                self.inline_script_nonces.append(attributes.get("nonce"))


def _csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


@dataclass
class Seen:
    """Everything the crawl saw: problems found, and counts that prove it looked."""

    problems: list[str] = field(default_factory=list)
    html_pages: int = 0
    other_responses: Counter[str] = field(default_factory=Counter)
    nonces: set[str] = field(default_factory=set)


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def check_response(url: str, response: Any, body: bytes, seen: Seen) -> _Page | None:
    """Check one response's headers; return the parsed page if it is HTML."""
    problems = []
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("text/html"):
        seen.other_responses[content_type.split(";")[0] or f"({response.status_code})"] += 1
        seen.problems += [f"{url} [{response.status_code}]: {p}" for p in problems]
        return None

    seen.html_pages += 1
    page = _Page()
    page.feed(body.decode(response.charset or "utf-8", errors="replace"))
    csp = _csp(response.get("Content-Security-Policy", ""))
    script_src = csp.get("script-src", [])
    nonces = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    if not csp:
        problems.append("no Content-Security-Policy")
    elif not script_src:
        problems.append("CSP has no script-src")
    elif not nonces and page.inline_script_nonces:
        # django-csp puts the nonce in the header only when the page used it: a page with no
        # inline script (the Django admin) gets script-src 'self' alone, which is stricter.
        problems.append(f"inline <script> but script-src has no nonce: {script_src}")
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'"):
        if unsafe in script_src or unsafe in csp.get("default-src", []):
            problems.append(f"CSP allows {unsafe} scripts")
    if csp and csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}, not 'none'")
    if csp and not csp.get("base-uri"):
        problems.append("CSP has no base-uri")
    if csp.get("frame-ancestors") != ["'none'"] and response.get("X-Frame-Options") != "DENY":
        problems.append("no frame protection (frame-ancestors 'none' or X-Frame-Options DENY)")
    if response.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {response.get('Referrer-Policy')!r}")
    hsts = re.search(r"max-age=(\d+)", response.get("Strict-Transport-Security", ""))
    if not hsts or int(hsts[1]) < ONE_YEAR:
        problems.append(f"HSTS is {response.get('Strict-Transport-Security')!r}")
    if nonces:
        if nonces[0] in seen.nonces:
            problems.append(f"nonce {nonces[0]} was already used by another response")
        seen.nonces.add(nonces[0])
        wrong = [n for n in page.inline_script_nonces if n != nonces[0]]
        if wrong:
            problems.append(f"{len(wrong)} inline <script> without this response's nonce")
    foreign = [s for s in page.scripts_from if urlsplit(s).netloc not in ("", "testserver")]
    if foreign:
        problems.append(f"scripts from other sites: {foreign}")
    if page.event_handlers:
        problems.append(f"inline event handlers CSP blocks: {page.event_handlers[:5]}")
    seen.problems += [f"{url} [{response.status_code}]: {p}" for p in problems]
    return page


def _same_site(base: str, href: str) -> str | None:
    """The path and query a link leads to on this site, or None if it leaves it."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _route(target: str) -> str:
    """The URL pattern a link resolves to: the 140th service page shows nothing the first few
    did not, so the crawl spends its pages on kinds of page rather than on rows. The Django
    admin's pages are one kind per action (changelist, add, change...), whatever the model."""
    try:
        match = resolve(target.split("?", 1)[0])
    except Resolver404:
        return target
    if match.namespace == "admin" and match.url_name:
        return "admin:" + match.url_name.rsplit("_", 1)[-1]
    return str(match.route)


def _parameterless_urls(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "/"
) -> Iterator[str]:
    """Every URL in the URLconf that takes no argument, so a page no link leads to (yet) is
    checked all the same."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route or "\\" in route:
            continue
        path = prefix + route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _parameterless_urls(entry.url_patterns, path)
        else:
            yield path


def crawl(client: Client, start: list[str], seen: Seen, *, limit: int = MAX_PAGES) -> int:
    """Breadth-first from ``start``: GET every same-site link once; return how many."""
    queue: deque[str] = deque()
    queued: set[str] = set()
    variants: Counter[str] = Counter()

    def enqueue(target: str) -> None:
        route = _route(target)
        if target in queued or SKIP.search(target) or variants[route] >= MAX_PER_ROUTE:
            return
        variants[route] += 1
        queued.add(target)
        queue.append(target)

    for url in start:
        enqueue(url)
    fetched = 0
    while queue and fetched < limit:
        url = queue.popleft()
        response = client.get(url, secure=True)
        fetched += 1
        page = check_response(url, response, _body(response), seen)
        links = page.links if page else []
        if response.has_header("Location"):
            links = [response["Location"], *links]
        for href in links:
            target = _same_site(f"https://testserver{url}", href)
            if target is not None:
                enqueue(target)
    return fetched


def sign_in(client: Client, user: User, *, mfa: bool = False) -> None:
    """A signed-in session as after a real sign-in (and its two-factor step, for staff)."""
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
    if mfa:
        record_authentication(request, user, method="mfa", type="totp")
    request.session.save()


@pytest.fixture
def demo_site(settings: Any) -> None:
    """The demo data set: every kind of page has something on it."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False


def _report(seen: Seen) -> str:
    return f"{len(seen.problems)} problems:\n" + "\n".join(seen.problems[:40])


# --- the crawl ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "resident", "staff"])
def test_every_page_a_crawl_reaches_carries_the_security_headers(
    request: pytest.FixtureRequest, demo_site: None, over_https: None, persona: str | None
) -> None:
    client = Client()
    if persona:
        sign_in(client, request.getfixturevalue(persona), mfa=persona == "staff")
    seen = Seen()
    fetched = crawl(client, [reverse("home"), *_parameterless_urls()], seen)

    assert not seen.problems, _report(seen)
    # Proof the crawl went somewhere: many pages, many of them with inline scripts and nonces.
    assert seen.html_pages >= 40, (fetched, seen.html_pages)
    assert len(seen.nonces) >= 40, (len(seen.nonces), seen.html_pages)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.id)
def test_every_page_of_the_browser_sweep_carries_the_security_headers(
    request: pytest.FixtureRequest, client: Client, over_https: None, spec: PageSpec
) -> None:
    path = _path(request, spec)
    if spec.persona:
        sign_in(client, request.getfixturevalue(spec.persona), mfa=spec.persona == "staff")
    response = client.get(path, secure=True)
    seen = Seen()
    page = check_response(path, response, _body(response), seen)

    assert response.status_code == spec.status
    assert page is not None, response.get("Content-Type")
    assert not seen.problems, _report(seen)


# --- downloads and the API ------------------------------------------------------------------


DOWNLOADS = (
    "audit:event-list-csv",
    "hubs-staff:export",
    "taskforce:actions-csv",
    "taskforce:indicator-values-csv",
)


@pytest.mark.django_db
def test_csv_downloads_and_the_api_are_never_sniffed(
    client: Client, over_https: None, staff: User
) -> None:
    sign_in(client, staff, mfa=True)
    responses = {url: client.get(reverse(url), secure=True) for url in DOWNLOADS}
    anonymous = Client()
    for url in ("/api/oruk/v3/services", "/api/oruk/v3/openapi.json", "/api/oruk/v3/nothing"):
        responses[url] = anonymous.get(url, secure=True)

    for url, response in responses.items():
        _body(response)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert response["X-Content-Type-Options"] == "nosniff", url
    content_types = {r["Content-Type"].split(";")[0] for r in responses.values()}
    assert content_types == {"text/csv", "application/json"}


def test_the_checks_catch_a_page_without_the_headers() -> None:
    """The checks themselves fail when they should (so a passing crawl means something)."""

    class Bare(dict[str, str]):
        status_code = 200
        charset = "utf-8"

        def get(self, key: str, default: Any = None) -> Any:
            return super().get(key, default)

        def has_header(self, key: str) -> bool:
            return key in self

    seen = Seen()
    good_csp = (
        "default-src 'self'; script-src 'self' 'nonce-abc'; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'"
    )
    response = Bare(
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": good_csp.replace("'nonce-abc'", "'unsafe-inline'"),
            "Referrer-Policy": "unsafe-url",
        }
    )
    body = b'<script>alert(1)</script><a href="#" onclick="x()">x</a>'
    check_response("/bare/", response, body, seen)
    problems = "\n".join(seen.problems)
    for expected in (
        "nosniff",
        "inline <script> but script-src has no nonce",
        "'unsafe-inline'",
        "Referrer-Policy",
        "HSTS",
        "inline event handlers",
    ):
        assert expected in problems, (expected, problems)

    seen = Seen()
    response = Bare(
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": good_csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Strict-Transport-Security": f"max-age={ONE_YEAR}",
        }
    )
    check_response("/good/", response, b'<script nonce="abc">ok()</script>', seen)
    assert seen.problems == []
    check_response("/again/", response, b'<script nonce="other">x()</script>', seen)
    assert any("already used" in p for p in seen.problems)
    assert any("without this response's nonce" in p for p in seen.problems)
