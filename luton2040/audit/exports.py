"""The audit log as CSV, for staff who must show the record outside the portal."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEvent

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google
# Sheets (OWASP "CSV injection"); a leading apostrophe makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """csv.writer needs a file; this one hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


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
    return _lines(header, events)


def _lines(header: list[str], events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte order mark, so Excel reads names with accents as UTF-8.
    yield "\ufeff"
    yield writer.writerow(header)
    for event in events.iterator(chunk_size=1000):
        yield writer.writerow([safe_cell(cell) for cell in _row(event)])


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
