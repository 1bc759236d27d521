"""Scale-out (issue 7): two web processes and two workers on one PostgreSQL and one Redis, and
nothing lost when one of each dies.

Not a test: it prints what it showed and exits non-zero when something it checks did not hold
(a lost or doubled notification, a failed request to the surviving web process, a session that
did not carry over).

    make scale-out                                 # notifications: 2,000; load: 30 req/s, 2 x 15 s
    python bench/scale_out.py --quick              # under a minute
    python bench/scale_out.py --notifications 5000 --rate 40 --seconds 20

Needs PostgreSQL (DATABASE_URL) and Redis (--redis, default REDIS_URL or
redis://127.0.0.1:6379/0). Steps:

1. Seed a small directory (bench/bench_data.py) and one resident account with a password.
2. Start two gunicorn processes on two ports (bench/hubs_directory.py's launcher: gthread,
   DEBUG off, the Redis cache; --web-workers each) and two Celery workers, ``w1@host`` and
   ``w2@host``, on this run's own queue. Each worker sends email to an SMTP sink of its own in
   this process, so the sinks say which worker delivered which message.
3. Sessions: sign in on web 1 (the allauth form, with its CSRF token), then open /account/ on
   web 2 with the same cookie: sessions are in PostgreSQL, so any web process can serve them.
4. Load: an open loop of searches and hub pages at --rate, round robin across both web
   processes, for 2 x --seconds. At the same time, one notify() call writes --notifications
   outbox rows (as bench/notifications_fanout.py does) and both workers deliver them.
5. Half-way, once both workers have delivered something: SIGKILL web 1 (master and workers) and
   worker 1 (its whole process group), as a host dying would. The load goes on round robin,
   as through a balancer that has not noticed yet: requests to web 1 now fail, and every
   request to web 2 must still succeed. Worker 2 carries on with the queue.
6. A message worker 1 held when it died is not lost: its outbox row stays SENDING until its
   claim runs out, and then requeue_stalled (beat's job, every minute in production) queues it
   again. Here the workers run with a 10 s claim and a 5 s requeue age, and this script sends
   requeue_stalled to the queue every 2 s once the queue has drained, standing in for beat.
   Finally: every row SENT, one message per row at the sinks (the same Message-ID twice would
   be a duplicate), and how many each worker sent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_env import QUEUE  # first: sets REDIS_URL and the queue before Django starts
from engagement_responses import CSRF_FIELD, Resident
from hubs_directory import (
    CONNECTION_FAILED,
    TIMED_OUT,
    Connection,
    bench_hub_paths,
    cold_searches,
    remove_directory,
    saturate,
    seed_directory,
    start_gunicorn,
    timed_get,
)
from load_mixed import start_sink, start_worker, stop

SIGN_IN_EMAIL = "scale-out-resident@scaleout.bench.example.org"
SIGN_IN_PASSWORD = "bench-only-password-7c4e1f"  # noqa: S105  a bench account, removed after
ACCOUNTS_DOMAIN = "scaleout.bench.example.org"
WORKER_ENV = {"NOTIFICATIONS_CLAIM_SECONDS": "10", "NOTIFICATIONS_REQUEUE_AFTER_SECONDS": "5"}
QUICK = {"notifications": 300, "rate": 20, "seconds": 5.0}


# --- set-up --------------------------------------------------------------------------------------


def resident_account() -> None:
    """A resident who can sign in: a password and a verified email address."""
    from allauth.account.models import EmailAddress

    from luton2040.accounts.models import User

    User.objects.filter(email=SIGN_IN_EMAIL).delete()
    user = User.objects.create_user(email=SIGN_IN_EMAIL, password=SIGN_IN_PASSWORD)
    EmailAddress.objects.create(user=user, email=SIGN_IN_EMAIL, verified=True, primary=True)


def bench_accounts(count: int) -> list[Any]:
    """`count` accounts to notify (no password, they cannot sign in)."""
    from luton2040.accounts.models import User

    have = User.objects.filter(email__startswith="person-", email__endswith=ACCOUNTS_DOMAIN)
    User.objects.bulk_create(
        User(email=f"person-{n}@{ACCOUNTS_DOMAIN}", password="!")  # noqa: S106  unusable
        for n in range(have.count(), count)
    )
    return list(have.order_by("pk")[:count])


def queue_notifications(count: int) -> list[int]:
    """One notify() call: `count` outbox rows, delivery queued after commit."""
    from django.db import transaction

    from luton2040.notifications.services import Recipient, notify

    people = bench_accounts(count)
    with transaction.atomic():
        rows = notify(
            kind="account.security",
            event=f"bench.scale-out.{uuid.uuid4().hex}",
            recipients=[Recipient(user=person) for person in people],
            context={"subject": "Scale-out benchmark", "summary": "Scale-out benchmark."},
        )
    return [row.pk for row in rows]


def outbox(ids: list[int]) -> tuple[Counter[str], int]:
    """(statuses of these rows, rows attempted more than once)."""
    from luton2040.notifications.models import Notification

    rows = Notification.objects.filter(pk__in=ids)
    return Counter(rows.values_list("status", flat=True)), rows.filter(attempts__gt=1).count()


def remove(ids: list[int]) -> None:
    from luton2040.accounts.models import User
    from luton2040.notifications.models import Notification

    Notification.objects.filter(pk__in=ids).delete()
    User.objects.filter(email__endswith=f"@{ACCOUNTS_DOMAIN}").delete()


def kill_web(server: Any) -> None:
    """SIGKILL a gunicorn master and its workers (read from /proc before the master goes)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    server.kill()
    for pid in children:
        with contextlib.suppress(ProcessLookupError):  # it may have exited already
            os.kill(int(pid), signal.SIGKILL)
    server.wait()


def workers_answering(names: list[str], timeout: float = 60) -> bool:
    """Wait until every named worker answers a ping over the broker."""
    from luton2040.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=names, timeout=1.0) or []
        if {name for reply in replies for name in reply} >= set(names):
            return True
    return False


# --- sessions across web processes ---------------------------------------------------------------


async def sign_in(port: int) -> tuple[int, dict[str, str]]:
    """Sign in through the allauth form on one web process: (the POST's status, the cookies)."""
    browser = Resident(port)
    try:
        status, _h, body = await browser.request("GET", "/accounts/login/")
        token = CSRF_FIELD.search(body)
        if status != 200 or token is None:
            return status, {}
        form = {
            "login": SIGN_IN_EMAIL,
            "password": SIGN_IN_PASSWORD,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
        status, _h, _b = await browser.request("POST", "/accounts/login/", form)
    finally:
        browser.close()
    return status, dict(browser.cookies)


async def account_page(port: int, cookies: dict[str, str]) -> tuple[int, bool]:
    """/account/ with these cookies: (status, the page names the signed-in account)."""
    browser = Resident(port)
    browser.cookies = dict(cookies)
    try:
        status, _h, body = await browser.request("GET", "/account/")
    finally:
        browser.close()
    return status, SIGN_IN_EMAIL.encode() in body


# --- load across both, with the kill half-way ----------------------------------------------------


@dataclass
class Load:
    # (web 1 or 2, "before" / "in flight" / "after" the kill) -> status counts, latencies
    statuses: dict[tuple[int, str], Counter[int]] = field(default_factory=dict)
    latencies_ms: dict[tuple[int, str], list[float]] = field(default_factory=dict)
    killed_at: float | None = None
    delivered_at_kill: tuple[int, int] = (0, 0)

    def add(self, web: int, when: str, status: int, ms: float) -> None:
        self.statuses.setdefault((web, when), Counter())[status] += 1
        self.latencies_ms.setdefault((web, when), []).append(ms)

    def percentile(self, p: float, key: tuple[int, str]) -> float:
        values = sorted(self.latencies_ms.get(key, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(p / 100 * len(values)))]


async def drive(
    ports: list[int],
    *,
    rate: int,
    seconds: float,
    timeout: float,
    paths: Any,
    kill: Any,
) -> Load:
    """Open loop at `rate` a second, round robin over `ports`, for 2 x `seconds`; `kill()` runs
    once after `seconds`, when both workers have delivered something (or 10 s later)."""
    load = Load()
    idle: dict[int, list[Connection]] = {port: [] for port in ports}
    start = time.perf_counter() + 0.2
    total = int(rate * seconds * 2)

    async def one(n: int) -> None:
        scheduled = start + n / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        web = n % len(ports)
        port = ports[web]
        when = "after" if load.killed_at is not None else "before"
        try:
            conn = idle[port].pop() if idle[port] else await Connection.open(port)
        except OSError:
            status = CONNECTION_FAILED
        else:
            status = await timed_get(conn, next(paths), timeout)
            if conn.closed:
                conn.close()
            else:
                idle[port].append(conn)
        if load.killed_at is not None and when == "before":
            when = "in flight"  # sent before the kill, answered (or not) after it
        load.add(web + 1, when, status, (time.perf_counter() - scheduled) * 1000)

    async def killer() -> None:
        await asyncio.sleep(seconds)
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and not all(kill.delivered()):
            await asyncio.sleep(0.1)
        load.delivered_at_kill = kill.delivered()
        kill()
        load.killed_at = time.perf_counter()

    await asyncio.gather(killer(), *(one(n) for n in range(total)))
    for conns in idle.values():
        for conn in conns:
            conn.close()
    return load


class Killer:
    """Kills web 1 and worker 1; says how many messages each worker has delivered so far."""

    def __init__(self, web: Any, worker: Any, sinks: list[Any]) -> None:
        self.web, self.worker, self.sinks = web, worker, sinks

    def delivered(self) -> tuple[int, int]:
        first, second = (sum(sink.ids.values()) for sink in self.sinks)
        return first, second

    def __call__(self) -> None:
        kill_web(self.web)
        stop(self.worker, sig=signal.SIGKILL)


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 notifications, 2 x 5 s")
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=30, help="requests a second, both webs")
    parser.add_argument("--seconds", type=float, default=15.0, help="before, and after, the kill")
    parser.add_argument("--web-workers", type=int, default=1, help="gunicorn workers per web")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--redis", default=os.environ["REDIS_URL"], help="cache and broker")
    parser.add_argument("--wait", type=float, default=300, help="seconds to wait for delivery")
    args = parser.parse_args()
    if args.quick:
        for name, value in QUICK.items():
            if parser.get_default(name) == getattr(args, name):
                setattr(args, name, value)

    from luton2040.notifications.tasks import requeue_stalled

    seed_directory(services=500, locations=25)
    resident_account()
    # Two searches to one hub page, the same mix for each web process (requests alternate
    # between them, so the pattern's period must not be 2).
    searches, hubs = itertools.cycle(cold_searches()), itertools.cycle(bench_hub_paths())
    paths = (next(hubs) if n % 3 == 2 else next(searches) for n in itertools.count())
    host = socket.gethostname()
    names = [f"w1@{host}", f"w2@{host}"]
    sinks = [start_sink(), start_sink()]
    ids: list[int] = []
    problems: list[str] = []
    with tempfile.TemporaryFile() as log:
        workers = [
            start_worker(name=name, email_url=url, log=log, env=WORKER_ENV)
            for name, (_c, _s, url) in zip(names, sinks, strict=True)
        ]
        webs = [
            start_gunicorn(
                workers=args.web_workers, threads=args.threads, log=log, redis=args.redis
            )
            for _ in range(2)
        ]
        ports = [port for _server, port in webs]
        try:
            if not workers_answering(names):
                raise RuntimeError("the two Celery workers did not answer a ping within 60 s")
            for port in ports:  # each thread's first pages (templates, connections) unmeasured
                asyncio.run(saturate(port, paths, connections=4, seconds=1.0, timeout=args.timeout))
            signed_in, cookies = asyncio.run(sign_in(ports[0]))
            account, named = asyncio.run(account_page(ports[1], cookies))
            ids = queue_notifications(args.notifications)
            queued_at = time.perf_counter()
            killer = Killer(webs[0][0], workers[0], [sink for _c, sink, _u in sinks])
            load = asyncio.run(
                drive(
                    ports,
                    rate=args.rate,
                    seconds=args.seconds,
                    timeout=args.timeout,
                    paths=paths,
                    kill=killer,
                )
            )
            # Worker 2 drains the queue; then, standing in for beat, requeue what was stranded.
            deadline = time.monotonic() + args.wait
            last, still = -1, time.monotonic()
            requeues = 0
            while time.monotonic() < deadline:
                statuses, _again = outbox(ids)
                if statuses["sent"] == len(ids):
                    break
                now_delivered = sum(killer.delivered())
                if now_delivered != last:
                    last, still = now_delivered, time.monotonic()
                elif time.monotonic() - still > 2:
                    requeue_stalled.delay()
                    requeues += 1
                    still = time.monotonic()
                time.sleep(0.5)
            elapsed = time.perf_counter() - queued_at
            # Also after the kill: the session made on web 1 still works on web 2.
            account_after, named_after = asyncio.run(account_page(ports[1], cookies))
        finally:
            for server, _port in webs:
                stop(server)
            for worker in workers:
                stop(worker)
            for controller, _sink, _url in sinks:
                controller.stop()
            log.seek(0)
            server_log = log.read().decode(errors="replace").strip()

    statuses, attempted_again = outbox(ids)
    per_worker = [sum(sink.ids.values()) for _c, sink, _u in sinks]
    every_id = Counter[str]()
    for _c, sink, _u in sinks:
        every_id.update(sink.ids)
    duplicates = sum(n - 1 for n in every_id.values() if n > 1)
    remove(ids)
    remove_directory()

    def web(n: int, when: str) -> str:
        counts = load.statuses.get((n, when), Counter())
        good = sum(k for status, k in counts.items() if 200 <= status < 400)
        bad = {
            {TIMED_OUT: "timeout", CONNECTION_FAILED: "no connection"}.get(s, str(s)): k
            for s, k in counts.items()
            if not 200 <= s < 400
        }
        if not counts.total():
            return "none"
        key = (n, when)
        return (
            f"{good} of {counts.total()} succeeded"
            + (f" (failed: {bad})" if bad else "")
            + f"; p50 {load.percentile(50, key):.0f} ms, p99 {load.percentile(99, key):.0f} ms"
        )

    print(
        f"scale-out: two gunicorn processes ({args.web_workers} worker x {args.threads} threads "
        f"each, ports {ports[0]} and {ports[1]}), two Celery workers ({', '.join(names)}, one "
        f"process each), one PostgreSQL, one Redis ({args.redis}, queue {QUEUE})"
    )
    print(f"machine load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n| check | result |\n|---|---|")
    print(
        f"| signed in on web 1, /account/ on web 2 | sign-in {signed_in}, /account/ {account}, "
        f"names the account: {'yes' if named else 'no'} |"
    )
    print(f"| load before the kill, web 1 | {web(1, 'before')} |")
    print(f"| load before the kill, web 2 | {web(2, 'before')} |")
    print(
        f"| killed web 1 and worker 1 (SIGKILL) when the workers had sent "
        f"{load.delivered_at_kill[0]} and {load.delivered_at_kill[1]} of {len(ids)} | done |"
    )
    print(f"| in flight at the kill, web 1 | {web(1, 'in flight')} |")
    print(f"| in flight at the kill, web 2 | {web(2, 'in flight')} |")
    print(f"| load after the kill, web 1 (dead) | {web(1, 'after')} |")
    print(f"| load after the kill, web 2 | {web(2, 'after')} |")
    print(
        f"| same session on web 2 after the kill | /account/ {account_after}, names the "
        f"account: {'yes' if named_after else 'no'} |"
    )
    print(
        f"| notifications: outbox rows | {len(ids)} written by one notify(); "
        f"{dict(statuses)}; {attempted_again} attempted more than once |"
    )
    print(
        f"| notifications: at the sinks | {sum(per_worker)} messages, {len(every_id)} distinct "
        f"Message-IDs, {duplicates} duplicates; worker 1 sent {per_worker[0]}, worker 2 sent "
        f"{per_worker[1]} |"
    )
    print(
        f"| time from notify() to the last row SENT | {elapsed:.1f} s (requeue_stalled sent "
        f"{requeues} times) |"
    )

    after_two = load.statuses.get((2, "after"), Counter()) + load.statuses.get(
        (2, "in flight"), Counter()
    )
    before = load.statuses.get((1, "before"), Counter()) + load.statuses.get(
        (2, "before"), Counter()
    )
    if not (signed_in == 302 and account == 200 and named):
        problems.append("the session made on web 1 did not work on web 2")
    if not (account_after == 200 and named_after):
        problems.append("the session did not work on web 2 after the kill")
    if any(not 200 <= s < 400 for s in before) or any(not 200 <= s < 400 for s in after_two):
        problems.append("a request failed that should not have (before the kill, or to web 2)")
    if not after_two.total():
        problems.append("no requests reached web 2 after the kill")
    if statuses["sent"] != len(ids):
        problems.append(f"only {statuses['sent']} of {len(ids)} notifications were sent")
    if len(every_id) != len(ids):
        problems.append(f"{len(every_id)} distinct messages for {len(ids)} rows")
    # Worker 1 held one message at most (one process, prefetch 1): if it died after the SMTP
    # server took it and before the row was marked SENT, that row is sent again with the same
    # Message-ID (luton2040/notifications/tasks.py). More than one would be a real duplicate.
    if duplicates > 1:
        problems.append(f"{duplicates} messages arrived twice")
    if not all(per_worker):
        problems.append("one worker delivered nothing: the kill came too early or too late")
    if problems:
        print("\nserver and worker log:\n" + server_log[-3000:])
        sys.exit("; ".join(problems))
    if duplicates:
        print(
            "\none message arrived twice, with the same Message-ID: worker 1 died after sending "
            "it and before marking its row SENT, so it was sent again (at-least-once, by design)"
        )
    print(
        "\nboth web processes and both workers shared the work; after one of each died, the "
        "others carried on: nothing lost, nothing sent twice."
    )


if __name__ == "__main__":
    main()
