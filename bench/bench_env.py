"""Environment for the benchmarks that start Celery workers (load_mixed.py, scale_out.py).

Imported before anything starts Django: one Redis for the cache and the broker (--redis on the
command line, else REDIS_URL, else Redis db 0 on this machine), and a Celery queue of this run's
own, so a worker started here never takes another process's tasks from a shared Redis, nor
they its.
"""

from __future__ import annotations

import os
import sys
import uuid

REDIS_DEFAULT = "redis://127.0.0.1:6379/0"


def _redis_from_argv(argv: list[str]) -> str | None:
    for n, arg in enumerate(argv):
        if arg == "--redis" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--redis="):
            return arg.split("=", 1)[1]
    return None


os.environ["REDIS_URL"] = _redis_from_argv(sys.argv) or os.environ.get("REDIS_URL") or REDIS_DEFAULT
QUEUE = f"bench-{uuid.uuid4().hex[:8]}"
os.environ["CELERY_QUEUE"] = QUEUE
