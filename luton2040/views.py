"""Pages that belong to the whole portal: home, the statutory pages and the error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language, get_language_bidi
from django.views.decorators.csrf import requires_csrf_token

from luton2040.accounts.privacy_notice import notice_categories, notice_rules
from taskforce.selectors import outcome_list


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"outcomes": outcome_list()})


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """/staff/: every staff area on one page, so an officer can move between the directory,
    the taskforce, consultations and the records without going through their account page.
    Links only: each area's own views decide what its pages show (and the MFA gate covers
    /staff/)."""
    if not request.user.has_perm("accounts.use_staff_pages"):
        raise PermissionDenied
    return render(request, "pages/staff_home.html")


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice: fixed sections, and what we hold and for how long generated from the
    personal-data and retention registries (luton2040/accounts/privacy_notice.py)."""
    return render(
        request,
        "pages/privacy.html",
        {
            "categories": notice_categories(),
            "retention_rules": notice_rules(),
        },
    )


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


# Long enough for PostgreSQL to restart; browsers ignore it, crawlers and monitors read it.
RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: every uncaught exception, from a view or a middleware, ends here. One that
    says the database cannot be reached (PostgreSQL restarting, the pool waiting in vain for a
    connection) is a 503 "try again later"; anything else is a 500."""
    # Rendered without the request or context processors: they can touch the database (the
    # session, the user), and the database may be why we are here. Language and direction come
    # from the active translation, which needs nothing but memory.
    context = {
        "LANGUAGE_CODE": get_language() or settings.LANGUAGE_CODE,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }
    # Django calls this inside its `except` block, so the exception in hand is the cause.
    if _database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("errors/503.html").render(context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)


def _database_unreachable(error: BaseException | None) -> bool:
    # InterfaceError: a connection already closed under us. OperationalError: could not
    # connect, the connection dropped mid-query, or the pool timed out waiting for one.
    return isinstance(error, OperationalError | InterfaceError)
