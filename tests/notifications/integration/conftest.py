"""Real Redis, a real Celery worker process and a real SMTP server for the delivery pipeline.

These run only with REDIS_URL set (`REDIS_URL=redis://127.0.0.1:6379/0 make test`); elsewhere
they are skipped, except under REQUIRE_INTEGRATION=1 (CI), where a skip would hide that the
proof never ran, so it is a failure instead.
"""

from __future__ import annotations

import asyncio
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from aiosmtpd.controller import Controller

from tests.celery_connections import reset_celery_connections

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL", "")
HOW_TO_RUN = (
    "needs Redis and starts a real Celery worker: run `REDIS_URL=redis://127.0.0.1:6379/0 "
    "make test` (or set REDIS_URL for pytest)"
)


@pytest.fixture(autouse=True)
def _redis_or_skip() -> None:
    if REDIS_URL:
        return
    if os.environ.get("REQUIRE_INTEGRATION") == "1":
        # CI must run these: a silent skip would pass without the proof.
        pytest.fail(f"REQUIRE_INTEGRATION=1 but REDIS_URL is not set; this test {HOW_TO_RUN}")
    pytest.skip(HOW_TO_RUN)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds saying what never came."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


# --- The SMTP sink ---------------------------------------------------------------------------


@dataclass
class SinkHandler:
    """Accepts mail and counts Message-IDs; can refuse some of it, as real servers do."""

    refuse_first: int = 0  # answer 451 to DATA for this many messages, then accept
    delay: float = 0.0  # seconds to spend on each message (widens the in-flight window)
    reject: set[str] = field(default_factory=set)  # 550 at RCPT: no such mailbox
    defer: set[str] = field(default_factory=set)  # 451 at RCPT, always
    message_ids: list[str] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.reject:
            return "550 5.1.1 No such mailbox here"
        if address in self.defer:
            return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 4.3.0 Temporarily unable to accept mail"
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(str(parsed["Message-ID"]).strip())
        return "250 Message accepted"

    def count(self) -> Counter[str]:
        with self.lock:
            return Counter(self.message_ids)

    def accepted(self) -> int:
        with self.lock:
            return len(self.message_ids)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[SinkHandler, int]]:
    handler = SinkHandler()
    port = _free_port()
    # aiosmtpd logs every SMTP command at INFO: thousands of lines for one test.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


# --- Redis and the worker --------------------------------------------------------------------


def _broker_url() -> str:
    # A Redis database the cache does not use (the cache uses REDIS_URL's own), so the test
    # broker's keys never mix with the portal's.
    parts = urlsplit(REDIS_URL)
    cache_db = parts.path.strip("/") or "0"
    return urlunsplit(parts._replace(path="/15" if cache_db == "14" else "/14"))


@pytest.fixture
def broker(settings) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(broker URL, a queue name unique to this test): a stray worker cannot take our tasks.
    This process publishes there for real (not eagerly)."""
    url, queue = _broker_url(), f"luton2040-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    reset_celery_connections()
    client = redis.Redis.from_url(url)
    _purge(client, queue)
    yield url, queue
    _purge(client, queue)
    client.close()
    reset_celery_connections()


def _purge(client: redis.Redis, queue: str) -> None:
    for key in client.scan_iter(match=f"*{queue}*"):  # the queue and its kombu bindings
        client.delete(key)
    # Messages a killed worker held unacknowledged wait in the transport's "unacked" hash.
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    log_file: IO[bytes]

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a host dying would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log_file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()


WORKER_SETTINGS = {
    # Short enough that a test sees a dead worker's claim run out and retries come back.
    "NOTIFICATIONS_CLAIM_SECONDS": "4",
    "NOTIFICATIONS_REQUEUE_AFTER_SECONDS": "2",
    "NOTIFICATIONS_RETRY_BACKOFF_SECONDS": "1",
    "NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS": "2",
    "NOTIFICATIONS_MAX_ATTEMPTS": "4",
}


@pytest.fixture
def start_worker(
    transactional_db: None,
    broker: tuple[str, str],
    smtp_sink: tuple[SinkHandler, int],
    settings: Any,
    tmp_path: Path,
) -> Iterator[Callable[[], Worker]]:
    """Start real `celery worker` processes on the test database, broker queue and sink."""
    url, queue = broker
    _handler, port = smtp_sink
    for name, value in WORKER_SETTINGS.items():
        setattr(settings, name, int(value))  # the requeue job runs in this process
    db = settings.DATABASES["default"]  # pytest-django has pointed this at test_<name>
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    database_url = f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        **WORKER_SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": url,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": settings.SITE_URL,
        "DJANGO_DEBUG": "0",
    }
    workers: list[Worker] = []

    def start() -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        log_file = log.open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own venv's celery, fixed arguments)
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "luton2040",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "-Q",
                queue,
                "-n",
                f"{queue}-{len(workers)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() takes the pool too
        )
        worker = Worker(process=process, log=log, log_file=log_file)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
