"""Consultation responses benchmark: anonymous residents responding online, over real HTTP.

Not a test: it prints a table and exits non-zero only when a response was lost or a request
failed (a slow figure is a figure to read, not a failure). It reuses the directory benchmark's
plumbing (bench/hubs_directory.py): the gunicorn it starts (gthread workers, DEBUG off), its
load options and its steady-rate idea (open loop, latency counted from each scheduled start, so
no coordinated omission). Steps:

1. Seed one open consultation that takes anonymous responses ("(bench data)", slug
   "bench-responses") with one section of 8 questions of mixed kinds: short and long text,
   single choice with "Other", multiple choice, a scale, a number, a ward and a postcode; no
   equality page, so a response is: start page, "Start now", the section, check your answers,
   "Send". Deleted at the end (with its responses) unless --keep.
2. Start gunicorn with ENGAGEMENT_RESPONSES_PER_MINUTE=0: every virtual resident comes from
   127.0.0.1, and the per-IP limit (20 sends a minute) would otherwise be what is measured.
3. Each virtual resident is a keep-alive connection with its own cookie jar (session and CSRF
   cookies) and makes the whole journey a person makes, 7 requests:
   GET start, POST start (302), GET section, POST section (302), GET check, POST send (302),
   GET confirmation. A response counts as accepted when "Send" answers 302 to the
   confirmation page.
   - saturation: --connections residents, each starting the next response as soon as the last
     is sent, for --seconds (closed loop): responses accepted a second;
   - steady: responses started at a fixed rate (open loop), at 75%, 50% and 25% of the
     saturated rate: the highest with every request's p99 under 300 ms is reported.
4. Check nothing was lost: responses accepted by the server == sent rows in the database, and
   each has its 8 answers.

    python bench/engagement_responses.py                    # what make bench runs
    python bench/engagement_responses.py --seconds 5 --steady-seconds 10 --keep
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

# The limit is lifted for the server this starts (gunicorn inherits the environment).
os.environ["ENGAGEMENT_RESPONSES_PER_MINUTE"] = "0"

# Importing the directory benchmark first sets Django up as production runs it (DEBUG off, a
# throwaway secret key, plain HTTP on 127.0.0.1).
from django.db import connection
from django.utils import timezone
from hubs_directory import (
    BARE_PATH,
    HOST,
    add_load_options,
    start_gunicorn,
)
from hubs_directory import saturate as saturate_one_url

SLUG = "bench-responses"
P99_TARGET_MS = 300.0
STEADY_SHARES = (0.75, 0.5, 0.25)
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- seeding -------------------------------------------------------------------------------------


@dataclass
class Seeded:
    consultation_id: int
    form: dict[str, str | list[str]]  # a complete, valid answer to the section
    questions: int


def seed() -> Seeded:
    import datetime

    from engagement.models import Consultation, Question, QuestionOption, Section
    from luton2040.places.models import Ward

    remove()
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Bus routes in Luton (bench data)",
        slug=SLUG,
        summary="Tell us which bus routes matter to you.",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=28),
        status=Consultation.Status.OPEN,
        published_at=now,
        allow_anonymous=True,
        one_response_per_person=False,
        ask_equality_questions=False,
    )
    section = Section.objects.create(consultation=consultation, title="Your views", position=0)
    kinds = [
        ("short-text", "Which bus stop do you use most?", []),
        ("long-text", "What would make your journeys better?", []),
        ("single-choice", "How often do you take the bus?", ["Every day", "Every week", "Less"]),
        ("multiple-choice", "Which routes do you use?", ["A", "B", "C", "D"]),
        ("scale", "Buses should run later", ["Agree", "Neither", "Disagree"]),
        ("number", "How many journeys a week?", []),
        ("ward", "Which ward do you live in?", []),
        ("postcode", "What is your postcode?", []),
    ]
    form: dict[str, str | list[str]] = {}
    ward = Ward.objects.order_by("name").first()
    for position, (kind, text, options) in enumerate(kinds):
        question = Question.objects.create(
            consultation=consultation,
            section=section,
            kind=kind,
            text=text,
            position=position,
            required=position < 4,
            allow_other=kind == "single-choice",
            min_value=Decimal("0") if kind == "number" else None,
            max_value=Decimal("100") if kind == "number" else None,
        )
        made = QuestionOption.objects.bulk_create(
            QuestionOption(question=question, label=label, position=i)
            for i, label in enumerate(options)
        )
        name = f"q{question.pk}"
        answers: dict[str, str | list[str]] = {
            "short-text": "Park Street",
            "long-text": "More buses after 8pm, and a shelter at my stop. " * 4,
            "single-choice": str(made[0].pk) if made else "",
            "multiple-choice": [str(made[0].pk), str(made[2].pk)] if made else [],
            "scale": str(made[0].pk) if made else "",
            "number": "12",
            "ward": str(ward.pk) if ward else "",
            "postcode": "LU1 2BQ",
        }
        form[name] = answers[kind]
    return Seeded(consultation_id=consultation.pk, form=form, questions=len(kinds))


def remove() -> None:
    from engagement.models import Consultation

    Consultation.objects.filter(slug=SLUG).delete()


def stored(consultation_id: int) -> tuple[int, int, int]:
    """(sent responses, their answers, drafts left) in the database."""
    from engagement.models import Answer, Response

    sent = Response.objects.filter(consultation_id=consultation_id, status="submitted")
    return (
        sent.count(),
        Answer.objects.filter(response__in=sent).count(),
        Response.objects.filter(consultation_id=consultation_id, status="in-progress").count(),
    )


# --- a resident with a cookie jar ----------------------------------------------------------------


class Resident:
    """One keep-alive connection and its cookies, making requests as a browser does (it does
    not follow redirects: each is a request of its own, timed on its own)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, form: dict[str, str | list[str]] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            await self._connect()
        assert self.reader is not None and self.writer is not None  # noqa: S101
        body = urlencode(form or {}, doseq=True).encode() if method == "POST" else b""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "Accept-Encoding: identity",
        ]
        if cookie:
            head.append(f"Cookie: {cookie}")
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self.reader.readline()
        if not status_line:
            self.close()
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        length, chunked, closing = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _sep, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _eq, cookie_value = pair.partition("=")
                self.cookies[key.strip()] = cookie_value.strip()
            elif name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                closing = True
            headers[name] = value
        if chunked:
            chunks = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readline()
            content = b"".join(chunks)
        else:
            content = await self.reader.readexactly(length)
        if closing:
            self.close()
        return status, headers, content


@dataclass
class Results:
    started: int = 0
    accepted: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)

    def add(self, step: str, ms: float, status: int) -> None:
        self.latencies_ms.setdefault(step, []).append(ms)
        self.statuses[status] += 1

    @property
    def per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    def percentile(self, p: float, step: str | None = None) -> float:
        values = sorted(
            self.latencies_ms.get(step, [])
            if step
            else [ms for steps in self.latencies_ms.values() for ms in steps]
        )
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(p / 100 * len(values)))]


STEPS = ("start page", "start now", "section", "send section", "check", "send", "confirmation")


async def respond(
    resident: Resident,
    form: dict[str, str | list[str]],
    results: Results,
    *,
    check_form: dict[str, str] | None = None,
) -> None:
    """One whole response; counts it accepted when "Send" leads to the confirmation page.
    `check_form` is what the resident ticks on the check page (bench/load_mixed.py asks for
    a receipt, so the journey ends in an outbox row); by default nothing."""
    start = f"/have-your-say/consultations/{SLUG}/respond/"
    results.started += 1
    resident.cookies.pop("sessionid", None)  # a new response: the last one's session is done

    async def step(
        name: str, method: str, path: str, data: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        sent = time.perf_counter()
        status, headers, body = await resident.request(method, path, data)
        results.add(name, (time.perf_counter() - sent) * 1000, status)
        return status, headers, body

    try:
        status, _h, body = await step("start page", "GET", start)
        token = CSRF_FIELD.search(body)
        if status != 200 or token is None:
            raise RuntimeError(f"start page answered {status}")
        csrf = {"csrfmiddlewaretoken": token.group(1).decode()}
        status, headers, _b = await step("start now", "POST", start, csrf)
        section = headers.get("location", "")
        if status != 302 or not section.endswith("/respond/1/"):
            raise RuntimeError(f"start answered {status} {section}")
        status, _h, body = await step("section", "GET", section)
        token = CSRF_FIELD.search(body)
        if status != 200 or token is None:
            raise RuntimeError(f"section answered {status}")
        csrf = {"csrfmiddlewaretoken": token.group(1).decode()}
        status, headers, _b = await step(
            "send section", "POST", section, {**form, **csrf, "action": "continue"}
        )
        check = headers.get("location", "")
        if status != 302 or not check.endswith("/respond/check/"):
            raise RuntimeError(f"section answered {status} {check}")
        status, _h, body = await step("check", "GET", check)
        token = CSRF_FIELD.search(body)
        if status != 200 or token is None:
            raise RuntimeError(f"check answered {status}")
        csrf = {"csrfmiddlewaretoken": token.group(1).decode()}
        status, headers, _b = await step("send", "POST", check, {**(check_form or {}), **csrf})
        sent = headers.get("location", "")
        if status != 302 or not sent.endswith("/respond/sent/"):
            raise RuntimeError(f"send answered {status} {sent}")
        results.accepted += 1
        await step("confirmation", "GET", sent)
    except (OSError, asyncio.IncompleteReadError, RuntimeError, TimeoutError):
        results.failed += 1
        resident.close()


async def saturate(port: int, form: dict, *, residents: int, seconds: float) -> Results:
    results = Results()
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        resident = Resident(port)
        while time.perf_counter() < deadline:
            await respond(resident, form, results)
        resident.close()

    wall = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(residents)))
    results.seconds = time.perf_counter() - wall
    return results


async def steady(port: int, form: dict, *, rate: float, seconds: float) -> Results:
    """Open loop: a new resident starts a response every 1/rate seconds, whatever is still
    running. Each request is timed from when it was sent; a response's first request waits for
    its scheduled time, not for an earlier one to finish."""
    results = Results()
    start = time.perf_counter() + 0.2

    async def one(scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        resident = Resident(port)
        await respond(resident, form, results)
        resident.close()

    total = max(1, int(rate * seconds))
    await asyncio.gather(*(one(start + n / rate) for n in range(total)))
    results.seconds = time.perf_counter() - start
    return results


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_load_options(parser)
    args = parser.parse_args()

    seeded = seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE engagement_response, engagement_answer, django_session")
    print(
        f"responses bench: consultation {SLUG!r} with one section of {seeded.questions} "
        "questions (anonymous responses, no equality page)"
    )
    runs: list[tuple[str, float, Results]] = []
    warm_up = Results()
    with tempfile.TemporaryFile() as log:
        server, port = start_gunicorn(
            workers=args.workers, threads=args.threads, log=log, redis=args.redis
        )
        try:
            # The yardstick: a view that does nothing, through the same middleware, now (the
            # machine may be shared, so the same run says what it could do).
            bare = asyncio.run(
                saturate_one_url(
                    port,
                    BARE_PATH,
                    connections=args.connections,
                    seconds=min(5.0, args.seconds),
                    timeout=args.timeout,
                )
            )
            warm_up = asyncio.run(saturate(port, seeded.form, residents=2, seconds=1.0))
            saturated = asyncio.run(
                saturate(port, seeded.form, residents=args.connections, seconds=args.seconds)
            )
            runs.append((f"saturation, {args.connections} residents", 0.0, saturated))
            for share in STEADY_SHARES:
                rate = round(max(0.5, saturated.per_second * share), 1)
                time.sleep(1)
                at_rate = asyncio.run(
                    steady(port, seeded.form, rate=rate, seconds=args.steady_seconds)
                )
                runs.append((f"steady, {share:.0%} of saturation", rate, at_rate))
                if at_rate.percentile(99) < P99_TARGET_MS:
                    break
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.seek(0)
            server_log = log.read().decode(errors="replace").strip()

    accepted = warm_up.accepted + sum(results.accepted for _label, _rate, results in runs)
    rows, answers, drafts = stored(seeded.consultation_id)
    if not args.keep:
        remove()

    print(
        f"\ngunicorn {args.workers} workers x {args.threads} threads (gthread); a response is 7 "
        "requests (GET start, POST start, GET section, POST section, GET check, POST send, GET "
        "confirmation); latency per request"
    )
    print(f"machine load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    header = (
        f"{'run':<28} {'rate/s':>6} {'accepted':>8} {'failed':>6} {'resp/s':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'send p99':>8} {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, rate, results in runs:
        every = [ms for steps in results.latencies_ms.values() for ms in steps]
        print(
            f"{label:<28} {rate or float('nan'):>6.1f} {results.accepted:>8} {results.failed:>6} "
            f"{results.per_second:>7.1f} {results.percentile(50):>7.1f} "
            f"{results.percentile(99):>7.1f} {results.percentile(99, 'send'):>8.1f} "
            f"{max(every, default=float('nan')):>7.1f}"
        )
    saturated = runs[0][2]
    journey_rps = sum(len(v) for v in saturated.latencies_ms.values()) / saturated.seconds
    print(
        f"\nbare Django view at saturation: {bare.rps:.0f} requests a second; the journey's "
        f"requests at saturation: {journey_rps:.1f} a second ({journey_rps / bare.rps:.1%})"
    )
    print("\np99 per step (saturation):")
    for step in STEPS:
        print(f"  {step:<14} {runs[0][2].percentile(99, step):7.1f} ms")
    met = [(rate, r) for label, rate, r in runs[1:] if r.percentile(99) < P99_TARGET_MS]
    if met:
        rate, results = met[0]
        print(
            f"\nsteady: {results.per_second:.1f} responses a second accepted at {rate} started a "
            f"second, every request's p99 {results.percentile(99):.1f} ms (target under "
            f"{P99_TARGET_MS:.0f} ms: met)"
        )
    else:
        print(f"\nsteady: p99 under {P99_TARGET_MS:.0f} ms not reached at any rate tried")
    print(
        f"nothing lost: {accepted} accepted by the server (with {warm_up.accepted} in the "
        "warm-up), "
        f"{rows} sent rows in the database, {answers} answers "
        f"({seeded.questions} each: {answers == rows * seeded.questions}), {drafts} drafts "
        "left by failed journeys"
    )
    failed = sum(results.failed for _label, _rate, results in runs)
    errors = sum(
        n for _l, _r, results in runs for status, n in results.statuses.items() if status >= 500
    )
    if rows != accepted or answers != rows * seeded.questions or failed or errors:
        print("\ngunicorn log:\n" + server_log[-3000:])
        sys.exit(f"lost or failed: {failed} failed journeys, {errors} server errors")


if __name__ == "__main__":
    main()
