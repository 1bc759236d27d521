"""The accounts app's periodic job. Thin: it calls the retention runner."""

from __future__ import annotations

from celery import shared_task

from .retention import retention_apply


@shared_task(soft_time_limit=540, time_limit=600)
def apply_retention() -> dict[str, int]:
    """Beat job (daily): delete or anonymise personal data past its retention period. Returns
    rows changed per rule; safe to run twice (the second run the same day changes nothing)."""
    return retention_apply()
