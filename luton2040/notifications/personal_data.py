"""What the notifications app holds about people: follows, preferences and the messages sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.personal_data import (
    Erasure,
    ExportRow,
    PersonalDataSource,
    register,
    same_email,
)

from . import kinds
from .models import Notification, Preference, Subscription

if TYPE_CHECKING:
    from luton2040.accounts.models import User

FOLLOWS = _("What you follow and how we contact you")
MESSAGES = _("Messages we sent you")


def _kind_label(key: str) -> str:
    try:
        return str(kinds.get(key).label)
    except LookupError:
        return key


def _subscription_rows(user: User) -> QuerySet[Any]:
    # A follow made by email alone before the account existed is theirs too, once the address
    # is proven to be theirs.
    return (
        Subscription.objects.filter(
            Q(user=user) | (Q(user__isnull=True) & same_email("email", user))
        )
        .select_related("ward")
        .prefetch_related("target")
        .order_by("created_at", "pk")
    )


def _subscription_row(subscription: Subscription) -> ExportRow:
    return {
        _("What you follow"): str(
            subscription.target or subscription.ward or subscription.topic or ""
        ),
        _("By email address only"): subscription.email or None,
        _("Started"): subscription.created_at,
        _("Confirmed"): subscription.confirmed_at,
    }


def _preference_rows(user: User) -> QuerySet[Any]:
    return Preference.objects.filter(user=user).order_by("kind")


def _preference_row(preference: Preference) -> ExportRow:
    return {
        _("Kind of message"): _kind_label(preference.kind),
        _("How often"): preference.get_frequency_display(),
    }


def _notification_rows(user: User) -> QuerySet[Any]:
    return Notification.objects.filter(
        Q(user=user) | (Q(user__isnull=True) & same_email("to", user))
    ).order_by("-created_at", "-id")


def _notification_row(notification: Notification) -> ExportRow:
    return {
        _("Kind of message"): _kind_label(notification.kind),
        _("Sent by"): notification.get_channel_display(),
        _("Sent to"): notification.to,
        _("Status"): notification.get_status_display(),
        _("Written"): notification.created_at,
        _("Sent"): notification.sent_at,
        # What the message was written from: the titles and links it showed you.
        _("Content"): notification.context,
    }


register(
    PersonalDataSource(
        model_label="notifications.Subscription",
        fields=("user", "email"),
        category=FOLLOWS,
        title=_("Things you follow"),
        purpose=_("To tell you about the actions, consultations, places and topics you follow."),
        lawful_basis=_("Consent: you chose to follow them, and can stop at any time."),
        retention=_("Until you stop following, or you delete your account."),
        rows_for=_subscription_rows,
        erasure=Erasure.DELETE,
        export_row=_subscription_row,
    ),
    PersonalDataSource(
        model_label="notifications.Preference",
        fields=("user",),
        category=FOLLOWS,
        title=_("Email preferences"),
        purpose=_("To send each kind of message as often as you asked, or not at all."),
        lawful_basis=_("Consent: you choose how often we email you."),
        retention=_("Until you delete your account."),
        rows_for=_preference_rows,
        erasure=Erasure.DELETE,
        export_row=_preference_row,
    ),
    PersonalDataSource(
        model_label="notifications.Notification",
        fields=("user", "to", "context"),
        category=MESSAGES,
        title=_("Messages"),
        holds=_("A link to your account, the address each message went to, and what it said"),
        purpose=_("To send you messages and to check they were delivered."),
        lawful_basis=_(
            "Consent for things you follow; public task for messages about your account."
        ),
        retention=_("For a limited time after sending, or until you delete your account."),
        rows_for=_notification_rows,
        erasure=Erasure.DELETE,
        export_row=_notification_row,
    ),
)
