"""`make bench`: seed a large data set and measure the hot pages. Prints a table.

Not a test: figures go into docs/performance.md by hand, with the date and machine. Each page is
requested through Django's test client against the real PostgreSQL (no network, no gunicorn), so
the figures are server time per request: view, queries and template rendering.

    make bench                     # default --scale 100
    make bench BENCH_ARGS="--scale 20 --repeat 50"
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")
# Measure as production runs (DEBUG off: no query log, cached templates), over plain HTTP.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-key-never-deployed-0123456789abcdefghijklmnop"
)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luton2040.accounts.models import User  # noqa: E402

# (label, path, who is signed in)
PAGES = [
    ("Home", "/", None),
    ("Accessibility statement", "/accessibility/", None),
    ("Sign in", "/accounts/login/", None),
    ("Your account", "/account/", "resident@demo.example.org"),
    ("Audit log (staff)", "/staff/audit/", "staff@demo.example.org"),
]


def measure(client: Client, path: str, repeat: int) -> tuple[list[float], int, int, int]:
    """Times in ms, queries per request, peak Python memory in KiB, and the status code."""
    client.get(path)  # warm caches and the connection pool
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    query_count = len(queries)  # now: the next request's start clears the query log
    tracemalloc.start()
    client.get(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return timings, query_count, peak // 1024, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    # seed_demo only runs in demo mode (DEBUG on), so it gets its own process.
    start = time.perf_counter()
    subprocess.run(  # noqa: S603  our own manage.py, fixed arguments
        [sys.executable, "manage.py", "seed_demo", "--scale", str(args.scale)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seed_seconds = time.perf_counter() - start
    print(
        f"seed_demo --scale {args.scale}: {seed_seconds:.1f} s "
        f"({User.objects.count()} users in the database)\n"
    )

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    staff = User.objects.get(email="staff@demo.example.org")
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        # The bench measures the audit page itself, not the MFA set-up redirect.
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(staff, generate_totp_secret())

    header = (
        f"{'page':<26} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'peak KiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, path, email in PAGES:
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        timings, queries, peak_kib, status = measure(client, path, args.repeat)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{label:<26} {status:>6} {statistics.median(timings):>10.1f} {p95:>8.1f} "
            f"{queries:>8} {peak_kib:>9}"
        )


if __name__ == "__main__":
    main()
