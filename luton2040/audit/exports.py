"""The audit log as CSV, for staff who must show the record outside the portal."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luton2040.csv_export import csv_lines, safe_cell

from .models import AuditEvent

__all__ = ["audit_event_csv_lines", "safe_cell"]


def audit_event_csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV file line by line: a header row, then one row per event, read from the database
    in chunks, so a large export never sits in memory."""
    # Translated now, in the request's language: the lines are produced after the view returns.
    header = [
        _("When (UK time)"),
        _("When (UTC)"),
        _("Who"),
        _("What"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Changes"),
    ]
    return csv_lines(header, (_row(event) for event in events.iterator(chunk_size=1000)))


def _row(event: AuditEvent) -> Iterable[object]:
    return (
        timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        event.created_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        event.actor_label,
        event.verb,
        event.object_type_label,
        event.object_id,
        event.object_repr,
        # The exact record, not the on-screen summary: this is what gets defended.
        json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
    )
