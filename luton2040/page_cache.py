"""A stored copy of a whole page for visitors who are not signed in (the find-support search and
hub pages, where most visitors are residents without an account).

Django's own ``cache_page`` cannot be used here: every page carries a fresh CSP nonce and, where
it has a form, a CSRF token, and a copy stored with another visitor's would be refused by the
browser (scripts) or by the server (forms). So the copy is stored with both taken out, and each
visitor's own are put back in when it is served: the nonce django-csp makes for this response
and a token from ``get_token`` (which also sets the CSRF cookie, as rendering would have).

Who gets a stored copy, and whose page is stored: only a GET or HEAD with no session cookie and
no messages cookie. Such a visitor is not signed in, has no shortlist and no message waiting, so
their page is the same as any other such visitor's at that address, in that language, for the
same key. A page is stored only when rendering it changed nothing about the visitor (no cookie
set by the view, session untouched, no message added), it was a 200 that may be stored, and it
is the second time the page was asked for within ``seconds`` (each copy is ~60 KB).

What makes a page change is the view's business: it passes ``key``, a function of the request
(and the view's arguments) giving everything else the page depends on, for example the
directory's version and the minute. Entries live at most ``seconds``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# Stand-ins for the per-response secrets in a stored copy. A NUL cannot reach a page from
# anything a person typed (Django's form fields refuse it), so no content can pass for them.
NONCE_MARK = b"\x00csp-nonce\x00"
CSRF_MARK = b"\x00csrf-token\x00"
# What Django's {% csrf_token %} writes (django.template.defaulttags.CsrfTokenNode).
_CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")([^"]*)(")')

# Tests set their own, so an entry stored by one test is never served in another (the shared
# Redis outlives each test's database).
KEY_SALT = ""

View = Callable[..., HttpResponse]


def for_visitor(request: HttpRequest) -> bool:
    """True when the request may be answered from, and its page stored as, a shared copy."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _cache_key(request: HttpRequest, part: str) -> str:
    address = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False)
    return f"page:{KEY_SALT}:{part}:{get_language()}:{address.hexdigest()}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    stored_messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and not (session is not None and session.modified)
        and not (stored_messages is not None and stored_messages.added_new)
    )


def _stored_copy(request: HttpRequest, response: HttpResponse) -> dict[str, Any] | None:
    """The page with this visitor's nonce and CSRF tokens taken out; None if a token is left
    in it anywhere but a form's hidden input (a page writing ``{{ csrf_token }}`` elsewhere):
    such a page would hand this visitor's CSRF secret to the next, so it is never stored."""
    body = response.content
    nonce = getattr(request, "csp_nonce", None)
    if nonce:  # django-csp's lazy nonce is true once the page has used it
        body = body.replace(str(nonce).encode("ascii"), NONCE_MARK)
    tokens = {match.group(2) for match in _CSRF_INPUT.finditer(body)}
    body = _CSRF_INPUT.sub(rb"\1" + CSRF_MARK + rb"\3", body)
    if any(token in body for token in tokens):
        return None
    return {"body": body, "content_type": response["Content-Type"]}


def _served_copy(request: HttpRequest, copy: dict[str, Any]) -> HttpResponse:
    body: bytes = copy["body"]
    if NONCE_MARK in body:
        body = body.replace(NONCE_MARK, str(request.csp_nonce).encode("ascii"))  # type: ignore[attr-defined]
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, get_token(request).encode("ascii"))
    response = HttpResponse(body, content_type=copy["content_type"])
    # Signing in changes the page (and rendering it would have said so: the session was read).
    patch_vary_headers(response, ("Cookie",))
    return response


def visitor_page_cache(*, key: Callable[..., str], seconds: int) -> Callable[[View], View]:
    """Serve visitors who are not signed in a stored copy of the page while ``key`` (called with
    the view's request and arguments) gives the same answer, for at most ``seconds``."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not for_visitor(request):
                return view(request, *args, **kwargs)
            cache_key = _cache_key(request, key(request, *args, **kwargs))
            copy = cache.get(cache_key)
            if copy is not None:
                return _served_copy(request, copy)
            response = view(request, *args, **kwargs)
            # Stored the second time it is asked for: a copy of every one-off search (a crawler
            # walking the filters) would fill the cache, which shares Redis with the task
            # queue. ``add`` is True for the first asker, and when the cache is away.
            if _storable(request, response) and not cache.add(f"{cache_key}:asked", 1, seconds):
                copy = _stored_copy(request, response)
                if copy is not None:
                    cache.set(cache_key, copy, timeout=seconds)
            return response

        return wrapped

    return decorator
