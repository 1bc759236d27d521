"""Daily digests: one email per person per day, grouping what notify() held for the summary.

notify() writes a HELD row (digest_date = that day in Europe/London) when someone chose "In a
daily summary" for a kind. Once a day the beat job gathers each person's held rows into one
digest.daily row, marks the items DIGESTED pointing at it, and queues that one row for delivery.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from . import kinds, services
from .models import Notification

logger = logging.getLogger(__name__)

DIGEST_KIND = "digest.daily"
# People handled per transaction: bounds lock time and statement size with very many people,
# while the number of queries stays the same for every batch (never one per item).
PEOPLE_PER_BATCH = 500


def digest_key(*, user_id: int, day: datetime.date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def digest_item(notification: Notification) -> dict[str, str]:
    """What a held notification shows in the summary: subject, summary and link, from the
    context its sender gave notify() ("subject", "summary", "url"), with safe fallbacks."""
    context: dict[str, Any] = notification.context or {}
    try:
        fallback_subject = str(kinds.get(notification.kind).label)
    except LookupError:
        fallback_subject = notification.kind
    url = str(context.get("url") or "")
    if url.startswith("/") and not url.startswith("//"):
        url = f"{settings.SITE_URL}{url}"  # an email needs the whole address
    return {
        "subject": str(context.get("subject") or context.get("subject_title") or fallback_subject),
        "summary": str(context.get("summary") or ""),
        "url": url or settings.SITE_URL,
    }


def digests_send(*, today: datetime.date | None = None) -> list[int]:
    """Write one digest.daily row for each person with HELD items due on or before `today`
    (Europe/London), mark those items DIGESTED, and queue the digests after commit. Returns the
    new digest ids. Running it again the same day writes nothing: the key
    "digest:<user>:<date>" is unique, and a person who already had today's digest keeps any
    newer items for tomorrow's."""
    today = today or timezone.localdate()
    user_ids = list(
        Notification.objects.filter(
            status=Notification.Status.HELD, digest_date__lte=today, user__isnull=False
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    created: list[int] = []
    for start in range(0, len(user_ids), PEOPLE_PER_BATCH):
        created += _digests_send_batch(
            user_ids=user_ids[start : start + PEOPLE_PER_BATCH], today=today
        )
    return created


@transaction.atomic
def _digests_send_batch(*, user_ids: Sequence[int], today: datetime.date) -> list[int]:
    keys = {user_id: digest_key(user_id=user_id, day=today) for user_id in user_ids}
    already = set(
        Notification.objects.filter(idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    due = [user_id for user_id in user_ids if keys[user_id] not in already]
    if not due:
        return []
    # Lock the items so a concurrent run (or notify() touching them) cannot put one item in two
    # digests; SKIP LOCKED lets a second run move on instead of waiting, and it then finds
    # nothing left to do for those people.
    items = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Notification.Status.HELD, digest_date__lte=today, user_id__in=due)
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for item in items:
        assert item.user_id is not None  # noqa: S101 - filtered above
        by_user[item.user_id].append(item)
    if not by_user:
        return []
    digests = Notification.objects.bulk_create(
        [
            Notification(
                kind=DIGEST_KIND,
                channel=Notification.Channel.EMAIL,
                user=rows[0].user,
                to=rows[0].user.email if rows[0].user else "",
                context={
                    "date": today.isoformat(),
                    "items": [digest_item(row) for row in rows],
                },
                idempotency_key=keys[user_id],
                status=Notification.Status.PENDING,
            )
            for user_id, rows in by_user.items()
        ]
    )
    digest_for_user = {digest.user_id: digest.pk for digest in digests}
    # One UPDATE for the whole batch: each item points at its own person's digest.
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(
        status=Notification.Status.DIGESTED,
        digest_id=Case(
            *[When(user_id=user_id, then=pk) for user_id, pk in digest_for_user.items()]
        ),
    )
    ids = [digest.pk for digest in digests]
    # The same queueing notify() uses: after commit, and a broker outage leaves the rows for
    # the requeue job rather than failing the run.
    transaction.on_commit(partial(services.notifications_queue, ids))
    return ids


@shared_task(
    name="luton2040.notifications.digests.send_daily_digests",
    acks_late=True,  # idempotent: running it again sends nothing twice
    time_limit=600,
    soft_time_limit=540,
)
def send_daily_digests() -> int:
    """Beat job: send today's daily summaries. Safe to run any number of times."""
    ids = digests_send()
    logger.info("daily digests written: %d", len(ids))
    return len(ids)
