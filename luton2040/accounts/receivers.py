"""Account security events from allauth go into the audit log.

allauth owns these flows, so its signals are the only place to observe them; receivers only
record, they never change the flow.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from luton2040 import audit


def _record(verb: str, user: Any, **changes: Any) -> None:
    audit.record(actor=user, obj=user, verb=verb, changes=changes or None)


def on_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record("account.signed_up", user)


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record("account.password_changed", user)


def on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record("account.password_reset", user)


def on_email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    _record("account.email_confirmed", email_address.user)


def on_email_changed(
    sender: Any,
    request: Any,
    user: Any,
    from_email_address: Any,
    to_email_address: Any,
    **kwargs: Any,
) -> None:
    # Addresses are personal data: record that it changed, not what it was.
    _record("account.email_changed", user)


def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _record("account.mfa_added", user, type=authenticator.type)


def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    _record("account.mfa_removed", user, type=authenticator.type)


def connect() -> None:
    account_signals.user_signed_up.connect(on_signed_up, dispatch_uid="audit.signed_up")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="audit.pw_changed")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="audit.pw_reset")
    account_signals.email_confirmed.connect(
        on_email_confirmed, dispatch_uid="audit.email_confirmed"
    )
    account_signals.email_changed.connect(on_email_changed, dispatch_uid="audit.email_changed")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="audit.mfa_added")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="audit.mfa_removed"
    )
