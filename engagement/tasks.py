"""Engagement's periodic jobs. Thin: each calls a service.

advance_consultations is safe to run twice, or on two workers at once: every move and every
notice is claimed with a conditional UPDATE before anything is written
(engagement/services/consultations.py).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services.consultations import consultations_advance


@shared_task(soft_time_limit=50, time_limit=55, acks_late=True)
def advance_consultations() -> dict[str, int]:
    """Beat job (every minute): open, close and move on consultations by their dates; tell
    followers when one opens and before it closes. Returns what it did."""
    result = consultations_advance(now=timezone.now())
    return {
        "moved": result.moved,
        "opened_notices": result.opened_notices,
        "closing_reminders": result.closing_reminders,
    }
