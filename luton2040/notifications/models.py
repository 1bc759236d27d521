"""The outbox and what people asked for.

- `Notification` is the outbox: one row per message to one person on one channel, written in the
  same transaction as the change it reports. PostgreSQL is the record; Celery only pumps rows out.
- `Subscription`: someone (an account, or an email address alone after double opt-in) follows a
  thing (an action, a consultation, a hub or service, a report series), a ward or a topic.
- `Preference`: per person and kind of notification: immediately, in a daily digest, or off.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .kinds import Frequency


class Subscription(models.Model):
    """Someone wants to hear about one thing, one ward or one topic."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    # For people without an account: the address they gave, confirmed by a link.
    email = models.EmailField(_("email address"), blank=True)

    # What they follow: exactly one of a thing, a ward or a topic.
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.SlugField(_("topic"), max_length=100, blank=True)

    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    # Accounts are confirmed at once (their address is verified); an email address alone is
    # confirmed when its owner follows the link we send (double opt-in). Unconfirmed: no mail.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email=""))
                | (Q(user__isnull=True) & ~Q(email="")),
                name="notifications_subscription_account_or_email",
            ),
            models.CheckConstraint(
                condition=(
                    Q(target_type__isnull=False, ward__isnull=True, topic="")
                    | Q(target_type__isnull=True, ward__isnull=False, topic="")
                    | (Q(target_type__isnull=True, ward__isnull=True) & ~Q(topic=""))
                ),
                name="notifications_subscription_one_subject",
            ),
            models.UniqueConstraint(
                "user",
                "target_type",
                "target_id",
                "ward",
                "topic",
                name="notifications_subscription_unique_account",
                condition=Q(user__isnull=False),
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                Lower("email"),
                "target_type",
                "target_id",
                "ward",
                "topic",
                name="notifications_subscription_unique_email",
                condition=~Q(email=""),
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="notif_sub_target_idx"),
            models.Index(fields=["ward"], name="notif_sub_ward_idx"),
            models.Index(fields=["topic"], name="notif_sub_topic_idx"),
        ]

    def __str__(self) -> str:
        # Never the email address: this text is copied into the append-only audit log, which
        # must hold no personal data that erasure could not reach.
        who = f"account {self.user_id}" if self.user_id else f"email follower {self.pk}"
        what = self.target or self.ward or self.topic
        return f"{who} follows {what}"


class Preference(models.Model):
    """How often a person wants one kind of notification. No row: the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    frequency = models.CharField(_("how often"), max_length=16, choices=Frequency.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_one_preference"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.frequency}"


class Notification(models.Model):
    """One message to one person on one channel: the outbox row, and the record of delivery."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")  # claimed by a worker until claimed_until
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")  # gave up after the last retry; staff may retry
        HELD = "held", _("Held for the daily summary")
        DIGESTED = "digested", _("Sent in a daily summary")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Set for people without an account, so their message carries their unsubscribe link.
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.CharField(_("to"), max_length=254)  # address or number when written
    # JSON-safe values the kind's templates render with (ids and strings, never model objects).
    context = models.JSONField(_("content"), default=dict, blank=True)
    # "<event>:<recipient>": the same event never makes two messages for one person.
    idempotency_key = models.CharField(max_length=255, unique=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # SENDING: the worker's claim runs out then (after that, another may take the row).
    # PENDING: "not before" -- a retry is waiting, so the requeue job leaves the row alone.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)

    # Daily digests: a held item belongs to the summary for `digest_date`; when that summary is
    # sent, `digest` points at its own Notification row.
    digest_date = models.DateField(null=True, blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The beat job's sweep and the staff view's queues read by status and age.
            models.Index(fields=["status", "created_at"], name="notif_status_created_idx"),
            models.Index(
                fields=["digest_date", "user"],
                name="notif_held_idx",
                condition=Q(status="held"),
            ),
            models.Index(fields=["user", "-created_at"], name="notif_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
