"""The audit log's filter form: UK dates, and error messages that say what to fix."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Day first, as people in the UK write dates; ISO as well, so a link built by a script works.
UK_DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]
# Far-off years are typos; refusing them also keeps "the day after" inside what Python and
# PostgreSQL can represent.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999


class UKDateField(forms.DateField):
    """A single text box for a date written like 27/3/2026."""

    input_formats = UK_DATE_INPUT_FORMATS

    def __init__(self, *, label: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("%(label)s must be a real date, like 27/3/2026") % {"label": label},
            },
        )
        # A plain text box: GOV.UK advises against the browser's date picker.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(label=label, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        day: datetime.date | None = super().clean(value)
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise forms.ValidationError(
                _("%(label)s must be between %(earliest)s and %(latest)s")
                % {"label": self.label, "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
                code="out_of_range",
            )
        return day


class AuditEventFilterForm(forms.Form):
    """Base form for AuditEventFilter: checks that the date range runs forwards."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("Date to must be the same as or after date from"))
        return cleaned
