"""Demo audit events, so the staff audit log has something to filter (and make bench a load)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import AuditEvent

DEMO_VERB_PREFIX = "demo."


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """Up to 200 x scale events by the demo staff account, spread over the last 90 days."""
    wanted = 200 * scale
    existing = AuditEvent.objects.filter(verb__startswith=DEMO_VERB_PREFIX).count()
    staff = get_user_model().objects.filter(email="staff@demo.example.org").first()
    if staff is None or existing >= wanted:
        return
    user_type = ContentType.objects.get_for_model(staff)
    now = timezone.now()
    verbs = ["demo.account.role_changed", "demo.account.reviewed", "demo.account.exported"]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            created_at=now - timedelta(minutes=37 * n),
            actor=staff,
            actor_label=staff.email,
            verb=verbs[n % len(verbs)],
            content_type=user_type,
            object_id=str(staff.pk),
            object_repr=str(staff),
            changes={"demo": True},
        )
        for n in range(existing, wanted)
    )
    log(f"Audit log: {AuditEvent.objects.count()} events (demo events say 'demo.').")
