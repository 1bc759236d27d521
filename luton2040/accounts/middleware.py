"""Request-wide account rules: staff need MFA before staff pages; signed-in pages are not cached."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from .rules import has_mfa, is_council_staff

# Only ever holds a path this middleware itself saw (request.get_full_path()), so it is a safe
# local redirect target by construction.
STAFF_NEXT_SESSION_KEY = "staff_page_after_mfa_setup"


class StaffMFAMiddleware:
    """Send council staff without two-factor authentication to set it up before staff pages.

    Staff pages are every URL under settings.STAFF_URL_PREFIXES (the Django admin and /staff/).
    Who may see them at all is decided by each view; this only adds the MFA gate, in one place,
    so that no staff view can forget it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(settings.STAFF_URL_PREFIXES) and request.user.is_authenticated:
            user = request.user
            if is_council_staff(user) and not has_mfa(user):
                messages.warning(
                    request,
                    _("Set up two-factor authentication to use staff pages."),
                )
                # allauth drops ?next= after activation (it shows the recovery codes), so the
                # page they wanted is kept in the session for the "Continue" link there.
                request.session[STAFF_NEXT_SESSION_KEY] = request.get_full_path()
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person may hold personal data: never keep them in any cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
