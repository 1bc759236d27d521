"""Append-only record of who did what to which object, and when.

Call `audit.record(actor=..., obj=..., verb="thing.done", changes={...})` inside the service's
transaction; the record commits or rolls back with the change it describes.
"""

from __future__ import annotations

from typing import Any


def record(*, actor: Any, obj: Any, verb: str, changes: dict[str, Any] | None = None) -> Any:
    """Record one audit event for `obj`, done by `actor` (a user or None for the system)."""
    from .services import audit_event_record

    return audit_event_record(actor=actor, obj=obj, verb=verb, changes=changes)
