"""Citizens' assemblies' background work. Thin: each task calls a service.

A draw is safe to run twice: it is claimed with a conditional UPDATE before it runs (a second
delivery finds it claimed and does nothing). Volunteers' details are erased by the retention
job (engagement/retention.py, run by accounts.apply_retention). Celery finds this module
because EngagementConfig.ready() imports it (autodiscovery looks only for ``tasks`` modules).
"""

from __future__ import annotations

from celery import shared_task

from .services import assemblies as services

# The draw's own limit (the child process is stopped then) plus time to record the result.
_SOFT_LIMIT = services.DRAW_TIME_LIMIT_SECONDS + 60
_HARD_LIMIT = services.DRAW_TIME_LIMIT_SECONDS + 120


@shared_task(
    name="engagement.assemblies.run_selection",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_SOFT_LIMIT,
    time_limit=_HARD_LIMIT,
)
def run_selection(run_id: int) -> str:
    """Run one draw by lot (queued by selection_run_request after commit)."""
    run = services.selection_run_execute(run_id=run_id)
    return run.status if run is not None else "already-claimed"
