from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def audit_event_record(
    *, actor: Any, obj: Any, verb: str, changes: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event. Never updates or deletes an existing one."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=str(actor) if is_person else "system",
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
    )
