"""How long notifications keep personal data (see luton2040/accounts/retention.py)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from luton2040.accounts.retention import RetentionRule, register, rows_deleted

from .models import Notification, Subscription

# Rows in these states are finished: nothing will send them again. Pending, sending and held
# rows are still on their way and are never touched. Failed rows are kept as long as sent ones
# so staff can see and retry them, but not for ever: a message a year late helps no one.
_FINISHED = (
    Notification.Status.SENT,
    Notification.Status.DIGESTED,
    Notification.Status.FAILED,
)


def _finished_notifications_delete(cutoff: datetime.datetime) -> int:
    # A sent message is the address it went to and what it said: once it has gone it is only a
    # delivery record. Deleting (not blanking) is safe for "never twice": every event key names
    # a one-off change (a publication, a decision, a dated reminder) whose own state stops it
    # firing again. The period must not be shorter than links.UNSUBSCRIBE_MAX_AGE (a year):
    # each email's unsubscribe link names its row. Counted from when the row was written
    # (indexed with status); a message is sent within minutes of that.
    return rows_deleted(Notification.objects.filter(status__in=_FINISHED, created_at__lt=cutoff))


def _unconfirmed_follows_delete(cutoff: datetime.datetime) -> int:
    # Someone without an account gave an address to follow something and never clicked the
    # confirmation link (it stops working after links.CONFIRM_MAX_AGE, a week). The address
    # gets no mail and may not even be theirs: keeping it serves nobody.
    return rows_deleted(
        Subscription.objects.filter(
            user__isnull=True, confirmed_at__isnull=True, created_at__lt=cutoff
        )
    )


register(
    RetentionRule(
        key="sent_notifications",
        kind=_("Emails and text messages we have sent you"),
        what_happens=_(
            "We delete our copy of each message, and the address it went to, %(period)s after "
            "we sent it (or after the last try, if it could not be delivered)."
        ),
        model_label="notifications.Notification",
        default_days=365,
        apply=_finished_notifications_delete,
    ),
    RetentionRule(
        key="unconfirmed_follows",
        kind=_("Follows never confirmed"),
        what_happens=_(
            "If you follow something by email without an account and never confirm it, we "
            "delete your email address %(period)s after you asked."
        ),
        model_label="notifications.Subscription",
        default_days=30,
        apply=_unconfirmed_follows_delete,
    ),
)
