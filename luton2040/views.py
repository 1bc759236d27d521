"""Pages that belong to the whole portal: home, the statutory pages and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language, get_language_bidi
from django.views.decorators.csrf import requires_csrf_token

from taskforce.selectors import outcome_list


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"outcomes": outcome_list()})


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request or context processors: they can touch the database (the
    # session, the user), and the database may be why we are here. Language and direction come
    # from the active translation, which needs nothing but memory.
    context = {
        "LANGUAGE_CODE": get_language() or settings.LANGUAGE_CODE,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)
