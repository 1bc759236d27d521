"""Reads of the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from .models import AuditEvent

if TYPE_CHECKING:
    from .filters import AuditEventFilter


def audit_event_list(*, filters: AuditEventFilter | None = None) -> QuerySet[AuditEvent]:
    """Events newest first with actor and object type loaded (constant queries), narrowed by
    `filters`; no events at all if the filters are invalid."""
    events = AuditEvent.objects.select_related("actor", "content_type").order_by(
        "-created_at", "-id"
    )
    if filters is None:
        return events
    # A list that silently dropped a filter the user typed would mislead: show nothing until
    # the form's errors are fixed.
    if not filters.is_valid():
        return events.none()
    return filters.filter_queryset(events)


# A "loose index scan" over the verb index: one index probe per distinct verb, where
# SELECT DISTINCT would read every row of a table that only grows.
_DISTINCT_VERBS_SQL = """
WITH RECURSIVE verbs(verb) AS (
    (SELECT verb FROM audit_auditevent ORDER BY verb LIMIT 1)
    UNION ALL
    SELECT (SELECT e.verb FROM audit_auditevent e WHERE e.verb > verbs.verb ORDER BY e.verb LIMIT 1)
    FROM verbs WHERE verbs.verb IS NOT NULL
)
SELECT verb FROM verbs WHERE verb IS NOT NULL
"""


def audit_verb_list() -> list[str]:
    """Every verb recorded so far, in alphabetical order."""
    with connection.cursor() as cursor:
        cursor.execute(_DISTINCT_VERBS_SQL)
        return [verb for (verb,) in cursor.fetchall()]
