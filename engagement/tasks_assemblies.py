"""Citizens' assemblies' background work. Thin: each task calls a service.

Both are safe to run twice: a draw is claimed with a conditional UPDATE before it runs (a second
delivery finds it claimed and does nothing), and erasing expired volunteers finds nothing left
the second time. Celery finds this module because EngagementConfig.ready() imports it
(autodiscovery looks only for ``tasks`` modules).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

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


@shared_task(
    name="engagement.assemblies.erase_expired_volunteers", soft_time_limit=240, time_limit=300
)
def erase_expired_volunteers() -> int:
    """Beat job (daily): delete volunteers' details once their retention period has passed."""
    return services.volunteers_erase_expired(today=timezone.localdate())
