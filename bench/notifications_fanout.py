"""Notification fan-out: how long one Celery worker takes to deliver N emails to a local sink.

Part of `make bench` (needs REDIS_URL; without it, it says so and stops). It writes N outbox rows
with one notify() call (account-security messages to N bench accounts), starts one real Celery
worker against REDIS_URL, points email at an SMTP sink on 127.0.0.1 and times from the commit
until every row is SENT, counting what arrives at the sink. Not a test: it prints figures.

    python bench/notifications_fanout.py --count 10000 --concurrency 1
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-never-deployed-0123456789abcdefghij")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")

if not os.environ.get("REDIS_URL"):
    print("notification fan-out: skipped (set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0)")
    sys.exit(0)

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.db import transaction  # noqa: E402

from luton2040.accounts.models import User  # noqa: E402
from luton2040.notifications.models import Notification  # noqa: E402
from luton2040.notifications.services import Recipient, notify  # noqa: E402

BENCH_DOMAIN = "fanout.bench.example.org"


class CountingSink:
    """Accepts every message and counts Message-IDs."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = str(message_from_bytes(envelope.content)["Message-ID"])
        with self.lock:
            self.ids[message_id] += 1
        return "250 Message accepted"


def bench_accounts(count: int) -> list[User]:
    """`count` accounts that exist only for this benchmark (no password, cannot sign in)."""
    existing = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count()
    User.objects.bulk_create(
        User(email=f"person-{n}@{BENCH_DOMAIN}", password="!")  # noqa: S106  unusable password
        for n in range(existing, count)
    )
    return list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("pk")[:count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes")
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait at most")
    args = parser.parse_args()

    sink = CountingSink()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it is up by connecting
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    people = bench_accounts(args.count)
    event = f"bench.fanout.{uuid.uuid4().hex}"

    worker = subprocess.Popen(  # noqa: S603  our own venv's celery, fixed arguments
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "luton2040",
            "worker",
            "--pool=prefork",
            f"--concurrency={args.concurrency}",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from django.conf import settings

        settings.CELERY_TASK_DEFAULT_QUEUE = queue
        start = time.perf_counter()
        with transaction.atomic():
            rows = notify(
                kind="account.security",
                event=event,
                recipients=[Recipient(user=person) for person in people],
                context={"subject": "Benchmark message", "summary": "Fan-out benchmark."},
            )
        written = time.perf_counter() - start
        ids = [row.pk for row in rows]
        deadline = time.monotonic() + args.timeout
        sent = 0
        while time.monotonic() < deadline:
            sent = Notification.objects.filter(pk__in=ids, status=Notification.Status.SENT).count()
            if sent == len(ids):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()

    arrived = sum(sink.ids.values())
    duplicates = arrived - len(sink.ids)
    print(f"notification fan-out, one worker with {args.concurrency} process(es):")
    print(f"  one notify() call wrote and queued {len(ids)} rows in {written:.2f} s")
    print(
        f"  sent: {sent} of {len(ids)} in {elapsed:.1f} s ({sent / elapsed:.0f} messages a second)"
    )
    print(f"  at the sink: {arrived} messages, {len(sink.ids)} distinct, {duplicates} duplicates")
    if sent != len(ids):
        sys.exit(f"only {sent} of {len(ids)} were sent within {args.timeout} s")


if __name__ == "__main__":
    main()
