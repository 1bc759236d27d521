"""Writes for notifications. Every state change of an outbox row happens here.

The outbox row's life: notify() writes it PENDING (or HELD for the daily summary) in the
caller's transaction and queues its delivery after commit. notification_deliver() claims it
with a conditional UPDATE (PENDING, or SENDING whose claim ran out -> SENDING until
claimed_until), sends it outside any transaction and marks it SENT. A temporary failure puts it
back to PENDING with `claimed_until` as "not before" (the retry's time, so the requeue job
leaves it to the retry); after the last attempt, or on a permanent failure, it is FAILED with
the error, for staff to see and retry.

The row is its own delivery record (attempts, last error, sent at), so sending is not written
to the audit log; what staff do to a row is.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from kombu.exceptions import OperationalError

from luton2040 import audit

from . import backends, emails, kinds
from .kinds import Frequency
from .models import Notification, Subscription
from .preferences import frequencies_for_users

if TYPE_CHECKING:
    from luton2040.accounts.models import User

log = logging.getLogger(__name__)

# An unconfirmed email-only follower gets one kind of message: the one asking them to confirm.
KINDS_FOR_UNCONFIRMED = frozenset({"follow.confirm"})

_ERROR_LENGTH = 2000  # enough for a server's reply; a stack trace belongs in the logs


@dataclass(frozen=True)
class Recipient:
    user: User | None = None  # someone with an account, or
    subscription: Subscription | None = None  # an email-only follower (confirmed), or
    # an address given for exactly this message (a resident who reported a problem and asked
    # to hear back, a listing's named contact). Only for kinds that cannot be switched off:
    # there are no preferences to honour and nothing to unsubscribe from.
    email: str = ""


# --- Writing the outbox ----------------------------------------------------------------------


def notify(
    *, kind: str, event: str, recipients: Iterable[Recipient], context: dict[str, Any]
) -> list[Notification]:
    """Write one outbox row per recipient in the caller's transaction, keyed f"{event}:{recipient
    key}", honouring preferences (off: no row; daily: HELD for today's summary; immediately or
    a kind that cannot be switched off: PENDING), and queue the new PENDING rows after commit.
    Calling it twice for the same event writes nothing new. A few queries, however many
    recipients."""
    definition = kinds.get(kind)
    addressed = _addresses(recipients, kind=kind)
    if not addressed:
        return []
    user_ids = [user.pk for user, _sub, _to in addressed.values() if user is not None]
    frequencies = frequencies_for_users(user_ids=user_ids, kind=kind) if user_ids else {}
    # Email-only followers have no preferences page and no account to gather a summary for:
    # they get a kind as it happens, unless the kind is off unless chosen.
    follower_frequency = (
        Frequency.OFF
        if definition.can_switch_off and definition.default == Frequency.OFF
        else Frequency.IMMEDIATELY
    )
    today = timezone.localdate()  # TIME_ZONE is Europe/London: the summary's day is London's
    rows = []
    for key, (user, subscription, to) in addressed.items():
        frequency = frequencies[user.pk] if user is not None else follower_frequency
        if frequency == Frequency.OFF:
            continue
        held = frequency == Frequency.DAILY
        rows.append(
            Notification(
                kind=kind,
                user=user,
                subscription=subscription,
                to=to,
                context=context,
                idempotency_key=f"{event}:{key}",
                status=Notification.Status.HELD if held else Notification.Status.PENDING,
                digest_date=today if held else None,
            )
        )
    if not rows:
        return []
    keys = [row.idempotency_key for row in rows]
    existing = set(
        Notification.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    # INSERT ... ON CONFLICT DO NOTHING: a concurrent notify() for the same event that wrote
    # first wins, and this one neither fails nor writes a second row.
    Notification.objects.bulk_create(
        [row for row in rows if row.idempotency_key not in existing],
        ignore_conflicts=True,
        batch_size=1000,
    )
    written = list(Notification.objects.filter(idempotency_key__in=keys).order_by("pk"))
    to_queue = [
        row.pk
        for row in written
        if row.status == Notification.Status.PENDING and row.idempotency_key not in existing
    ]
    if to_queue:
        transaction.on_commit(partial(notifications_queue, to_queue))
    return written


def _addresses(
    recipients: Iterable[Recipient], *, kind: str
) -> dict[str, tuple[User | None, Subscription | None, str]]:
    """Recipient key -> (user, subscription, address), for the recipients who may get `kind`."""
    from luton2040.accounts.models import User

    recipients = list(recipients)
    # An account's subscription passed as a Recipient is the account: load those users at once.
    account_ids = {
        r.subscription.user_id
        for r in recipients
        if r.user is None and r.subscription is not None and r.subscription.user_id is not None
    }
    accounts = User.objects.in_bulk(account_ids) if account_ids else {}
    addressed: dict[str, tuple[User | None, Subscription | None, str]] = {}
    transactional = not kinds.get(kind).can_switch_off
    for recipient in recipients:
        user, subscription = recipient.user, recipient.subscription
        if recipient.email and user is None and subscription is None:
            if not transactional:
                raise ValueError(f"{kind!r} can be switched off: send it to people who chose it")
            local, _at, domain = recipient.email.strip().rpartition("@")
            address = f"{local}@{domain.lower()}"
            addressed[f"email:{address}"] = (None, None, address)
            continue
        if user is None and subscription is not None and subscription.user_id is not None:
            user, subscription = accounts.get(subscription.user_id), None
            if user is None:
                continue
        if user is not None:
            if user.is_active and user.email:
                addressed[f"user:{user.pk}"] = (user, None, user.email)
        elif subscription is not None:
            confirmed = subscription.confirmed_at is not None or kind in KINDS_FOR_UNCONFIRMED
            if confirmed and subscription.email:
                addressed[f"subscription:{subscription.pk}"] = (
                    None,
                    subscription,
                    subscription.email,
                )
    return addressed


# Above this many rows, the caller (often a web request, after commit) hands the list to a
# worker to queue, instead of publishing one message per row itself: 10,000 publishes take
# about 15 s, which a person waiting on a page should not pay for.
QUEUE_IN_WORKER_ABOVE = 200


def notifications_queue(notification_ids: list[int]) -> None:
    """Queue delivery of these outbox rows. Call it after commit (transaction.on_commit)."""
    from .tasks import queue_deliveries

    try:
        if len(notification_ids) > QUEUE_IN_WORKER_ABOVE and not settings.CELERY_TASK_ALWAYS_EAGER:
            queue_deliveries.delay(notification_ids)
        else:
            notifications_queue_each(notification_ids)
    except OperationalError:
        # The rows are committed; with Redis away the requeue job sends them once it is
        # back. Failing here would turn a committed change into an error page.
        log.warning(
            "Could not queue notification delivery (broker unreachable); "
            "requeue_stalled will pick up %d rows",
            len(notification_ids),
        )


def notifications_queue_each(notification_ids: list[int]) -> None:
    """Publish one delivery message per row (what queue_deliveries does in a worker)."""
    from .tasks import deliver_notification

    for notification_id in notification_ids:
        deliver_notification.delay(notification_id)


# --- Delivering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery attempt did. `retry_in`: seconds until the task should try again."""

    status: str  # "skipped" (not ours to send), "sent", "failed", "retry"
    retry_in: float | None = None


def notification_claim(*, notification_id: int) -> Notification | None:
    """Claim a row for sending with one conditional UPDATE: PENDING, or SENDING whose claim has
    run out, becomes SENDING until now + the claim window. The row if this call claimed it;
    None if it was not there to claim (sent, failed, held, or another worker has it)."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(
            Q(status=Notification.Status.PENDING)
            | Q(status=Notification.Status.SENDING, claimed_until__lt=now)
        )
        .update(
            status=Notification.Status.SENDING,
            claimed_until=now + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if claimed != 1:
        return None
    return Notification.objects.select_related("user").get(pk=notification_id)


def notification_deliver(*, notification_id: int) -> DeliveryResult:
    """Send one outbox row at most once per claim: claim it, render and send it outside any
    transaction, mark it SENT. Temporary failure: back to PENDING with the error and a retry
    time (FAILED after the last attempt); permanent failure: FAILED at once. A row that is not
    there to claim is left alone."""
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return DeliveryResult("skipped")
    try:
        message = _outgoing(notification)
    except (LookupError, TemplateDoesNotExist, TemplateSyntaxError) as exc:
        # An unknown kind or a missing template fails every attempt alike.
        return _failed(notification, f"could not write the message: {exc!r}")
    try:
        reference = backends.send(message)
    except backends.DeliveryError as exc:
        if not exc.temporary:
            return _failed(notification, str(exc))
        return _try_later(notification, str(exc))
    except SoftTimeLimitExceeded:
        return _try_later(notification, "sending took too long (time limit)")
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        provider_reference=reference[:100],
        claimed_until=None,
        last_error="",
    )
    return DeliveryResult("sent")


def _outgoing(notification: Notification) -> backends.OutgoingMessage:
    unsubscribe_url = emails.unsubscribe_url_for(notification)
    rendered = emails.render(notification, unsubscribe_url=unsubscribe_url)
    return backends.OutgoingMessage(
        notification_id=notification.pk,
        channel=notification.channel,
        to=notification.to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=emails.message_id_for(notification),
        unsubscribe_url=unsubscribe_url,
    )


def _failed(notification: Notification, error: str) -> DeliveryResult:
    log.warning("Notification %s failed: %s", notification.pk, error)
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.FAILED, last_error=error[:_ERROR_LENGTH], claimed_until=None
    )
    return DeliveryResult("failed")


def _try_later(notification: Notification, error: str) -> DeliveryResult:
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        return _failed(
            notification, f"gave up after {notification.attempts} attempts; last error: {error}"
        )
    wait = retry_wait(attempts=notification.attempts)
    log.info("Notification %s will be tried again in %.0fs: %s", notification.pk, wait, error)
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.PENDING,
        last_error=error[:_ERROR_LENGTH],
        # For a PENDING row this is "not before": the requeue job leaves it to its retry.
        claimed_until=timezone.now() + timedelta(seconds=wait),
    )
    return DeliveryResult("retry", retry_in=wait)


def retry_wait(*, attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: exponential, capped, jittered."""
    ceiling = min(
        settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS,
        settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0),
    )
    # Jitter spreads the retries of a fan-out that failed together (a mail server down for a
    # minute) so they do not all return in the same second.
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 (timing, not security)


@dataclass(frozen=True)
class RequeueResult:
    queued: list[int]
    failed: list[int]


def notifications_requeue_stalled(*, limit: int = 5000) -> RequeueResult:
    """Queue again the rows whose message was lost: PENDING rows older than the requeue age
    (and not waiting for a retry), and SENDING rows whose claim ran out (a dead worker). Each
    is then left alone for ten requeue ages, so running this twice queues nothing twice; a row
    whose worker died on it as many times as it may be attempted is FAILED instead."""
    now = timezone.now()
    age = timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    # Ten ages between requeues of one row: a long backlog (10,000 rows with one worker) is
    # not flooded with a copy of every message a minute, and a truly lost one still goes soon.
    leave_alone_until = now + 10 * age
    not_waiting = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    stalled_pending = Q(status=Notification.Status.PENDING, created_at__lt=now - age) & not_waiting
    dead_claim = Q(status=Notification.Status.SENDING, claimed_until__lt=now)
    with transaction.atomic():
        # skip_locked: two beat runs at once (or a delivery claiming a row) never wait on each
        # other, and never both take the same row.
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(stalled_pending | dead_claim)
            .order_by("created_at")
            .values_list("pk", "status", "attempts")[:limit]
        )
        worn_out = {
            pk
            for pk, status, attempts in rows
            if status == Notification.Status.SENDING
            and attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        }
        again = [pk for pk, _status, _attempts in rows if pk not in worn_out]
        if worn_out:
            Notification.objects.filter(pk__in=worn_out).update(
                status=Notification.Status.FAILED,
                claimed_until=None,
                # Keep the last error a send reported, if any: it is the likeliest cause.
                last_error=Coalesce(
                    NullIf(F("last_error"), Value("")),
                    Value("the worker stopped while sending, on every attempt"),
                ),
            )
        if again:
            Notification.objects.filter(pk__in=again).update(
                status=Notification.Status.PENDING, claimed_until=leave_alone_until
            )
            transaction.on_commit(partial(notifications_queue, again))
    if rows:
        log.info("Requeued %d stalled notifications, failed %d", len(again), len(worn_out))
    return RequeueResult(queued=again, failed=sorted(worn_out))


# --- Staff -----------------------------------------------------------------------------------


@transaction.atomic
def notification_retry(*, notification: Notification, by: User) -> Notification:
    """Staff retry of a FAILED row: back to PENDING, attempts reset, audited, queued after
    commit. A row that is not FAILED (already retried, sent) is left as it is."""
    retried = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.FAILED
    ).update(status=Notification.Status.PENDING, attempts=0, claimed_until=None)
    notification.refresh_from_db()
    if retried:
        audit.record(
            actor=by,
            obj=notification,
            verb="notification.retried",
            changes={"status": ["failed", "pending"], "last_error": notification.last_error},
        )
        transaction.on_commit(partial(notifications_queue, [notification.pk]))
    return notification
