"""Formsets the apps share."""

from __future__ import annotations

from typing import Any

from django.forms import BaseFormSet


class OptionalRowsFormSet(BaseFormSet):  # type: ignore[type-arg]
    """Every row may be left blank (and is then dropped); shown with the saved rows plus a few
    blank ones, so "add another" works without JavaScript by sending the form. Saved rows are
    passed as `initial` only when unbound, so a bound row counts as filled in whenever it has
    anything typed in it."""

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return len(self.initial or []) + self.extra

    def filled_rows(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]
