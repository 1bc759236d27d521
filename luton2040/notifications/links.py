"""Signed links that work without signing in: one-click unsubscribe and follow confirmation.

Tokens are signed with the site's secret key (django.core.signing) and a salt per purpose, so a
token made for one purpose cannot be used for another, and any change to it is detected.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "luton2040.notifications.unsubscribe"
CONFIRM_SALT = "luton2040.notifications.confirm-follow"

# An unsubscribe link must keep working as long as people keep old emails around.
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)
# A follow confirmation is a fresh request: a week is plenty, and old links should not linger.
CONFIRM_MAX_AGE = timedelta(days=7)


class BadLink(Exception):
    """The link was changed, is for something else, or has expired. `expired` says which."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _make(value: int, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(str(value))


def _read(token: str, salt: str, max_age: timedelta) -> int:
    try:
        return int(signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age))
    except signing.SignatureExpired as exc:
        raise BadLink(expired=True) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise BadLink(expired=False) from exc


def unsubscribe_token(notification_id: int) -> str:
    return _make(notification_id, UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int:
    """The notification id in an unsubscribe token, or BadLink."""
    return _read(token, UNSUBSCRIBE_SALT, UNSUBSCRIBE_MAX_AGE)


def unsubscribe_url(notification_id: int) -> str:
    """Absolute URL of the one-click unsubscribe page for a message (for email bodies and the
    List-Unsubscribe header, so it must not depend on a request)."""
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(notification_id)])
    return f"{settings.SITE_URL}{path}"


def confirm_token(subscription_id: int) -> str:
    return _make(subscription_id, CONFIRM_SALT)


def read_confirm_token(token: str) -> int:
    """The subscription id in a follow-confirmation token, or BadLink."""
    return _read(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


def confirm_url(subscription_id: int) -> str:
    path = reverse("notifications:confirm-follow", args=[confirm_token(subscription_id)])
    return f"{settings.SITE_URL}{path}"
