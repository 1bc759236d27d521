"""The pump: Celery tasks that move outbox rows out. Thin: each loads by id and calls a service.

deliver_notification is idempotent (the claim is a conditional UPDATE), so it is acknowledged
late and a message lost with its worker is delivered again: a row is never sent twice by two
messages, and at worst re-sent once, with the same Message-ID, if the worker died between
sending and recording it.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Bounded by the row's attempts too (services._try_later fails it after the last one);
    # this is the same bound, for Celery's own bookkeeping.
    max_retries=settings.NOTIFICATIONS_MAX_ATTEMPTS - 1,
    soft_time_limit=settings.NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFICATIONS_DELIVER_TIME_LIMIT,
)
def deliver_notification(self: Task, notification_id: int) -> str:
    """Deliver one outbox row; on a temporary failure, try again after the service's wait."""
    result = services.notification_deliver(notification_id=notification_id)
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(soft_time_limit=240, time_limit=300)
def queue_deliveries(notification_ids: list[int]) -> int:
    """Publish a large fan-out's delivery messages from a worker rather than a web request.
    Safe to run twice: a row is claimed once, so a second message for it does nothing."""
    services.notifications_queue_each(notification_ids)
    return len(notification_ids)


@shared_task(soft_time_limit=50, time_limit=60)
def requeue_stalled() -> int:
    """Beat job: queue again the rows whose delivery message was lost. Safe to run twice."""
    result = services.notifications_requeue_stalled()
    return len(result.queued)
