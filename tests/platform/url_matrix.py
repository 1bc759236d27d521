"""The URLconf as a list of named patterns, and what a response means for the permission matrix.

tests/platform/test_permission_matrix.py states, for every pattern, what each persona should
get; this module holds the parts that do not change when a view is added: walking the URLconf,
turning a response into an outcome ("ok", "login", "refused", ...) and the usual expectations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = (
    "anonymous",
    "resident",
    "taskforce_member",
    "taskforce_lead",
    "org_editor",
    "staff",
    "staff_without_mfa",
)
SIGNED_IN = PERSONAS[1:]
NOT_STAFF = ("resident", "taskforce_member", "taskforce_lead", "org_editor")


@dataclass(frozen=True)
class NamedPattern:
    name: str  # "namespace:name", as reverse() takes it
    route: str  # the full route, for messages
    kwargs: tuple[str, ...]  # the captured groups reverse() needs


def _captured(pattern: URLPattern | URLResolver) -> set[str]:
    regex = pattern.pattern.regex
    return set(regex.groupindex)


def _walk(
    resolver: URLResolver, prefix: str, namespaces: tuple[str, ...], kwargs: set[str]
) -> Iterator[NamedPattern]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, route, inner, kwargs | _captured(entry))
        else:
            name = ":".join((*namespaces, entry.name or f"<unnamed {route}>"))
            yield NamedPattern(name, route, tuple(sorted(kwargs | _captured(entry))))


def named_patterns() -> list[NamedPattern]:
    """Every URL pattern in the URLconf, allauth's, the admin's and the API's included.

    A name used twice (allauth, for one) is listed once: reverse() can only reach the last."""
    seen: dict[str, NamedPattern] = {}
    for pattern in _walk(get_resolver(), "/", (), set()):
        seen.setdefault(pattern.name, pattern)
    return list(seen.values())


# --- Outcomes -------------------------------------------------------------------------------

OK = "ok"  # 200
LOGIN = "login"  # redirect to the portal's sign-in page
ADMIN_LOGIN = "admin-login"  # redirect to the admin's sign-in, which refuses non-staff
MFA = "mfa"  # redirect to two-factor set-up (staff without it, on staff pages)
REFUSED = "refused"  # 403 or 404: the app does not say which objects exist
METHOD = "method"  # 405: the view takes POST only
BAD_REQUEST = "bad-request"  # 400
REDIRECT = "redirect"  # any other redirect (a form's next step, back to a list)
CONFLICT = "conflict"  # 409: the change cannot be made in the object's state
ERROR = "error"  # 5xx: never acceptable


def outcome(response: HttpResponseBase) -> str:
    """What a response means, in the matrix's words."""
    status = response.status_code
    if status >= 500:
        return ERROR
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return MFA
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return REDIRECT
    return {
        200: OK,
        400: BAD_REQUEST,
        403: REFUSED,
        404: REFUSED,
        405: METHOD,
        409: CONFLICT,
    }.get(status, str(status))


@dataclass(frozen=True)
class Rule:
    """What each persona should get from one pattern, on GET (and on an empty POST, if given).

    `get` maps a persona to the outcomes allowed for it; `post`, when set, does the same for a
    POST with no data (views that change things: the unauthorised must still be turned away).
    `kwargs` names, for each captured group, an attribute path on the test data ("hub.slug").
    """

    get: Mapping[str, frozenset[str]]
    post: Mapping[str, frozenset[str]] | None = None
    kwargs: Mapping[str, str] = field(default_factory=dict)
    query: str = ""  # a query string the page needs ("topic=reports")
    note: str = ""

    def with_kwargs(self, **kwargs: str) -> Rule:
        return replace(self, kwargs=kwargs)

    def with_query(self, query: str) -> Rule:
        return replace(self, query=query)


def expect(default: str | set[str], **per_persona: str | set[str]) -> dict[str, frozenset[str]]:
    """Allowed outcomes per persona: `default` for all, then the named exceptions."""

    def as_set(value: str | set[str]) -> frozenset[str]:
        return frozenset({value} if isinstance(value, str) else value)

    return {p: as_set(per_persona.get(p, default)) for p in PERSONAS}


# The usual shapes. Non-staff get 403 or 404 on staff pages, whichever the app gives: both
# refuse, and a 404 does not say the object exists. The empty POST checks that nobody without
# the role gets through by POST either (a GET-only view answers 405 to everyone).
PUBLIC = Rule(expect(OK))
SIGNED_IN_ONLY = Rule(expect(OK, anonymous=LOGIN))
# A signed link with a token that is not one we made: refused, never a page with data.
BAD_TOKEN_LINK = Rule(expect({BAD_REQUEST, REFUSED}))
_STAFF_POST = expect(
    {REFUSED, METHOD},
    anonymous=LOGIN,
    staff={OK, REDIRECT, BAD_REQUEST, METHOD, CONFLICT},
    staff_without_mfa=MFA,
)


def staff_page(staff: str | set[str] = OK) -> Rule:
    """A page under /staff/: council staff with MFA only; `staff` is what they get on GET."""
    return Rule(
        expect(REFUSED, anonymous=LOGIN, staff=staff, staff_without_mfa=MFA), post=_STAFF_POST
    )


STAFF = staff_page()
# @login_required then @require_POST: a signed-in GET is refused by method before any role check.
STAFF_POST_ONLY = Rule(expect(METHOD, anonymous=LOGIN, staff_without_mfa=MFA), post=_STAFF_POST)


def rule_for(name: str, matrix: Mapping[str, Rule]) -> Rule | None:
    """The matrix entry for a pattern: its exact name, else the first regex key that matches."""
    if name in matrix:
        return matrix[name]
    for key, rule in matrix.items():
        if key.startswith("re:") and re.fullmatch(key[3:], name):
            return rule
    return None


def resolve_kwargs(rule: Rule, data: Any) -> dict[str, Any]:
    """The URL kwargs for a pattern, read from the test data by attribute path."""
    values: dict[str, Any] = {}
    for kwarg, path in rule.kwargs.items():
        if path.startswith("="):  # a literal: "=not-a-real-token"
            values[kwarg] = path[1:]
            continue
        value = data
        for part in path.split("."):
            value = value[part] if isinstance(value, Mapping) else getattr(value, part)
        values[kwarg] = value
    return values
