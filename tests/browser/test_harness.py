"""The harness's own checks can fail: each detector is shown a page that breaks its rule.

The broken pages are served on the live server's origin by Playwright's router, with the
site's kind of nonce CSP, so they go through the same watching as real pages.
"""

from __future__ import annotations

from playwright.sync_api import Page, Route

from .conftest import axe_violations, format_axe, page_problems, visit

CSP = "default-src 'self'; img-src 'self' data:; script-src 'self' 'nonce-harness'"


def serve(page: Page, path: str, body: str) -> None:
    def fulfil(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CSP},
            body=body,
        )

    page.route(f"**{path}", fulfil)


def test_axe_reports_violations_with_their_targets(page: Page) -> None:
    serve(page, "/harness/axe/", '<html><title>t</title><body><img src="data:,"></body></html>')
    visit(page, "/harness/axe/")

    violations = axe_violations(page)

    assert {"html-has-lang", "image-alt"} <= {v["id"] for v in violations}, violations
    report = format_axe(violations)
    assert "image-alt (critical)" in report and "    img:" in report, report


def test_watcher_catches_missing_assets_csp_violations_and_exceptions(page: Page) -> None:
    serve(
        page,
        "/harness/broken/",
        """<html lang="en"><title>t</title>
        <link rel="stylesheet" href="/static/build/no-such-file.css">
        <script>document.title = "inline script without a nonce";</script>
        <script nonce="harness">throw new Error("harness boom");</script>
        <body><h1>Broken</h1></body></html>""",
    )
    visit(page, "/harness/broken/")

    problems = "\n".join(page_problems(page))

    assert "HTTP 404 for stylesheet" in problems and "no-such-file.css" in problems, problems
    assert "CSP violation" in problems, problems
    assert "harness boom" in problems, problems
    assert page_problems(page) == []  # read once, then cleared


def test_an_expected_error_status_is_not_a_problem(page: Page) -> None:
    visit(page, "/harness/no-such-page/", status=404)
    assert page_problems(page) == []
