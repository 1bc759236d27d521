"""Consultation export benchmark: the staff responses download (CSV) at 100,000 responses.

Part of `make bench` (run by bench/run.py). Not a test: it prints a table and exits non-zero only
when the download is not 200 or is missing rows (slowness is a figure to read, not a failure).

1. Seed one closed consultation, slug "bench-consultation-export", title ending
   "(bench data)", with a question of each kind the download writes (single and multiple
   choice, scale, ranking, number, date, ward, postcode, short and long text) and --responses
   submitted responses answering every question (10 answers each: a million answer rows at the
   default). Seeding is INSERT ... SELECT FROM generate_series in PostgreSQL, one statement per
   table and question, so it takes seconds, not the hour the ORM would; then ANALYZE. The rows
   are deleted at the end (--keep keeps them for a faster re-run).
2. Download the CSV through Django's test client as council staff (the real view: access check,
   audit record, StreamingHttpResponse over a server-side cursor), reading every line as a
   client would and throwing it away. Measured three times:
   - time to the first byte and in total (median of --repeat runs), rows and megabytes;
   - peak resident memory (RSS) of this process while downloading, sampled every 5 ms by a
     thread, and how much it grew from the RSS before that download started (the first,
     warming download is not measured, so this is what each further download adds);
   - peak traced Python memory (tracemalloc) for one download (slower: tracing costs time).
   For comparison, the same rows loaded into a list (what a non-streaming export would hold).
3. The staff results page's figures (every count, in SQL) for the same consultation: time
   (median of --repeat runs).

    python bench/engagement_export.py                       # what make bench runs
    python bench/engagement_export.py --responses 5000 --keep
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")
# Measure as production runs (DEBUG off: no query log kept in memory).
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-key-never-deployed-0123456789abcdefghijklmnop"
)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from engagement import exports  # noqa: E402
from engagement.models import (  # noqa: E402
    Answer,
    Consultation,
    Question,
    QuestionOption,
    Response,
    Section,
)
from engagement.selectors.results import consultation_results, survey_questions  # noqa: E402
from luton2040.places.models import Ward  # noqa: E402

SLUG = "bench-consultation-export"
LABEL = "(bench data)"
STAFF_EMAIL = "bench.export@luton.gov.uk.example"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- Seeding ------------------------------------------------------------------------------------


def insert_select(
    model: type[models.Model],
    template: models.Model,
    *,
    columns: dict[str, str],
    tail: str,
    params: list[Any],
) -> int:
    """INSERT INTO the model's table SELECT ...: `columns` as SQL expressions over the rows of
    `tail` (a FROM clause), every other column the template's value, so a field added to the
    model later still gets its default. Returns the rows written."""
    names, values, value_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(str(field.column)))
        if field.column in columns:
            values.append(columns[field.column])
        else:
            values.append("%s")
            value_params.append(
                field.get_db_prep_save(getattr(template, field.attname), connection)
            )
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(values)} {tail}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*value_params, *params])
        return int(cursor.rowcount)


def _question(
    section: Section, position: int, kind: str, text: str, options: list[str]
) -> Question:
    question = Question.objects.create(
        consultation=section.consultation,
        section=section,
        kind=kind,
        text=text,
        position=position,
        allow_other=kind == Question.Kind.SINGLE_CHOICE,
    )
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, label=label, position=i)
        for i, label in enumerate(options)
    )
    return question


def seed(responses: int) -> tuple[Consultation, float]:
    """The bench consultation with `responses` submitted responses (made if missing)."""
    start = time.perf_counter()
    existing = Consultation.objects.filter(slug=SLUG).first()
    if existing is not None and existing.responses.count() == responses:
        return existing, 0.0
    remove()
    now = timezone.now()
    consultation = Consultation.objects.create(
        slug=SLUG,
        title=f"Buses and libraries {LABEL}",
        summary="Benchmark data for the responses download.",
        opens_at=now - datetime.timedelta(weeks=10),
        closes_at=now - datetime.timedelta(weeks=2),
        status=Consultation.Status.AWAITING_OUTCOME,
        published_at=now,
    )
    section = Section.objects.create(consultation=consultation, title="Your views")
    K = Question.Kind
    q = {
        "single": _question(section, 0, K.SINGLE_CHOICE, "Do you use the bus?", ["Yes", "No"]),
        "multiple": _question(
            section, 1, K.MULTIPLE_CHOICE, "Which routes?", ["24", "27", "31", "A1"]
        ),
        "scale": _question(
            section, 2, K.SCALE, "Buses should run later", ["Agree", "Neither", "Disagree"]
        ),
        "ranking": _question(section, 3, K.RANKING, "Rank these", ["Fares", "Times", "Stops"]),
        "number": _question(section, 4, K.NUMBER, "Trips a week", []),
        "date": _question(section, 5, K.DATE, "Last trip", []),
        "ward": _question(section, 6, K.WARD, "Your ward", []),
        "postcode": _question(section, 7, K.POSTCODE, "Your postcode", []),
        "short": _question(section, 8, K.SHORT_TEXT, "Your nearest stop", []),
        "long": _question(section, 9, K.LONG_TEXT, "What would help?", []),
    }
    ids = {key: [o.pk for o in question.options.all()] for key, question in q.items()}
    insert_select(
        Response,
        Response(
            consultation=consultation,
            status=Response.Status.SUBMITTED,
            submitted_on=timezone.localdate(),
        ),
        # A channel mix like a real consultation's: mostly online, some paper and phone.
        columns={
            "channel": "(ARRAY['online','online','online','paper','phone'])[1 + n %% 5]",
        },
        tail="FROM generate_series(1, %s) AS n",
        params=[responses],
    )
    wards: list[int | None] = list(Ward.objects.values_list("pk", flat=True)) or [None]
    tail = f"FROM {Response._meta.db_table} r WHERE r.consultation_id = %s"
    per_question: dict[str, dict[str, str]] = {
        "single": {"option_ids": f"ARRAY[{ids['single'][0]} + (r.id %% 2)]"},
        "multiple": {
            "option_ids": f"(ARRAY[{ids['multiple'][0]}, {ids['multiple'][1]}, "
            f"{ids['multiple'][2]}, {ids['multiple'][3]}])[1:1 + (r.id %% 4)]"
        },
        "scale": {"option_ids": f"ARRAY[{ids['scale'][0]} + (r.id %% 3)]"},
        "ranking": {
            "option_ids": f"CASE WHEN r.id %% 2 = 0 THEN ARRAY[{ids['ranking'][0]}, "
            f"{ids['ranking'][1]}, {ids['ranking'][2]}] ELSE ARRAY[{ids['ranking'][2]}, "
            f"{ids['ranking'][0]}, {ids['ranking'][1]}] END"
        },
        "number": {"number": "(r.id %% 20)::numeric"},
        "date": {"date": "DATE '2026-01-01' + (r.id %% 60)::int"},
        "ward": {
            "ward_id": "NULL"
            if wards == [None]
            else f"(ARRAY[{', '.join(str(w) for w in wards)}])[1 + r.id %% {len(wards)}]"
        },
        "postcode": {"postcode": "'LU' || (1 + r.id %% 4) || ' ' || (r.id %% 9) || 'AB'"},
        "short": {"text": "'Stop ' || (r.id %% 300)"},
        "long": {
            "text": "'We need more buses in the evening, especially on route 24, and cheaper "
            "fares for students and older people. ' || r.id"
        },
    }
    for key, expressions in per_question.items():
        insert_select(
            Answer,
            Answer(),
            columns={"response_id": "r.id", "question_id": str(q[key].pk), **expressions},
            tail=tail,
            params=[consultation.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return consultation, time.perf_counter() - start


def remove() -> None:
    Consultation.objects.filter(slug=SLUG).delete()


# --- Measuring ----------------------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


class PeakRss:
    """The highest RSS seen while the block runs, sampled every 5 ms."""

    def __enter__(self) -> PeakRss:
        self.before = rss_bytes()
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def growth(self) -> int:
        return self.peak - self.before


def staff_client() -> Client:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from luton2040.accounts.models import User
    from luton2040.accounts.roles import Role

    user, _created = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"full_name": f"Export benchmark {LABEL}"}
    )
    user.groups.add(Group.objects.get(name=Role.COUNCIL_STAFF.value))
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, path: str) -> tuple[float, float, int, int]:
    """Seconds to the first line and in all, lines and bytes of one download."""
    start = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"download answered {response.status_code}")
    first = 0.0
    lines = size = 0
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        if not lines:
            first = time.perf_counter() - start
        lines += 1
        size += len(chunk)
    return first, time.perf_counter() - start, lines, size


def traced_peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def mib(n: float) -> str:
    return f"{n / 2**20:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench rows afterwards")
    args = parser.parse_args()

    consultation, seconds = seed(args.responses)
    answers = Answer.objects.filter(response__consultation=consultation).count()
    print(
        f"consultation export bench data: {args.responses:,} responses, {answers:,} answers "
        f"({'kept from a previous run' if not seconds else f'written in {seconds:.1f} s'})"
    )
    client = staff_client()
    path = reverse("engagement-staff:responses-csv", kwargs={"slug": SLUG})
    try:
        download(client, path)  # warm the connection, caches and imports
        runs = []
        peaks = []
        for _ in range(args.repeat):
            with PeakRss() as rss:
                runs.append(download(client, path))
            peaks.append((rss.peak, rss.growth))
        first_s, total_s, lines, size = (
            statistics.median(values) for values in zip(*runs, strict=True)
        )
        if int(lines) != args.responses + 2:  # byte order mark, header, rows
            raise SystemExit(f"expected {args.responses + 2} lines, got {lines}")
        streamed = traced_peak(lambda: download(client, path))
        questions = survey_questions(consultation=consultation)
        listed = traced_peak(
            lambda: list(exports.responses_csv_rows(consultation=consultation, questions=questions))
        )
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            consultation_results(consultation=consultation, public=False)
            timings.append(time.perf_counter() - start)
        results_s = statistics.median(timings)
    finally:
        if not args.keep:
            remove()

    print()
    print(f"{'measure':<50} {'value':>12}")
    print("-" * 63)
    rows = [
        ("responses (rows in the file)", f"{args.responses:,}"),
        ("file size (MiB)", mib(size)),
        ("time to first byte (s, median)", f"{first_s:.2f}"),
        ("time for the whole file (s, median)", f"{total_s:.1f}"),
        ("rows a second", f"{args.responses / total_s:,.0f}"),
        ("process RSS while downloading (MiB, peak)", mib(max(p for p, _g in peaks))),
        ("RSS growth during a download (MiB, max)", mib(max(g for _p, g in peaks))),
        ("peak traced Python memory, streaming (MiB)", mib(streamed)),
        ("peak traced Python memory, rows in a list (MiB)", mib(listed)),
        ("staff results figures, all questions (s, median)", f"{results_s:.2f}"),
    ]
    for label, value in rows:
        print(f"{label:<50} {value:>12}")


if __name__ == "__main__":
    main()
