"""Limits on forms anyone can send without an account: listing reports, consultation
responses, following by email. (Sign-in, sign-up and password reset use allauth's own limits,
settings.ACCOUNT_RATE_LIMITS.)

A fixed window per key in the shared cache (Redis in a deploy, so every web process counts
together) is enough at this scale. The key holds a keyed hash of what is counted (an address,
an email), never the thing itself. When the cache is away (django-redis ignores the error and
answers None), the limit lets the request through: a resident's report or response matters
more than a few minutes without a limit, and docs/reliability.md says so.
"""

from __future__ import annotations

import hashlib

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address as allauth sees it (it knows about the trusted proxy)."""
    return get_adapter().get_client_ip(request) or ""


def over_limit(scope: str, value: str, *, amount: int, seconds: int) -> bool:
    """Count one more hit for `value` in `scope`; True when it is more than `amount` in this
    window of `seconds`. A person who waits for the window to pass is never locked out."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
    key = f"{scope}:{digest}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: the first hit of a new window
        cache.set(key, 1, timeout=seconds)
        count = 1
    # None: the cache is away and ignored; the limit fails open rather than refuse.
    return count is not None and count > amount
