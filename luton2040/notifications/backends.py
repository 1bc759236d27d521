"""Channels: how one rendered message leaves the portal.

Email goes through Django's email backend (EMAIL_URL) or GOV.UK Notify; text messages through
Notify only. A backend either returns the provider's reference for the message or raises
DeliveryError saying whether trying again later could help.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from .models import Notification


class DeliveryError(Exception):
    """Sending failed. `temporary`: the same message may go through later (retry it)."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: int
    channel: str
    to: str
    subject: str
    text: str
    html: str
    message_id: str  # <...@...>, the same for every attempt at one outbox row
    unsubscribe_url: str | None  # None: nothing to unsubscribe from


def send(message: OutgoingMessage) -> str:
    """Send one message on its channel; the provider's reference, or DeliveryError."""
    if message.channel == Notification.Channel.SMS:
        return _send_notify_sms(message)
    if settings.NOTIFICATIONS_EMAIL_BACKEND == "govuk-notify":
        return _send_notify_email(message)
    return _send_django_email(message)


def _send_django_email(message: OutgoingMessage) -> str:
    headers = {"Message-ID": message.message_id}
    if message.unsubscribe_url:
        # RFC 8058: a mail client's "unsubscribe" button POSTs to this URL, without a login.
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    try:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            to=[message.to],
            headers=headers,
            connection=get_connection(timeout=settings.NOTIFICATIONS_SEND_TIMEOUT),
        )
        email.attach_alternative(message.html, "text/html")
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _reply in exc.recipients.values()]
        raise DeliveryError(
            f"recipient refused: {exc.recipients}", temporary=all(_is_4xx(code) for code in codes)
        ) from exc
    except smtplib.SMTPResponseException as exc:
        reply = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        raise DeliveryError(
            f"mail server said {exc.smtp_code} {reply}", temporary=_is_4xx(exc.smtp_code)
        ) from exc
    except OSError as exc:
        # Connection refused or dropped, a timeout, another SMTP protocol error: the server
        # (or the network to it) is having trouble, not the message.
        raise DeliveryError(f"{type(exc).__name__}: {exc}", temporary=True) from exc
    except ValueError as exc:
        # Django refuses an address it cannot encode: no later attempt will change that.
        raise DeliveryError(f"bad address: {exc}", temporary=False) from exc
    # The mail server's queue id is not exposed by Django; the Message-ID finds the message
    # in the server's logs.
    return message.message_id


def _is_4xx(code: int) -> bool:
    return 400 <= code < 500


def _notify_client() -> NotificationsAPIClient:
    # One client per send: the client is not thread-safe, and its set-up costs nothing next
    # to the HTTPS call.
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL,
        timeout=settings.NOTIFICATIONS_SEND_TIMEOUT,
    )


def _notify_call(call: str, **kwargs: object) -> str:
    try:
        response = getattr(_notify_client(), call)(**kwargs)
    except APIError as exc:
        # Notify: 400 bad request (a bad address or number), 403 bad key: sending again will
        # not help. 429 rate limit, 5xx, and no connection at all (the client reports 503):
        # later may.
        status = exc.status_code
        raise DeliveryError(
            f"GOV.UK Notify said {status}: {exc.message}",
            temporary=status == 429 or status >= 500,
        ) from exc
    return str(response["id"])


def _send_notify_email(message: OutgoingMessage) -> str:
    return _notify_call(
        "send_email_notification",
        email_address=message.to,
        template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
        personalisation={"subject": message.subject, "body": message.text},
        # Our outbox id, so Notify's records and callbacks lead back to the row.
        reference=str(message.notification_id),
        one_click_unsubscribe_url=message.unsubscribe_url,
    )


def _send_notify_sms(message: OutgoingMessage) -> str:
    if settings.NOTIFICATIONS_EMAIL_BACKEND != "govuk-notify":
        raise DeliveryError(
            "text messages need GOV.UK Notify (NOTIFICATIONS_EMAIL_BACKEND=govuk-notify)",
            temporary=False,
        )
    return _notify_call(
        "send_sms_notification",
        phone_number=message.to,
        template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
        personalisation={"body": message.text},
        reference=str(message.notification_id),
    )
