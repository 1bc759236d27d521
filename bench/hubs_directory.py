"""Directory benchmark: find-support search and a hub page over real HTTP, against a bare view.

Part of `make bench`. Not a test: it prints a table and exits non-zero only when a response is
not 200 (a missed target is a figure to read, not a failure). Steps:

1. Seed 10,000 services at 500 locations (bench/bench_data.py: bulk_create; schedules, tags,
   languages, service areas), labelled "(bench data)" with slugs starting "bench-directory-", in
   the DATABASE_URL make gives it, then ANALYZE. They are deleted at the end (--keep keeps them
   for a faster re-run). Anything else in that database (seed_demo's rows) stays and is counted.
2. Start gunicorn the way production does (gthread workers, DEBUG off, throwaway secret key,
   ALLOWED_HOSTS=127.0.0.1) on a free port, serving bench/bare_wsgi.py: the portal plus one bare
   view (bench/bare_urls.py) that passes through the same middleware and does nothing else.
3. For each page, with an asyncio HTTP/1.1 keep-alive client in this process:
   - throughput at saturation: N connections each sending the next request as soon as the last
     answered, for a fixed time (closed loop);
   - latency at a steady 50 requests a second (open loop): every request has a scheduled send
     time and its latency is measured from that time, so a slow response that delays the ones
     behind it is counted against them too (no coordinated omission).
   The client shares the machine's cores with gunicorn and PostgreSQL; its CPU use is printed
   so a client-bound figure (most likely the bare view's) is visible.
   The search and the hub page cache what is the same for everyone (hubs/filters.py,
   DIRECTORY_CACHE_SECONDS), and the client sends no cookies, as a visitor who is not signed
   in, so it is served the stored copy of the whole page (luton2040/page_cache.py) for the
   rest of the minute. So each is measured twice:
   - warm: the same URL again and again (the stored page answers almost every request);
   - cold: before each phase the bench saves one bench place (as an editor's save would),
     which changes the directory version and so empties every cached answer; then each request
     is one not made before in that phase: searches rotate through words x type of help x
     when/good to know x ward x postcode (thousands of combinations, none repeated), hub pages
     through half the bench hubs (each once, then the caches are emptied and the other half).
     Result cards are cached per service, minute and postcode area, so two different searches
     can still share some cards: "cold" means the counts, the order and most cards are worked
     out afresh, not that nothing is cached.
   With --redis URL (or REDIS_URL set) gunicorn's workers share a Redis cache, as production
   does; otherwise each worker has its own in-memory cache.
4. Print the query breakdown of one search request; with --explain, or when the search misses
   its p99 target, EXPLAIN ANALYZE of its slowest query.

    python bench/hubs_directory.py                    # what make bench runs
    python bench/hubs_directory.py --services 500 --locations 25 --seconds 3 --keep
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")
# As production runs: DEBUG off (cached templates, no query log), plain HTTP on 127.0.0.1.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-key-never-deployed-0123456789abcdefghijklmnop"
)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"

import django  # noqa: E402

django.setup()

from bench_data import (  # noqa: E402  bench/ is sys.path[0] when run as a script
    BARE_PATH,
    a_bench_hub_slug,
    counts,
    remove_directory,
    seed_directory,
)
from django.conf import settings  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hubs.filters import DIRECTORY_VERSION_SECONDS  # noqa: E402

HOST = "127.0.0.1"
TIMED_OUT = 0  # the status recorded for a request that got no answer within --timeout
CONNECTION_FAILED = -1
STATUS_NAMES = {TIMED_OUT: "timeout", CONNECTION_FAILED: "conn-err"}
# The search a resident near Luton station makes: words, a category, open today, free, postcode.
SEARCH_PATH = "/find-support/?q=food&category=food&when=today&access=free&postcode=LU2+0DD"
# Cold searches: a different one each request (none repeats in a phase). Postcodes resolve to
# a district's centre in the bench's settings, so there are five points (none and LU1 to LU4).
COLD_WORDS = ["", "food", "advice", "debt", "warm", "housing", "youth", "money", "club", "help"]
COLD_CATEGORIES = ["", "food", "money-advice", "families", "learning", "warm-spaces", "community"]
COLD_WHEN = ["", "when=today", "access=free", "when=weekends", "when=today&access=free"]
COLD_WARDS = ["", "biscot", "challney", "crawley", "barnfield", "beech-hill"]
COLD_POSTCODES = ["", "LU1+2BQ", "LU2+0DD", "LU3+3AA", "LU4+8AA"]
SEARCH_P99_TARGET_MS = 100.0
THROUGHPUT_TARGET = 0.40  # search throughput as a share of the bare view's


# --- a small HTTP/1.1 client ---------------------------------------------------------------------


class Connection:
    """One keep-alive connection. Lighter than a general client, so on a 2-core machine the
    load generator takes as little CPU from the server as it can."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int):
        self.reader, self.writer, self.port = reader, writer, port
        self.closed = False

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer, port)

    async def get(self, path: str) -> int:
        """Send one GET and read the whole response; returns the status code."""
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            "Accept-Encoding: identity\r\n\r\n".encode("ascii")
        )
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _sep, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                self.closed = True
        if chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        else:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


@dataclass
class Run:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    client_cpu: float = 0.0  # share of one core the client used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def timed_get(conn: Connection, path: str, timeout: float) -> int:
    """The status, or TIMED_OUT (the connection is then closed: its answer may still come)."""
    try:
        return await asyncio.wait_for(conn.get(path), timeout)
    except TimeoutError:
        conn.closed = True
        return TIMED_OUT
    except (OSError, asyncio.IncompleteReadError):
        conn.closed = True
        return CONNECTION_FAILED


Paths = str | Iterator[str]


def _next_path(paths: Paths) -> str | None:
    """The next URL: always the same one (warm), or the next of a finite series (cold; None
    when it runs out)."""
    return paths if isinstance(paths, str) else next(paths, None)


async def saturate(
    port: int, paths: Paths, *, connections: int, seconds: float, timeout: float
) -> Run:
    """Closed loop: `connections` clients, each sending again as soon as it has an answer,
    until the time is up (or a cold series runs out)."""
    run = Run()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        conn = await Connection.open(port)
        while time.perf_counter() < deadline and (path := _next_path(paths)) is not None:
            sent = time.perf_counter()
            status = await timed_get(conn, path, timeout)
            run.latencies_ms.append((time.perf_counter() - sent) * 1000)
            run.statuses[status] += 1
            if conn.closed:
                conn.close()
                conn = await Connection.open(port)
        conn.close()

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(connections)))
    run.seconds = time.perf_counter() - wall
    run.client_cpu = (time.process_time() - cpu) / run.seconds
    run.requests = len(run.latencies_ms)
    return run


async def steady(port: int, paths: Paths, *, rate: int, seconds: float, timeout: float) -> Run:
    """Open loop at `rate` requests a second; latency counts from each scheduled send time."""
    run = Run()
    idle: list[Connection] = []
    start = time.perf_counter() + 0.2

    async def one(scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        # A request never waits for a busy connection: it opens another, as browsers do.
        path = _next_path(paths)
        if path is None:  # a cold series ran out: this request is not sent
            return
        conn = idle.pop() if idle else await Connection.open(port)
        status = await timed_get(conn, path, timeout)
        run.latencies_ms.append((time.perf_counter() - scheduled) * 1000)
        run.statuses[status] += 1
        if conn.closed:
            conn.close()
        else:
            idle.append(conn)

    total = int(rate * seconds)
    await asyncio.gather(*(one(start + n / rate) for n in range(total)))
    run.seconds = time.perf_counter() - start
    run.requests = len(run.latencies_ms)
    for conn in idle:
        conn.close()
    return run


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    *,
    workers: int,
    threads: int,
    log: IO[bytes],
    redis: str | None,
    app: str = "bare_wsgi:application",
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, int]:
    """gunicorn as production runs it, serving `app` (the portal plus the bare view) on a free
    port; returns once the bare view answers. `env` replaces this process's environment (the
    fault bench points it at a PostgreSQL and Redis of its own)."""
    port = free_port()
    redis_env = {"REDIS_URL": redis} if redis else {}
    server = subprocess.Popen(  # noqa: S603  our own venv's gunicorn, fixed arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            app,
            "--chdir",
            str(ROOT),
            "--pythonpath",
            f"{ROOT},{BENCH}",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            # A stuck request must not hold the bench up at shutdown.
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env if env is not None else {**os.environ, "DJANGO_LOG_LEVEL": "WARNING", **redis_env},
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            if asyncio.run(probe(port)) == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer the bare view with 200 within 60 s")


async def probe(port: int) -> int:
    conn = await Connection.open(port)
    try:
        return await conn.get(BARE_PATH)
    finally:
        conn.close()


# --- where the search's time goes ---------------------------------------------------------------


def query_breakdown(label: str, path: str, *, explain: bool) -> list[str]:
    """One request in-process: its queries, the slowest first, and EXPLAIN if asked."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '120s'")
    try:
        client.get(path)  # warm: templates, the connection
    except OperationalError as error:
        return [f"one {label} request in-process: stopped, {error}".strip()]
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        try:
            response = client.get(path)
        except OperationalError as error:  # the statement timeout below
            return [f"one {label} request in-process: stopped, {error}".strip()]
        elapsed = (time.perf_counter() - start) * 1000
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    in_db = sum(float(q["time"]) for q in queries) * 1000
    lines = [
        f"one {label} request in-process: {response.status_code}, {elapsed:.1f} ms, "
        f"{len(queries)} queries taking {in_db:.1f} ms in PostgreSQL (with query logging on)",
        *(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}" for q in queries[:5]),
    ]
    if explain and queries:
        lines.append("EXPLAIN (ANALYZE, BUFFERS) of the slowest query:")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
            lines += ["  " + line for (line,) in cursor.fetchall()]
    return lines


# --- main ---------------------------------------------------------------------------------------


def cold_searches() -> Iterator[str]:
    """Searches in a random order, none repeated: words x type of help x when / good to know x
    ward x postcode (10,500 combinations)."""
    combos = list(
        itertools.product(COLD_WORDS, COLD_CATEGORIES, COLD_WHEN, COLD_WARDS, COLD_POSTCODES)
    )
    random.Random(2040).shuffle(combos)  # noqa: S311  a benchmark's order, not a secret
    for words, category, when, ward, postcode in combos:
        query = [f"q={words}" if words else "", f"category={category}" if category else ""]
        query += [when, f"ward={ward}" if ward else "", f"postcode={postcode}" if postcode else ""]
        yield "/find-support/?" + "&".join(part for part in query if part)


def empty_caches() -> None:
    """Save one bench place, as an editor's save would: the directory version changes, so every
    cached count, result order, card and hub page is worked out afresh.

    Through its own psycopg connection: a cold series calls this between requests, from inside
    the client's event loop, where Django's ORM refuses to run."""
    import psycopg
    from bench_data import PREFIX

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    ) as conn:
        conn.execute(
            "UPDATE hubs_location SET last_modified = now() WHERE id = "
            "(SELECT min(id) FROM hubs_location WHERE slug LIKE %s)",
            (f"{PREFIX}-location-%",),
        )


def cold_hubs(paths: list[str]) -> Iterator[str]:
    """Half the bench hubs' pages, then the caches emptied and the other half, and so on.

    Halves, not every hub each time: a web process keeps the directory version it read for up to
    DIRECTORY_VERSION_SECONDS, so just after emptying it may still look pages up under the last
    version. A half was last stored two versions ago, so none of it is found either way."""
    halves = paths[::2], paths[1::2]
    for half in itertools.cycle(halves):
        empty_caches()
        yield from half


def measure(
    port: int, paths: str | list[str] | None, args: argparse.Namespace, *, cold: bool = False
) -> tuple[Run, Run]:
    """Throughput at saturation, then latency at the steady rate. Warm: one URL repeated.
    Cold: the caches emptied before each phase, and each request a URL not asked before in it
    (``paths``, or fresh searches when None)."""
    timeout = args.timeout

    def source() -> Paths:
        if not cold and isinstance(paths, str):
            return paths
        if isinstance(paths, list):
            return cold_hubs(paths)
        empty_caches()
        # Every web process reads the new version (hubs.filters.DIRECTORY_VERSION_SECONDS)
        # before the phase starts, so the cards stored by the warm phases are not found.
        time.sleep(DIRECTORY_VERSION_SECONDS + 0.1)
        return cold_searches()

    warm_up = paths if isinstance(paths, str) else BARE_PATH  # a cold run warms nothing
    asyncio.run(saturate(port, warm_up, connections=4, seconds=1.0, timeout=timeout))
    saturated = asyncio.run(
        saturate(
            port, source(), connections=args.connections, seconds=args.seconds, timeout=timeout
        )
    )
    if saturated.statuses[TIMED_OUT]:
        # 50 requests a second to a page that cannot answer one in --timeout only piles up work.
        return saturated, Run()
    time.sleep(1)
    seconds = args.steady_seconds
    if isinstance(paths, list):  # each URL once: the phase lasts as long as they do
        seconds = min(seconds, len(paths) / args.rate)
    at_rate = asyncio.run(steady(port, source(), rate=args.rate, seconds=seconds, timeout=timeout))
    return saturated, at_rate


def bench_hub_paths() -> list[str]:
    """Every bench hub's page, in a fixed random order."""
    from bench_data import PREFIX

    from hubs.models import Location

    slugs = list(
        Location.objects.filter(slug__startswith=f"{PREFIX}-location-", is_hub=True).values_list(
            "slug", flat=True
        )
    )
    random.Random(2040).shuffle(slugs)  # noqa: S311
    return [f"/find-support/hubs/{slug}/" for slug in slugs]


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """The options every gunicorn benchmark shares (bench/taskforce_tracker.py uses them too)."""
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--connections", type=int, default=16, help="at saturation")
    parser.add_argument("--seconds", type=float, default=10.0, help="saturation run length")
    parser.add_argument("--rate", type=int, default=50, help="steady requests a second")
    parser.add_argument("--steady-seconds", type=float, default=20.0)
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds before a request counts as failed"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench rows afterwards")
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL") or None,
        help="Redis URL for gunicorn's cache (default: REDIS_URL; none: per-worker memory)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--locations", type=int, default=500)
    add_load_options(parser)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the search")
    args = parser.parse_args()

    seeded = seed_directory(services=args.services, locations=args.locations)
    print(
        f"directory bench data: {seeded.services_created} services and "
        f"{seeded.locations_created} locations written in {seeded.seconds:.1f} s"
    )
    # As autovacuum would have done on a live database: visibility maps set (index-only scans
    # need them) and statistics fresh.
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE hubs_service, hubs_location, hubs_serviceatlocation, hubs_attribute, "
            "hubs_language, hubs_servicearea, hubs_schedule, hubs_scheduleexception"
        )
    print("  " + ", ".join(f"{name}: {n}" for name, n in counts().items()))
    hub_path = f"/find-support/hubs/{a_bench_hub_slug()}/"
    hub_paths = bench_hub_paths()
    print(f"  cache: {'Redis ' + args.redis if args.redis else 'in-memory, per worker'}")
    # The bare view first: a slow page leaves queries running in PostgreSQL after its requests
    # time out, which would slow whatever is measured next.
    pages: list[tuple[str, str | list[str] | None, bool]] = [
        ("bare Django view", BARE_PATH, False),
        ("hub page, warm", hub_path, False),
        ("hub page, cold", hub_paths, True),
        ("search, no filters", "/find-support/", False),
        ("search+filters, warm", SEARCH_PATH, False),
        ("search, cold", None, True),
    ]
    results: dict[str, tuple[Run, Run]] = {}
    with tempfile.TemporaryFile() as log:
        server, port = start_gunicorn(
            workers=args.workers, threads=args.threads, log=log, redis=args.redis
        )
        try:
            for label, paths, cold in pages:
                results[label] = measure(port, paths, args, cold=cold)
            p99 = max(
                results["search+filters, warm"][1].percentile(99),
                results["search, cold"][1].percentile(99),
            )
            breakdown = [
                *query_breakdown("hub page", hub_path, explain=False),
                *query_breakdown(
                    "search", SEARCH_PATH, explain=args.explain or not p99 < SEARCH_P99_TARGET_MS
                ),
            ]
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if not args.keep:
                remove_directory()
            log.seek(0)
            server_log = log.read().decode(errors="replace").strip()

    print(
        f"\ngunicorn {args.workers} workers x {args.threads} threads (gthread); saturation: "
        f"{args.connections} connections for {args.seconds:.0f} s; steady: {args.rate} "
        f"requests a second for {args.steady_seconds:.0f} s, latency from the scheduled time"
    )
    print(f"machine load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    header = (
        f"{'page':<22} {'status':<16} {'req/s sat.':>10} {'p50 sat.':>8} {'client CPU':>10} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(header)
    print("(p50/p99/max: at the steady rate; nan: not run, because requests timed out)")
    print("-" * len(header))
    errors = 0
    for label, (saturated, at_rate) in results.items():
        statuses = saturated.statuses + at_rate.statuses
        errors += sum(n for status, n in statuses.items() if status != 200)
        shown = ",".join(
            f"{s}" if n == statuses.total() else f"{s}x{n}" for s, n in statuses.items()
        )
        print(
            f"{label:<22} {shown[:16]:<16} {saturated.rps:>10.0f} {saturated.percentile(50):>8.1f} "
            f"{saturated.client_cpu:>10.0%} "
            f"{at_rate.percentile(50):>7.1f} {at_rate.percentile(99):>7.1f} "
            f"{max(at_rate.latencies_ms, default=float('nan')):>7.1f}"
        )
    bare = results["bare Django view"][0].rps
    for label in ("search+filters, warm", "search, cold"):
        one_p99 = results[label][1].percentile(99)
        share = results[label][0].rps / bare
        p99_verdict = "met" if one_p99 < SEARCH_P99_TARGET_MS else "MISSED"
        print(
            f"\n{label}: p99 at {args.rate} req/s {one_p99:.1f} ms (target under "
            f"{SEARCH_P99_TARGET_MS:.0f} ms: {p99_verdict}); "
            f"throughput {share:.1%} of the bare view's (target at least "
            f"{THROUGHPUT_TARGET:.0%}: {'met' if share >= THROUGHPUT_TARGET else 'MISSED'})"
        )
    print("\n" + "\n".join(breakdown))
    if errors:
        print("\ngunicorn log:\n" + server_log[-3000:])
        sys.exit(f"{errors} responses were not 200")


if __name__ == "__main__":
    main()
