"""Delivery: one outbox row becomes one message, once, through SMTP or GOV.UK Notify."""

from __future__ import annotations

import json
import smtplib
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from luton2040.audit.models import AuditEvent
from luton2040.notifications import kinds, links, services, tasks
from luton2040.notifications.kinds import NotificationKind
from luton2040.notifications.models import Notification, Subscription
from luton2040.notifications.services import Recipient, notify

pytestmark = pytest.mark.django_db

SITE = "https://portal.luton2040.example"


@pytest.fixture(autouse=True)
def _delivery_settings(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE
    settings.NOTIFICATIONS_EMAIL_BACKEND = "django"
    monkeypatch.setitem(
        kinds._KINDS,
        "test.update",
        NotificationKind(key="test.update", label="An update", template="generic"),
    )
    FlakyBackend.failures = []


class FlakyBackend(EmailBackend):
    """The locmem backend, but the next sends raise the errors queued in `failures`."""

    failures: ClassVar[list[Exception]] = []

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        if FlakyBackend.failures:
            raise FlakyBackend.failures.pop(0)
        return super().send_messages(messages)


FLAKY = "tests.notifications.test_delivery.FlakyBackend"


@pytest.fixture
def retries_inline(settings) -> None:  # type: ignore[no-untyped-def]
    # In eager mode Celery runs a task's retry at once, but only when it does not propagate
    # the task's exceptions (propagating, the Retry itself reaches the caller).
    settings.CELERY_TASK_EAGER_PROPAGATES = False


def _pending(user=None, *, kind="test.update", context=None, **fields):  # type: ignore[no-untyped-def]
    """An outbox row as notify() leaves it, before its delivery runs."""
    context = context or {"subject": "Warm Spaces open", "summary": "Late opening.", "url": ""}
    defaults = {
        "kind": kind,
        "user": user,
        "to": user.email if user else "amira@example.org",
        "context": context,
        "idempotency_key": f"test:{uuid.uuid4()}",
    }
    return Notification.objects.create(**{**defaults, **fields})


def _deliver(row: Notification) -> Notification:
    tasks.deliver_notification.delay(row.pk)
    row.refresh_from_db()
    return row


# --- Once, and only once ---------------------------------------------------------------------


def test_delivering_twice_sends_once(resident) -> None:  # type: ignore[no-untyped-def]
    row = _pending(resident)
    assert _deliver(row).status == Notification.Status.SENT
    sent_at = row.sent_at
    row = _deliver(row)
    assert len(mail.outbox) == 1
    assert (row.status, row.attempts, row.sent_at) == (Notification.Status.SENT, 1, sent_at)


def test_two_workers_claiming_one_row_one_wins(resident) -> None:  # type: ignore[no-untyped-def]
    row = _pending(resident)
    first = services.notification_claim(notification_id=row.pk)
    second = services.notification_claim(notification_id=row.pk)
    assert first is not None and second is None
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENDING, 1)
    assert row.claimed_until > timezone.now()
    # While the claim holds, the delivery task leaves the row to its worker.
    assert _deliver(row).status == Notification.Status.SENDING
    assert mail.outbox == []


def test_a_dead_workers_claim_runs_out_and_the_row_is_sent(resident) -> None:  # type: ignore[no-untyped-def]
    row = _pending(
        resident,
        status=Notification.Status.SENDING,
        attempts=1,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )
    row = _deliver(row)
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "status", [Notification.Status.HELD, Notification.Status.FAILED, Notification.Status.SENT]
)
def test_rows_that_are_not_queued_are_not_sent(resident, status) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident, status=status))
    assert row.status == status
    assert mail.outbox == []


# --- Failures --------------------------------------------------------------------------------


def test_a_temporary_failure_is_retried_and_then_sent_once(
    resident, settings, retries_inline
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]
    row = _deliver(_pending(resident))
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_a_4xx_reply_is_temporary(resident, settings, retries_inline) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    row = _deliver(_pending(resident))
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)


def test_after_the_last_attempt_the_row_fails_with_the_error(
    resident, settings, retries_inline
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = FLAKY
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    FlakyBackend.failures = [ConnectionRefusedError(111, "Connection refused")] * 5
    row = _deliver(_pending(resident))
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 3)
    assert "gave up after 3 attempts" in row.last_error
    assert "Connection refused" in row.last_error
    assert mail.outbox == []
    assert len(FlakyBackend.failures) == 2  # no fourth attempt


def test_a_refused_address_fails_at_once(resident, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures = [
        smtplib.SMTPRecipientsRefused({resident.email: (550, b"5.1.1 No such mailbox")})
    ]
    row = _deliver(_pending(resident))
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 1)
    assert "550" in row.last_error and "No such mailbox" in row.last_error


def test_a_kind_without_templates_fails_with_a_clear_error(resident, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(
        kinds._KINDS, "test.untemplated", NotificationKind(key="test.untemplated", label="x")
    )
    row = _deliver(_pending(resident, kind="test.untemplated"))
    assert row.status == Notification.Status.FAILED
    assert "emails/test/untemplated" in row.last_error


def test_retry_waits_grow_and_are_capped(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = 1800
    assert 30 <= services.retry_wait(attempts=1) <= 60
    assert 120 <= services.retry_wait(attempts=3) <= 240
    assert 900 <= services.retry_wait(attempts=20) <= 1800


# --- What the email looks like ---------------------------------------------------------------


def _headers(message: mail.EmailMessage) -> dict[str, str]:
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    # Folding puts a long value on its own line; the whitespace before it is not part of it.
    return {key: str(value).strip() for key, value in parsed.items()}


def test_email_has_text_html_and_rfc_8058_one_click_unsubscribe(resident) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident))
    (message,) = mail.outbox
    headers = _headers(message)
    # The link is signed with the time it was made: read it back rather than remaking it (a
    # second later the signature differs).
    unsubscribe = headers["List-Unsubscribe"].removeprefix("<").removesuffix(">")
    assert unsubscribe.startswith(f"{SITE}/notifications/unsubscribe/")
    token = unsubscribe.removeprefix(f"{SITE}/notifications/unsubscribe/").rstrip("/")
    assert links.read_unsubscribe_token(token) == row.pk
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"] == f"<notification.{row.pk}@portal.luton2040.example>"
    assert "Late opening." in message.body and unsubscribe in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<h1>Warm Spaces open</h1>" in html and unsubscribe in html


def test_account_security_messages_have_nothing_to_unsubscribe_from(resident) -> None:  # type: ignore[no-untyped-def]
    _deliver(_pending(resident, kind="account.security", context={"summary": "New password"}))
    (message,) = mail.outbox
    headers = _headers(message)
    assert "List-Unsubscribe" not in headers and "List-Unsubscribe-Post" not in headers
    assert "/notifications/unsubscribe/" not in message.body
    assert "New password" in message.body
    assert "Message-ID" in headers


def test_a_follow_confirmation_can_be_declined_with_one_click() -> None:
    pending = Subscription.objects.create(email="amira@example.org", topic="food")
    confirm = links.confirm_url(pending.pk)
    row = _pending(
        kind="follow.confirm",
        subscription=pending,
        context={"confirm_url": confirm, "subject_title": "Food support"},
    )
    _deliver(row)
    (message,) = mail.outbox
    assert _headers(message)["List-Unsubscribe"] == f"<{links.unsubscribe_url(row.pk)}>"
    assert message.subject == "Confirm that you want updates about Food support"
    assert confirm in message.body


def test_the_daily_summary_lists_its_items(resident) -> None:  # type: ignore[no-untyped-def]
    items = [
        {"subject": "Hub A & B open", "summary": "Both open late.", "url": f"{SITE}/a/"},
        {"subject": "Survey closes", "summary": "Last week to reply.", "url": f"{SITE}/s/"},
    ]
    _deliver(_pending(resident, kind="digest.daily", context={"items": items}))
    (message,) = mail.outbox
    assert message.subject == "Your Luton 2040 summary: 2 updates"
    assert "Hub A & B open" in message.body  # plain text is not HTML-escaped
    assert "Hub A &amp; B open" in message.alternatives[0][0]
    assert "List-Unsubscribe" in _headers(message)


def test_a_message_sent_again_after_a_crash_has_the_same_message_id(resident) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident))
    # The worker died after the mail server took the message but before the row said so.
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENDING, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    _deliver(row)
    assert len(mail.outbox) == 2
    assert len({_headers(m)["Message-ID"] for m in mail.outbox}) == 1


# --- GOV.UK Notify, faked on 127.0.0.1 -------------------------------------------------------


class FakeNotify:
    """A local stand-in for the GOV.UK Notify API: records requests, answers as told."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: list[int] = []  # status codes for the next requests; then 201
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {"path": self.path, "auth": self.headers["Authorization"], "json": body}
                )
                status = fake.replies.pop(0) if fake.replies else 201
                if status == 201:
                    reply: dict[str, Any] = {
                        "id": str(uuid.uuid4()),
                        "reference": body.get("reference"),
                    }
                else:
                    reply = {
                        "status_code": status,
                        "errors": [{"error": "BadRequestError", "message": f"fake {status}"}],
                    }
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def fake_notify(settings) -> Iterator[FakeNotify]:  # type: ignore[no-untyped-def]
    fake = FakeNotify()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFICATIONS_EMAIL_BACKEND = "govuk-notify"
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_API_KEY = f"test_key-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.NOTIFY_SMS_TEMPLATE_ID = "289ec9b3-6a54-4bb4-9d94-9c0b3a0f0e5c"
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    thread.join(timeout=5)


def test_notify_is_given_the_outbox_id_as_its_reference(resident, fake_notify) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident))
    (request,) = fake_notify.requests
    assert request["path"] == "/v2/notifications/email"
    assert request["auth"].startswith("Bearer ")
    sent = request["json"]
    assert sent["reference"] == str(row.pk)
    assert sent["email_address"] == resident.email
    assert sent["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert sent["personalisation"]["subject"] == "Warm Spaces open"
    assert "Late opening." in sent["personalisation"]["body"]
    assert sent["one_click_unsubscribe_url"] == links.unsubscribe_url(row.pk)
    assert row.status == Notification.Status.SENT
    assert row.provider_reference and row.provider_reference != str(row.pk)
    assert mail.outbox == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_notify_busy_or_down_is_retried(resident, fake_notify, status, retries_inline) -> None:  # type: ignore[no-untyped-def]
    fake_notify.replies = [status]
    row = _deliver(_pending(resident))
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    assert len(fake_notify.requests) == 2


def test_notify_refusing_the_address_fails_at_once(resident, fake_notify) -> None:  # type: ignore[no-untyped-def]
    fake_notify.replies = [400]
    row = _deliver(_pending(resident))
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 1)
    assert "400" in row.last_error and "fake 400" in row.last_error


def test_text_messages_go_through_notify(resident, fake_notify) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident, channel=Notification.Channel.SMS, to="07700900123"))
    (request,) = fake_notify.requests
    assert request["path"] == "/v2/notifications/sms"
    assert request["json"]["phone_number"] == "07700900123"
    assert request["json"]["reference"] == str(row.pk)
    assert row.status == Notification.Status.SENT


def test_text_messages_without_notify_fail_with_a_clear_error(resident) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident, channel=Notification.Channel.SMS, to="07700900123"))
    assert row.status == Notification.Status.FAILED
    assert "GOV.UK Notify" in row.last_error


# --- The requeue job -------------------------------------------------------------------------


def test_requeue_stalled_sends_lost_rows_once_even_when_run_twice(
    resident, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    now = timezone.now()
    lost = _pending(resident, to="lost@example.org")
    dead_worker = _pending(
        resident,
        to="dead.worker@example.org",
        status=Notification.Status.SENDING,
        attempts=1,
        claimed_until=now - timedelta(seconds=1),
    )
    fresh = _pending(resident, to="fresh@example.org")
    waiting = _pending(resident, to="waiting@example.org", claimed_until=now + timedelta(minutes=5))
    poison = _pending(
        resident,
        to="poison@example.org",
        status=Notification.Status.SENDING,
        attempts=3,
        claimed_until=now - timedelta(seconds=1),
    )
    held = _pending(resident, to="held@example.org", status=Notification.Status.HELD)
    an_hour_ago = now - timedelta(hours=1)
    Notification.objects.exclude(pk=fresh.pk).update(created_at=an_hour_ago)

    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.requeue_stalled.delay()

    assert sorted(m.to[0] for m in mail.outbox) == ["dead.worker@example.org", "lost@example.org"]
    states = {
        row.to: row.status
        for row in Notification.objects.filter(
            pk__in=[lost.pk, dead_worker.pk, fresh.pk, waiting.pk, poison.pk, held.pk]
        )
    }
    assert states == {
        "lost@example.org": Notification.Status.SENT,
        "dead.worker@example.org": Notification.Status.SENT,
        "fresh@example.org": Notification.Status.PENDING,  # its own message is on its way
        "waiting@example.org": Notification.Status.PENDING,  # its retry is on its way
        "poison@example.org": Notification.Status.FAILED,
        "held@example.org": Notification.Status.HELD,
    }
    assert "worker stopped" in Notification.objects.get(pk=poison.pk).last_error


def test_a_second_requeue_run_queues_nothing_again(resident, settings) -> None:  # type: ignore[no-untyped-def]
    # Without a broker at hand the rows stay PENDING; what matters is what gets queued.
    row = _pending(resident)
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))
    first = services.notifications_requeue_stalled()
    second = services.notifications_requeue_stalled()
    assert (first.queued, second.queued) == ([row.pk], [])


# --- Staff retry -----------------------------------------------------------------------------


def test_staff_retry_of_a_failed_row_sends_it_and_is_audited(
    staff, resident, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    row = _pending(
        resident, status=Notification.Status.FAILED, attempts=6, last_error="451 try later"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_retry(notification=row, by=staff)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(verb="notification.retried")
    assert event.actor == staff


def test_staff_retry_of_a_sent_row_changes_nothing(
    staff, resident, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    row = _deliver(_pending(resident))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notification_retry(notification=row, by=staff)
    assert callbacks == []
    assert len(mail.outbox) == 1
    assert not AuditEvent.objects.filter(verb="notification.retried").exists()


def test_notify_to_delivery_end_to_end_for_an_email_only_follower(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    follower = Subscription.objects.create(
        email="amira@example.org", topic="food", confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(
            kind="test.update",
            event="hub.opened:9",
            recipients=[Recipient(subscription=follower)],
            context={"subject": "Open", "summary": "Now open.", "url": ""},
        )
    (message,) = mail.outbox
    assert message.to == ["amira@example.org"]
    assert _headers(message)["List-Unsubscribe"] == f"<{links.unsubscribe_url(row.pk)}>"
