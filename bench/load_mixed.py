"""Mixed resident load (issue 7): the highest rate held with p99 under 300 ms and no errors.

Not a test: it prints a markdown table for docs/performance.md and exits non-zero only when a
sent response or a receipt was lost, or the run crashed (a missed target is a figure to read).

    make load                                      # the full run: 10,000 services, 30 s steps
    python bench/load_mixed.py --quick             # under a minute: tiny data, 3 s steps
    python bench/load_mixed.py --rates 20,40,60 --step-seconds 20 --keep

Needs PostgreSQL (DATABASE_URL) and Redis (--redis, default REDIS_URL or
redis://127.0.0.1:6379/0). Steps:

1. Seed (or reuse, with --keep) the directory benchmark's rows (bench/bench_data.py) and one
   open consultation taking anonymous responses (bench/engagement_responses.py).
2. Start gunicorn as production runs it (bench/hubs_directory.py: gthread, DEBUG off, Redis
   cache) and one real Celery worker on a queue of its own, sending email to an SMTP sink in
   this process: each response journey asks for an emailed receipt, so every accepted
   response also makes an outbox row that the worker delivers.
3. Drive an open loop at each rate in --rates for --step-seconds: a fixed mix of requests,
   60% searches (words x type of help x when x ward x postcode, none repeated in a run),
   25% hub pages, 10% service pages and 5% consultation response journeys. A journey is the
   7 requests a person makes (start, "Start now", the section, its POST, check your answers,
   "Send" with a receipt, the confirmation page), and all 7 count in the mix. Every request,
   and every journey's first request, has a scheduled send time; latency is counted from it,
   so a server falling behind is charged for the wait (no coordinated omission). Later
   requests in a journey are sent when the one before answers, as a browser does.
   An error is any answer outside 2xx/3xx, a timeout (--timeout) or a dropped connection,
   and a journey that did not reach its confirmation page. Stepping stops after the first
   rate that misses (p99 at or over 300 ms, or any error) unless --all-rates.
4. Check nothing was lost: every journey that got its confirmation page is a sent response
   in the database with its answers, and its receipt was delivered (the outbox row SENT, one
   message at the sink).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench_env import QUEUE  # first: sets REDIS_URL and the queue before Django starts
from engagement_responses import (
    Resident,
    Results,
    respond,
)
from engagement_responses import remove as remove_consultation
from engagement_responses import seed as seed_consultation
from engagement_responses import stored as stored_responses
from hubs_directory import (
    CONNECTION_FAILED,
    ROOT,
    TIMED_OUT,
    Connection,
    bench_hub_paths,
    cold_searches,
    counts,
    remove_directory,
    seed_directory,
    start_gunicorn,
    timed_get,
)

P99_TARGET_MS = 300.0
JOURNEY_REQUESTS = 7
# Shares of requests: a journey's 7 requests together make up the last share.
MIX = {"search": 0.60, "hub page": 0.25, "service page": 0.10, "response journey": 0.05}
RECEIPT_DOMAIN = "load.bench.example.org"
QUICK = {"services": 500, "locations": 25, "rates": "10,20,40", "step_seconds": 3.0}


# --- the background side: a real worker and an SMTP sink ----------------------------------------


class CountingSink:
    """Accepts every message and counts Message-IDs (as bench/notifications_fanout.py does)."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        self.ids[str(message_from_bytes(envelope.content)["Message-ID"])] += 1
        return "250 Message accepted"


def start_sink() -> tuple[Any, CountingSink, str]:
    """An SMTP server on a free local port; returns (controller, sink, EMAIL_URL)."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink, f"smtp://127.0.0.1:{port}"


def start_worker(
    *,
    name: str,
    email_url: str,
    log: IO[bytes],
    concurrency: int = 1,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """A Celery worker process on this run's queue, in a session of its own, so that it and its
    pool can be stopped (or killed) together by its process group id."""
    return subprocess.Popen(  # noqa: S603  our own venv's celery, fixed arguments
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "luton2040",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-Q",
            QUEUE,
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "EMAIL_URL": email_url,
            "DJANGO_LOG_LEVEL": "WARNING",
            **(env or {}),
        },
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM, wait: float = 30) -> None:
    """Stop a process we started (and, for a worker in its own session, its pool)."""
    if process.poll() is not None:
        return
    try:
        if sig == signal.SIGKILL:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def receipts(marker: str) -> tuple[int, int, Counter[str]]:
    """(receipt rows for this run, of them SENT, statuses) in the outbox."""
    from luton2040.notifications.models import Notification

    rows = Notification.objects.filter(to__endswith=f"+{marker}@{RECEIPT_DOMAIN}")
    statuses = Counter(rows.values_list("status", flat=True))
    return statuses.total(), statuses[Notification.Status.SENT], statuses


def remove_receipts() -> None:
    from luton2040.notifications.models import Notification

    Notification.objects.filter(to__endswith=f"@{RECEIPT_DOMAIN}").delete()


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Step:
    rate: int
    seconds: float
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    journeys: int = 0
    accepted: int = 0
    wall: float = 0.0

    def add(self, kind: str, ms: float) -> None:
        self.latencies_ms.setdefault(kind, []).append(ms)

    def every(self) -> list[float]:
        return [ms for values in self.latencies_ms.values() for ms in values]

    @property
    def requests(self) -> int:
        return len(self.every())

    def percentile(self, p: float, kind: str | None = None) -> float:
        values = sorted(self.latencies_ms.get(kind, []) if kind else self.every())
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(p / 100 * len(values)))]

    @property
    def held(self) -> bool:
        return self.percentile(99) < P99_TARGET_MS and not self.errors.total()


class JourneyResults(Results):
    """One journey's timings: its first request counts from the journey's scheduled start."""

    def __init__(self, scheduled: float) -> None:
        super().__init__()
        self.scheduled = scheduled

    def add(self, step: str, ms: float, status: int) -> None:
        if step == "start page":
            ms = (time.perf_counter() - self.scheduled) * 1000
        super().add(step, ms, status)


def arrivals(rate: int, seconds: float, seed: int) -> list[str]:
    """The kinds of the step's arrivals, in a fixed shuffled order: `rate * seconds` requests,
    a journey standing for its 7 (at least one journey a step, so short steps have one)."""
    total = int(rate * seconds)
    journeys = max(1, round(total * MIX["response journey"] / JOURNEY_REQUESTS))
    singles = max(0, total - journeys * JOURNEY_REQUESTS)
    share = 1 - MIX["response journey"]
    searches = round(singles * MIX["search"] / share)
    hubs = round(singles * MIX["hub page"] / share)
    kinds = (
        ["search"] * searches
        + ["hub page"] * hubs
        + ["service page"] * (singles - searches - hubs)
        + ["response journey"] * journeys
    )
    random.Random(seed).shuffle(kinds)  # noqa: S311  a benchmark's order, not a secret
    return kinds


@dataclass
class Paths:
    searches: Iterator[str]
    hubs: Iterator[str]
    services: Iterator[str]

    def next(self, kind: str) -> str:
        source = {"search": self.searches, "hub page": self.hubs, "service page": self.services}
        return next(source[kind])


def bench_service_paths() -> list[str]:
    from bench_data import PREFIX

    from hubs.models import Service

    # Listed ones only: the generator withdraws a few, and their pages answer 410 Gone.
    slugs = list(
        Service.objects.listed()
        .filter(slug__startswith=f"{PREFIX}-service-")
        .order_by("?")
        .values_list("slug", flat=True)[:2000]
    )
    return [f"/find-support/services/{slug}/" for slug in slugs]


async def run_step(
    port: int,
    paths: Paths,
    form: dict[str, str | list[str]],
    *,
    rate: int,
    seconds: float,
    timeout: float,
    marker: str,
    counter: Iterator[int],
) -> Step:
    """One rate: the mix's arrivals spread evenly over the step, each sent at its time."""
    step = Step(rate=rate, seconds=seconds)
    kinds = arrivals(rate, seconds, seed=rate)
    idle: list[Connection] = []
    start = time.perf_counter() + 0.2
    gap = seconds / len(kinds)

    async def get(kind: str, scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        path = paths.next(kind)
        # A request never waits for a busy connection: it opens another, as browsers do.
        try:
            conn = idle.pop() if idle else await Connection.open(port)
        except OSError:
            status = CONNECTION_FAILED
        else:
            status = await timed_get(conn, path, timeout)
            if conn.closed:
                conn.close()
            else:
                idle.append(conn)
        step.add(kind, (time.perf_counter() - scheduled) * 1000)
        if not 200 <= status < 400:
            name = {TIMED_OUT: "timeout", CONNECTION_FAILED: "connection"}.get(status, status)
            step.errors[f"{kind} {name}"] += 1

    async def journey(scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        results = JourneyResults(scheduled)
        resident = Resident(port)
        email = f"resident-{next(counter)}+{marker}@{RECEIPT_DOMAIN}"
        try:
            await asyncio.wait_for(
                respond(resident, form, results, check_form={"receipt": "on", "email": email}),
                timeout * JOURNEY_REQUESTS,
            )
        except TimeoutError:
            results.failed += 1
        finally:
            resident.close()
        step.journeys += 1
        step.accepted += results.accepted
        for values in results.latencies_ms.values():
            for ms in values:
                step.add("response journey", ms)
        # A journey that stopped early (a timeout, an error page) counts once, whatever failed.
        if results.failed:
            bad = sorted(s for s in results.statuses if not 200 <= s < 400)
            step.errors[f"response journey {bad[0] if bad else 'stopped'}"] += 1

    wall = time.perf_counter()
    await asyncio.gather(
        *(
            journey(start + n * gap) if kind == "response journey" else get(kind, start + n * gap)
            for n, kind in enumerate(kinds)
        )
    )
    step.wall = time.perf_counter() - wall
    for conn in idle:
        conn.close()
    return step


# --- main ----------------------------------------------------------------------------------------


def table(steps: list[Step]) -> list[str]:
    lines = [
        "| offered req/s | sent | req/s | p50 ms | p95 ms | p99 ms | max ms | search p99 "
        "| hub p99 | service p99 | journey p99 | journeys sent | errors | held |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for s in steps:
        errors = ", ".join(f"{k} x{n}" for k, n in s.errors.items()) or "0"
        lines.append(
            f"| {s.rate} | {s.requests} | {s.requests / s.wall:.1f} | {s.percentile(50):.0f} "
            f"| {s.percentile(95):.0f} | {s.percentile(99):.0f} | {max(s.every()):.0f} "
            f"| {s.percentile(99, 'search'):.0f} | {s.percentile(99, 'hub page'):.0f} "
            f"| {s.percentile(99, 'service page'):.0f} "
            f"| {s.percentile(99, 'response journey'):.0f} "
            f"| {s.accepted}/{s.journeys} | {errors} | {'yes' if s.held else 'no'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny data, 3 s steps, 3 rates")
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--locations", type=int, default=500)
    parser.add_argument("--rates", default="10,20,30,40,60,80", help="requests a second")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--all-rates", action="store_true", help="go on after a missed rate")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--redis", default=os.environ["REDIS_URL"], help="cache and broker")
    parser.add_argument("--keep", action="store_true", help="keep the bench rows afterwards")
    args = parser.parse_args()
    if args.quick:
        for name, value in QUICK.items():
            if parser.get_default(name) == getattr(args, name):
                setattr(args, name, value)
    rates = [int(r) for r in str(args.rates).split(",")]

    from django.db import connection

    seeded = seed_directory(services=args.services, locations=args.locations)
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE hubs_service, hubs_location, hubs_serviceatlocation, hubs_attribute, "
            "hubs_language, hubs_servicearea, hubs_schedule, hubs_scheduleexception"
        )
    consultation = seed_consultation()
    print(
        f"mixed load: directory bench data ({seeded.services_created} services written now, "
        f"{seeded.seconds:.1f} s): " + ", ".join(f"{k}: {n}" for k, n in counts().items())
    )
    hubs, services = bench_hub_paths(), bench_service_paths()
    paths = Paths(
        searches=itertools.cycle(cold_searches()),
        hubs=itertools.cycle(hubs),
        services=itertools.cycle(services),
    )
    marker = uuid.uuid4().hex[:8]  # this run's receipt addresses
    counter = itertools.count()
    steps: list[Step] = []
    warm_up_accepted = 0
    controller, sink, email_url = start_sink()
    with tempfile.TemporaryFile() as log:
        worker = start_worker(
            name=f"load@{socket.gethostname()}",
            email_url=email_url,
            log=log,
            concurrency=args.celery_concurrency,
        )
        server, port = start_gunicorn(
            workers=args.workers, threads=args.threads, log=log, redis=args.redis
        )
        try:
            # Warm-up: each gunicorn thread's first pages (templates, connections) unmeasured.
            warm = asyncio.run(
                run_step(
                    port,
                    paths,
                    consultation.form,
                    rate=5,
                    seconds=2,
                    timeout=args.timeout,
                    marker=marker,
                    counter=counter,
                )
            )
            warm_up_accepted = warm.accepted
            for rate in rates:
                time.sleep(1)
                step = asyncio.run(
                    run_step(
                        port,
                        paths,
                        consultation.form,
                        rate=rate,
                        seconds=args.step_seconds,
                        timeout=args.timeout,
                        marker=marker,
                        counter=counter,
                    )
                )
                steps.append(step)
                print(
                    f"  {rate} req/s: p99 {step.percentile(99):.0f} ms, "
                    f"{step.errors.total()} errors"
                )
                if not step.held and not args.all_rates:
                    break
            accepted = warm_up_accepted + sum(s.accepted for s in steps)
            # The receipts: every accepted journey's outbox row, delivered by the worker.
            deadline = time.monotonic() + 60 + accepted / 10
            while time.monotonic() < deadline:
                written, sent, statuses = receipts(marker)
                if sent >= accepted:
                    break
                time.sleep(0.5)
        finally:
            stop(server)
            stop(worker)
            controller.stop()
            log.seek(0)
            server_log = log.read().decode(errors="replace").strip()

    rows, answers, _drafts = stored_responses(consultation.consultation_id)
    written, sent, statuses = receipts(marker)
    at_sink = sum(sink.ids.values())
    if not args.keep:
        remove_consultation()
        remove_directory()
    remove_receipts()

    held = [s.rate for s in steps if s.held]
    print(
        f"\ngunicorn {args.workers} workers x {args.threads} threads (gthread), Redis cache, "
        f"one Celery worker ({args.celery_concurrency} process); {args.step_seconds:.0f} s a "
        f"rate; mix: {', '.join(f'{k} {v:.0%}' for k, v in MIX.items())} (a journey's 7 "
        "requests count in its share); latency from each scheduled send time"
    )
    print(f"machine load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n" + "\n".join(table(steps)))
    print(
        f"\nhighest rate held (p99 under {P99_TARGET_MS:.0f} ms, no errors): "
        + (f"{max(held)} requests a second" if held else "none of the rates tried")
    )
    print(
        f"nothing lost: {accepted} responses reached their confirmation page (with "
        f"{warm_up_accepted} in the warm-up); {rows} sent responses in the database, {answers} "
        f"answers ({consultation.questions} each: {answers == rows * consultation.questions}); "
        f"receipts: {written} outbox rows, {sent} sent ({dict(statuses)}), {at_sink} messages "
        f"at the sink, {len(sink.ids)} distinct"
    )
    lost = (
        rows != accepted
        or answers != rows * consultation.questions
        or written != accepted
        or sent != accepted
        or len(sink.ids) != accepted
    )
    if lost:
        print("\nserver and worker log:\n" + server_log[-3000:])
        sys.exit("lost: a sent response or its receipt is missing (see above)")


if __name__ == "__main__":
    main()
