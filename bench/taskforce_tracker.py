"""Taskforce benchmark: the public tracker and an outcome page over real HTTP, beside a bare view.

Part of `make bench`. Not a test: it prints a table and exits non-zero only when a response is
not 200 (a slow page is a figure to read, not a failure). It reuses the directory benchmark's
plumbing (bench/hubs_directory.py): the gunicorn it starts (gthread workers, DEBUG off, the bare
view from bench/bare_urls.py), its keep-alive HTTP/1.1 load generator, the saturation run
(closed loop) and the steady-rate run (open loop, latency from each scheduled send time, so no
coordinated omission), and its in-process query breakdown. Steps:

1. Seed 5,000 actions with 10 updates each (50,000 updates) through bench/taskforce_data.py
   (bulk_create; mostly published and public; outcomes, wards and groups linked), references
   starting "BENCH-" and titles ending "(bench data)", then ANALYZE. They are deleted at the end
   (--keep keeps them for a faster re-run). Anything else in the database (seed_demo's rows)
   stays and is counted.
2. Measure the bare view, the tracker with no filters, the tracker filtered the way a resident
   filters it (outcome, status and ward), the tracker's free-text lead search, and the busiest
   outcome's page.
3. Print the query breakdown of one request for each page, with EXPLAIN ANALYZE of its slowest
   query when the page misses its p99 target (or always, with --explain).

    python bench/taskforce_tracker.py                    # what make bench runs
    python bench/taskforce_tracker.py --actions 500 --seconds 3 --keep
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import tempfile
import time

# Importing the directory benchmark first sets Django up as production runs it (DEBUG off, a
# throwaway secret key, plain HTTP on 127.0.0.1); taskforce_data needs that done.
from hubs_directory import (  # bench/ is sys.path[0] when run as a script
    BARE_PATH,
    TIMED_OUT,
    Run,
    add_load_options,
    query_breakdown,
    saturate,
    start_gunicorn,
    steady,
)
from taskforce_data import busiest_outcome_slug, counts, remove_taskforce, seed_taskforce

# The steady run's rate is --rate, or this share of the page's own saturated throughput if that
# is lower: an open loop above a page's capacity only measures the queue it builds.
STEADY_SHARE_OF_CAPACITY = 0.6


def measure(port: int, path: str, args: argparse.Namespace) -> tuple[Run, Run, int]:
    """Saturated throughput, then latency at a steady rate the page can sustain (returned)."""
    timeout = args.timeout
    asyncio.run(saturate(port, path, connections=4, seconds=1.0, timeout=timeout))  # warm up
    saturated = asyncio.run(
        saturate(port, path, connections=args.connections, seconds=args.seconds, timeout=timeout)
    )
    if saturated.statuses[TIMED_OUT]:
        return saturated, Run(), 0
    rate = max(1, min(args.rate, int(saturated.rps * STEADY_SHARE_OF_CAPACITY)))
    time.sleep(1)
    at_rate = asyncio.run(
        steady(port, path, rate=rate, seconds=args.steady_seconds, timeout=timeout)
    )
    return saturated, at_rate, rate


# Issue 5 sets no speed target; these are the directory's (issue 4), shown as a yardstick.
P99_YARDSTICK_MS = 100.0
THROUGHPUT_YARDSTICK = 0.40  # throughput as a share of the bare view's


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--actions", type=int, default=5_000)
    parser.add_argument("--updates-per-action", type=int, default=10)
    add_load_options(parser)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every page")
    args = parser.parse_args()

    seeded = seed_taskforce(actions=args.actions, updates_per_action=args.updates_per_action)
    print(
        f"taskforce bench data: {seeded.actions_created} actions and "
        f"{seeded.updates_created} updates written in {seeded.seconds:.1f} s"
    )
    print("  " + ", ".join(f"{name}: {n}" for name, n in counts().items()))
    outcome = busiest_outcome_slug()
    # The bare view first: a slow page leaves queries running after its requests time out.
    pages = [
        ("bare Django view", BARE_PATH),
        ("tracker, no filters", "/taskforce/"),
        (
            "tracker, filtered",
            f"/taskforce/?outcome={outcome}&status=in-progress&ward=biscot",
        ),
        ("tracker, lead search", "/taskforce/?lead=foodbank"),
        ("tracker, page 50", "/taskforce/?page=50"),
        ("outcome page", f"/taskforce/outcomes/{outcome}/"),
    ]
    results: dict[str, tuple[Run, Run, int]] = {}
    breakdown: list[str] = []
    with tempfile.TemporaryFile() as log:
        server, port = start_gunicorn(
            workers=args.workers, threads=args.threads, log=log, redis=args.redis
        )
        try:
            for label, path in pages:
                results[label] = measure(port, path, args)
            for label, path in pages[1:]:
                p99 = results[label][1].percentile(99)
                breakdown += query_breakdown(
                    label, path, explain=args.explain or not p99 < P99_YARDSTICK_MS
                )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if not args.keep:
                remove_taskforce()
            log.seek(0)
            server_log = log.read().decode(errors="replace").strip()

    print(
        f"\ngunicorn {args.workers} workers x {args.threads} threads (gthread); saturation: "
        f"{args.connections} connections for {args.seconds:.0f} s; steady: {args.rate} "
        f"requests a second, or {STEADY_SHARE_OF_CAPACITY:.0%} of the page's saturated rate if "
        f"lower, for {args.steady_seconds:.0f} s, latency from the scheduled time"
    )
    header = (
        f"{'page':<22} {'status':<16} {'req/s sat.':>10} {'share':>6} {'p50 sat.':>8} "
        f"{'client CPU':>10} {'rate':>5} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(header)
    print("(share: of the bare view's req/s; p50/p99/max: at the steady rate; nan: not run)")
    print("-" * len(header))
    errors = 0
    bare_rps = results["bare Django view"][0].rps or float("nan")
    for label, (saturated, at_rate, rate) in results.items():
        statuses = saturated.statuses + at_rate.statuses
        errors += sum(n for status, n in statuses.items() if status != 200)
        shown = ",".join(
            f"{s}" if n == statuses.total() else f"{s}x{n}" for s, n in statuses.items()
        )
        print(
            f"{label:<22} {shown:<16} {saturated.rps:>10.0f} {saturated.rps / bare_rps:>6.0%} "
            f"{saturated.percentile(50):>8.1f} {saturated.client_cpu:>10.0%} {rate:>5} "
            f"{at_rate.percentile(50):>7.1f} {at_rate.percentile(99):>7.1f} "
            f"{max(at_rate.latencies_ms, default=float('nan')):>7.1f}"
        )
    print()
    for label, (saturated, at_rate, rate) in list(results.items())[1:]:
        p99 = at_rate.percentile(99)
        share = saturated.rps / bare_rps
        print(
            f"{label}: p99 {p99:.1f} ms at {rate} req/s (directory yardstick under "
            f"{P99_YARDSTICK_MS:.0f}: {'within' if p99 < P99_YARDSTICK_MS else 'over'}); "
            f"throughput {share:.0%} of the bare view's (yardstick {THROUGHPUT_YARDSTICK:.0%}: "
            f"{'within' if share >= THROUGHPUT_YARDSTICK else 'below'})"
        )
    print("\n" + "\n".join(breakdown))
    if errors:
        print("\ngunicorn log:\n" + server_log[-3000:])
        sys.exit(f"{errors} responses were not 200")


if __name__ == "__main__":
    main()
