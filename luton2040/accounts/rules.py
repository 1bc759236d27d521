"""Role predicates for django-rules, the portal's one answer to "may this user do X to this object".

Every app states its object permissions in its own rules.py with these predicates
(`rules.add_perm("hubs.change_service", is_council_staff | edits_service_organisation)`), and
views ask through `user.has_perm(name, obj)` or the access helpers in `access.py`.
"""

from __future__ import annotations

import rules
from allauth.mfa.models import Authenticator

from .roles import Role


def _has_role(user: object, role: Role) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or role.value in user.role_names  # type: ignore[attr-defined]


@rules.predicate
def is_resident(user: object) -> bool:
    return _has_role(user, Role.RESIDENT)


@rules.predicate
def is_taskforce_member(user: object) -> bool:
    return _has_role(user, Role.TASKFORCE_MEMBER)


@rules.predicate
def is_taskforce_lead(user: object) -> bool:
    return _has_role(user, Role.TASKFORCE_LEAD)


@rules.predicate
def is_council_staff(user: object) -> bool:
    return _has_role(user, Role.COUNCIL_STAFF)


@rules.predicate
def is_organisation_editor(user: object) -> bool:
    return _has_role(user, Role.ORGANISATION_EDITOR)


@rules.predicate
def has_mfa(user: object) -> bool:
    """True when the user has TOTP set up (recovery codes alone do not count)."""
    if not getattr(user, "is_authenticated", False):
        return False
    # Asked by the staff middleware and by several rules in one request: one query, kept on
    # the request's user object (a fresh one each request), as role_names is.
    cached = getattr(user, "_has_totp", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_totp = cached  # type: ignore[attr-defined]
    return bool(cached)


# Council staff act as staff only once two-factor authentication is set up, wherever the
# power is used: /staff/ and /admin/ are guarded by URL too (StaffMFAMiddleware), but staff
# powers on member pages (taskforce actions, indicator values, the hub desk) are not under
# those prefixes. Without two-factor, a staff account has only what a resident has.
staff_with_mfa = is_council_staff & has_mfa

# Staff pages: council staff who have set up two-factor authentication.
rules.add_perm("accounts.use_staff_pages", staff_with_mfa)
rules.add_perm("accounts.view_audit_log", is_council_staff)
