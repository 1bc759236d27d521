"""The directory's periodic jobs. Thin: each calls a service in hubs/services/freshness.py.

Both are safe to run twice (every row is claimed with a conditional UPDATE before anything is
sent), so a beat run that overlaps a slow one, or a retried one, sends nothing twice.
"""

from __future__ import annotations

from celery import shared_task

from .services import freshness


@shared_task(soft_time_limit=240, time_limit=300)
def request_verifications() -> int:
    """Beat job: email "Still correct?" links for listings due a check. Returns how many."""
    return freshness.verification_requests_send()


@shared_task(soft_time_limit=110, time_limit=120)
def flag_unconfirmed() -> int:
    """Beat job: flag listings asked long ago and never confirmed; tell staff once."""
    return len(freshness.services_flag_unconfirmed())
