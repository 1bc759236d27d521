"""Dropping the broker connections Celery keeps, for tests that point it at another broker."""

from __future__ import annotations

from luton2040.celery import app as celery_app


def reset_celery_connections() -> None:
    """Celery caches its connection pools: drop them so the broker URL now in settings is the one
    used. Not ``app.close()``: that also takes the app off Celery's list of live apps, and every
    ``shared_task`` imported afterwards is then registered nowhere (a later test asking for a beat
    job's task got NotRegistered)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
