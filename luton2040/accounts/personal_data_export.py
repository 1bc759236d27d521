"""The subject access export: everything the portal holds about one person, read from the
personal-data registry, as JSON and as a readable page."""

from __future__ import annotations

import datetime
import decimal
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import dateformat, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import User
from .personal_data import PersonalDataSource, sources


@dataclass(frozen=True)
class ExportSection:
    """One source's rows: each row a list of (label, value) in the source's order."""

    title: str
    rows: list[list[tuple[str, Any]]]


@dataclass(frozen=True)
class ExportCategory:
    title: str
    sections: list[ExportSection]

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def personal_data_export(*, user: User) -> list[ExportCategory]:
    """What the portal holds about `user`, grouped by category in registration order. Only
    their own data: each source's export shows the person's rows and no one else's personal
    data. One query per source (and its prefetches), whatever the number of rows."""
    categories: dict[str, list[ExportSection]] = {}
    for source in sources():
        if source.rows_for is None:
            continue
        rows = [
            [(str(label), value) for label, value in _row(source, row, user).items()]
            for row in source.rows_for(user)
        ]
        title = str(source.title or capfirst(source.model._meta.verbose_name_plural))
        categories.setdefault(str(source.category), []).append(ExportSection(title, rows))
    return [ExportCategory(title, sections) for title, sections in categories.items()]


def personal_data_json(*, categories: list[ExportCategory], user: User) -> str:
    """The export as a JSON document: dates in ISO 8601, every value plain text or numbers."""
    document = {
        "about": user.email,
        "generated_at": timezone.localtime().isoformat(),
        "categories": [
            {
                "category": category.title,
                "sections": [
                    {
                        "section": section.title,
                        "rows": [
                            {label: _plain(value) for label, value in row} for row in section.rows
                        ],
                    }
                    for section in category.sections
                ],
            }
            for category in categories
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def display_lines(value: Any) -> list[str]:
    """A value as lines of text for the page (a list becomes one line per item)."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, bool):
        return [_("Yes") if value else _("No")]
    if isinstance(value, datetime.datetime):
        return [dateformat.format(timezone.localtime(value), "j F Y, H:i")]
    if isinstance(value, datetime.date):
        return [dateformat.format(value, "j F Y")]
    if isinstance(value, list | tuple):
        return [line for item in value for line in display_lines(item)]
    if isinstance(value, dict):
        return [
            f"{key}: {json.dumps(_plain(item), ensure_ascii=False)}" for key, item in value.items()
        ]
    return [str(value)]


def _row(source: PersonalDataSource, row: Any, user: User) -> dict[Any, Any]:
    if source.export_row is not None:
        return source.export_row(row)
    values: dict[Any, Any] = {}
    for name in source.fields:
        field = row._meta.get_field(name)
        label = capfirst(getattr(field, "verbose_name", name))
        if field.is_relation and field.related_model is not None:
            if field.related_model._meta.label == settings.AUTH_USER_MODEL:
                # Another person's account is theirs to know about, not this export's.
                values[label] = _("You") if getattr(row, field.attname) == user.pk else None
            elif field.many_to_many:
                values[label] = [str(item) for item in getattr(row, name).all()]
            else:
                values[label] = str(getattr(row, name) or "")
        elif getattr(field, "choices", None):
            values[label] = getattr(row, f"get_{name}_display")()
        else:
            values[label] = getattr(row, name)
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Promise | models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value
