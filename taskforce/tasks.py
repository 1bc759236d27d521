"""The taskforce's periodic jobs. Thin: each calls a service.

flag_actions_needing_attention is safe to run twice: every flag is claimed with a conditional
UPDATE before its message is written (taskforce/services/actions.py).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.actions import actions_flag_attention


@shared_task(soft_time_limit=240, time_limit=300)
def flag_actions_needing_attention() -> int:
    """Beat job (daily): tell leads about overdue and stale actions. Returns how many."""
    return actions_flag_attention(today=timezone.localdate())
