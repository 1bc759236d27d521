"""What the site does when PostgreSQL, Redis (cache and broker) or a worker goes away.

bench/faults.py stops the real services under load; these pin each fix down in the test run:
the 503 page with the database unreachable, the pool dropping a connection PostgreSQL killed,
the cache reading as a miss with Redis away (and its rate limits failing open), and queuing a
task against a dead or hung broker failing fast, with the requeue job delivering afterwards.
"""

from __future__ import annotations

import datetime
import runpy
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import hubs.filters
import luton2040.settings as settings_module
from engagement.models import Consultation
from hubs.models import ListingReport, Service
from luton2040.accounts.models import User
from luton2040.notifications.models import Notification
from luton2040.notifications.services import notifications_requeue_stalled

from ..celery_connections import reset_celery_connections
from ..factories import TEST_PASSWORD, ConsultationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()  # the forms here count requests in the shared cache (Redis in CI)


# --- PostgreSQL unreachable: a clear 503 -------------------------------------------------------


def _database_down(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def test_a_page_is_a_503_saying_try_again_later_when_the_database_is_unreachable() -> None:
    client = Client(raise_request_exception=False)
    with mock.patch.object(CursorWrapper, "execute", _database_down):
        # Every query fails, the error page's too, if it made one: it must not.
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<title>Sorry, there is a problem with the service" in page
    assert "Try again later." in page


def test_a_signed_in_page_is_a_503_too_when_the_session_cannot_be_read(resident: User) -> None:
    # The session and the user are loaded by middleware, before any view runs.
    client = Client(raise_request_exception=False)
    client.force_login(resident)
    with mock.patch.object(CursorWrapper, "execute", _database_down):
        response = client.get(reverse("accounts:profile"))
    assert response.status_code == 503
    assert "Try again later." in response.content.decode()


def test_an_error_that_is_not_the_database_is_still_a_500() -> None:
    client = Client(raise_request_exception=False)
    with mock.patch("luton2040.views.outcome_list", side_effect=RuntimeError("a bug")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Retry-After" not in response


# --- PostgreSQL restarted: the pool drops dead connections by itself ------------------------------


# Serialized rollback, as every transactional test here: without it the teardown re-runs
# post_migrate, whose role groups then clash with the next serialized test's restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pool_replaces_connections_postgresql_closed_without_an_error() -> None:
    """A restart ends every server process, so every pooled connection is dead. The pool's
    check on checkout must throw such connections away, not hand them to the next request."""
    assert getattr(connection, "pool", None) is not None  # the setting this is about
    connection.ensure_connection()
    connection.close()  # back to the pool, as at the end of a request
    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    ) as admin:
        # What a restart does to this database's connections (others' databases are left be).
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        killed = admin.execute(
            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}"  # noqa: S608
        ).fetchone()
        assert killed is not None and killed[0] >= 1
        deadline = time.monotonic() + 5
        while admin.execute(f"SELECT 1 FROM pg_stat_activity WHERE {others}").fetchone():  # noqa: S608
            assert time.monotonic() < deadline, "the server processes did not exit"
            time.sleep(0.05)

    with connection.cursor() as cursor:  # the next request's first query
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


# --- Redis away: the cache reads as a miss ---------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


@pytest.fixture
def redis_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CACHES the settings module builds for a REDIS_URL, pointed at a port nobody serves."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    built = runpy.run_path(str(Path(settings_module.__file__)))
    with override_settings(CACHES=built["CACHES"]):
        yield


@pytest.fixture
def listed_service() -> Service:
    return ServiceFactory(name="Marsh Farm Pantry", slug="marsh-farm-pantry")


@pytest.mark.usefixtures("redis_away")
def test_the_directory_search_answers_with_redis_away(
    client: Client, listed_service: Service
) -> None:
    response = client.get(reverse("hubs:index"), {"q": "pantry"})
    assert response.status_code == 200
    assert "Marsh Farm Pantry" in response.content.decode()

    started = time.monotonic()
    response = client.get(reverse("hubs:index"), {"q": "pantry", "when": "today"})
    assert response.status_code == 200
    # "Open today" is shared through the cache; with the cache away nobody can be filling it,
    # so no request waits for someone who is.
    assert time.monotonic() - started < hubs.filters._WAIT_SECONDS


@pytest.mark.usefixtures("redis_away")
def test_a_listing_report_is_saved_with_redis_away(client: Client, listed_service: Service) -> None:
    # The per-address limit lives in the cache: with the cache away it lets the report through.
    response = client.post(
        reverse("hubs:report-create", kwargs={"slug": listed_service.slug}),
        {"problem": "wrong-times", "details": "fault-test-marker", "email": ""},
    )
    assert response.status_code == 302
    assert ListingReport.objects.filter(details="fault-test-marker").count() == 1


@pytest.mark.usefixtures("redis_away")
def test_people_can_still_sign_in_with_redis_away(client: Client, resident: User) -> None:
    # allauth counts sign-in attempts in the cache under a lock taken with cache.add; with the
    # cache away and add answering None, every attempt was refused as "too many" (429).
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.fixture
def open_consultation() -> Consultation:
    return ConsultationFactory()


@pytest.mark.usefixtures("redis_away")
def test_following_by_email_with_redis_away_writes_the_confirmation_to_the_outbox(
    client: Client, open_consultation: Consultation
) -> None:
    response = client.post(
        reverse("notifications:follow"),
        {"target": f"engagement.consultation:{open_consultation.pk}", "email": "amira@example.org"},
    )
    assert response.status_code == 200
    assert Notification.objects.filter(kind="follow.confirm", to="amira@example.org").exists()


# --- Redis away as the broker: queuing fails fast, the requeue job delivers later ---------------


@pytest.fixture
def broker_at(settings: Any) -> Iterator[Any]:
    """Point the Celery app at another broker, with tasks sent rather than run in-process."""

    def use(url: str, *, eager: bool = False) -> None:
        # As tests/notifications/integration does: Celery reads these settings when it makes
        # its connections, so change the settings (the fixture puts them back) and drop the
        # connections it keeps. Setting celery_app.conf directly would outlive this test and
        # send later tests' tasks here.
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        settings.CELERY_BROKER_URL = url
        reset_celery_connections()

    yield use
    reset_celery_connections()


def test_a_follow_with_the_broker_down_is_saved_and_delivered_by_the_requeue_job(
    client: Client,
    open_consultation: Consultation,
    broker_at: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    broker_at(f"redis://127.0.0.1:{_closed_port()}/0")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            reverse("notifications:follow"),
            {
                "target": f"engagement.consultation:{open_consultation.pk}",
                "email": "amira@example.org",
            },
        )
    assert response.status_code == 200  # the person sees "check your email", not an error
    assert queued, "the delivery was to be queued after commit"
    row = Notification.objects.get(kind="follow.confirm", to="amira@example.org")
    assert row.status == Notification.Status.PENDING
    assert mailoutbox == []

    # Redis is back (tasks run in-process again) and the beat job's turn comes.
    broker_at("memory://", eager=True)
    later = timezone.now() + datetime.timedelta(
        seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS + 1
    )
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = notifications_requeue_stalled()
    assert result.queued == [row.pk]
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert [message.to for message in mailoutbox] == [["amira@example.org"]]
