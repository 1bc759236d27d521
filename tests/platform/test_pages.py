"""The portal's page shell and its own pages: home, statutory pages, placeholders, errors."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from luton2040 import views
from luton2040.accounts.models import User
from taskforce.models import Outcome, Priority

PUBLIC_PAGES = [
    "home",
    "accessibility",
    "privacy",
    "cookies",
    "hubs:index",
    "taskforce:index",
    "taskforce:report-list",
    "engagement:index",
]

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
NONCE_IN_HEADER = re.compile(r"script-src[^;]*'nonce-([^']+)'")


def assert_page_shell(response) -> str:  # type: ignore[no-untyped-def]
    """Checks every page must pass: lang/dir, CSP nonce on every script, no inline styles."""
    html = response.content.decode()
    assert '<html lang="en-gb" dir="ltr" class="govuk-template">' in html
    header = response.headers["Content-Security-Policy"]
    match = NONCE_IN_HEADER.search(header)
    assert match, header
    nonce = match.group(1)
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "the page shell should carry the js-enabled and initAll scripts"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    assert "style=" not in html
    assert "<style" not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_pages_render_for_anyone(client: Client, url_name: str) -> None:
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert html.count("<h1") == 1
    assert 'href="#main-content"' in html
    assert "Sign in" in html
    assert "Create an account" in html
    assert f'href="{reverse("accounts:profile")}"' not in html


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_pages_render_signed_in_and_are_not_cached(
    client: Client, resident: User, url_name: str
) -> None:
    client.force_login(resident)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert f'href="{reverse("accounts:profile")}">Your account</a>' in html
    # Signing out changes state, so it is a POST form, never a link.
    assert f'method="post" action="{reverse("account_logout")}"' in html
    assert "Create an account" not in html


def test_page_title_names_the_page_and_the_service(client: Client, db: None) -> None:
    html = client.get(reverse("cookies")).content.decode()

    assert "<title>Cookies - Luton 2040 Community Portal</title>" in html


@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("hubs:index", "Find support"),
        ("taskforce:index", "Taskforce tracker"),
        ("taskforce:report-list", "Reports"),
        ("engagement:index", "Have your say"),
    ],
)
def test_service_navigation_marks_the_current_section(
    client: Client, db: None, url_name: str, label: str
) -> None:
    html = client.get(reverse(url_name)).content.decode()

    current = re.findall(r'aria-current="page"><strong[^>]*>([^<]+)</strong>', html)
    assert current == [label]


def test_home_page_has_no_current_section(client: Client, db: None) -> None:
    html = client.get(reverse("home")).content.decode()

    assert "aria-current" not in html


def test_home_lists_the_outcomes_from_the_database(client: Client, db: None) -> None:
    priority = Priority.objects.create(name="Empowered community", slug="empowered-community")
    Outcome.objects.create(
        priority=priority,
        number=2,
        short_name="Resilience",
        slug="resilience",
        statement="A more resilient community that protects the most excluded.",
    )
    Outcome.objects.create(
        priority=priority,
        number=1,
        short_name="Fairness",
        slug="fairness",
        statement="Equitable outcomes for every resident.",
    )

    html = client.get(reverse("home")).content.decode()

    assert html.index("1. Fairness") < html.index("2. Resilience")
    assert "Equitable outcomes for every resident." in html
    assert "2 target outcomes" in html
    assert "have not been loaded" not in html


def test_home_says_when_outcomes_are_not_loaded(client: Client, db: None) -> None:
    html = client.get(reverse("home")).content.decode()

    assert "The target outcomes have not been loaded yet." in html
    for part in ("hubs:index", "taskforce:index", "engagement:index"):
        assert f'href="{reverse(part)}"' in html


def test_staff_pages_link_only_for_council_staff(
    client: Client, staff: User, resident: User
) -> None:
    staff_url = reverse("staff-home")

    client.force_login(resident)
    assert f'href="{staff_url}"' not in client.get(reverse("home")).content.decode()

    client.force_login(staff)
    assert f'href="{staff_url}"' in client.get(reverse("home")).content.decode()


def test_the_staff_pages_page_links_every_staff_area(client: Client, staff: User) -> None:
    client.force_login(staff)
    html = client.get(reverse("staff-home")).content.decode()
    for name in (
        "hubs-staff:review-list",
        "hubs-staff:report-list",
        "hubs-staff:unconfirmed-list",
        "hubs-staff:import",
        "hubs-staff:export",
        "taskforce:review-queue",
        "taskforce-staff:report-list",
        "engagement-staff:consultation-list",
        "engagement-staff:assembly-list",
        "engagement:hub-desk",
        "audit:event-list",
        "notifications-staff:list",
        "admin:index",
    ):
        assert f'href="{reverse(name)}"' in html, name


@pytest.mark.parametrize("persona", ["resident", "org_editor", "taskforce_lead"])
def test_the_staff_pages_page_is_refused_to_everyone_else(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("staff-home")).status_code == 403


def test_profile_shows_email_roles_and_security_settings(client: Client, resident: User) -> None:
    client.force_login(resident)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    html = assert_page_shell(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert "rashida.resident@example.org" in html
    assert "<li>Resident</li>" in html
    for url_name in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(url_name)}"' in html
    assert ">Off</strong>" in html


def test_profile_shows_two_factor_is_on_for_staff(client: Client, staff: User) -> None:
    client.force_login(staff)

    html = client.get(reverse("accounts:profile")).content.decode()

    assert ">On</strong>" in html
    assert "<li>Council staff</li>" in html


def test_profile_asks_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_success_message_is_a_success_notification_banner(client: Client, resident: User) -> None:
    from .test_account_pages import sign_in

    response = sign_in(client, resident.email)

    html = response.content.decode()
    assert "govuk-notification-banner--success" in html
    assert 'role="alert"' in html


def test_right_to_left_language_sets_dir_rtl(client: Client, db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGES = [("en-gb", "English"), ("ur", "Urdu")]

    html = client.get(reverse("home"), headers={"accept-language": "ur"}).content.decode()

    assert '<html lang="ur" dir="rtl" class="govuk-template">' in html


def test_unknown_page_is_a_404_in_the_portal_style(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = assert_page_shell(response)
    assert "<h1" in html and "Page not found" in html
    assert "<title>Page not found - Luton 2040 Community Portal</title>" in html


def test_403_page(rf: RequestFactory, db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/staff/audit/")
    request.user = AnonymousUser()

    response = views.permission_denied(request)

    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to view this page" in html
    assert 'dir="ltr"' in html
    assert "style=" not in html


def test_500_page_renders_without_request_or_database(rf: RequestFactory) -> None:
    # No db fixture: any query here would fail the test, as a down database would in production.
    response = views.server_error(rf.get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en-gb" dir="ltr" class="govuk-template">' in html
    assert "Sorry, there is a problem with the service" in html
    # No request means no CSP nonce, so the page carries no script at all.
    assert "<script" not in html
    assert "style=" not in html
    assert 'href="/accessibility/"' in html
