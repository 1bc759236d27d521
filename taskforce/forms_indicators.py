"""The form taskforce members use to add or correct an indicator figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luton2040.places.models import Ward

from .models import PopulationGroup


class IndicatorValueForm(forms.Form):
    """One figure: its period, whether it is for the town, a ward or a group, and the number.

    Entering a figure for a period and breakdown that already has one corrects it (the service
    upserts), so the same form both adds and corrects.
    """

    period_label = forms.CharField(
        label=_("Period"),
        help_text=_("How the period is written in the source, for example 2025/26 or Spring 2025"),
        max_length=50,
        error_messages={"required": _("Enter the period, for example 2025/26")},
    )
    period_start = forms.DateField(
        label=_("Period starts"),
        help_text=_("For example 2025-04-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date the period starts"),
            "invalid": _("Period start must be a real date, like 2025-04-01"),
        },
    )
    period_end = forms.DateField(
        label=_("Period ends"),
        help_text=_("For example 2026-03-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date the period ends"),
            "invalid": _("Period end must be a real date, like 2026-03-31"),
        },
    )
    ward = forms.ModelChoiceField(
        label=_("Ward (optional)"),
        help_text=_("Leave empty for a figure for the whole town or for a group of residents"),
        queryset=Ward.objects.order_by("name"),
        required=False,
        empty_label=_("Whole town"),
        error_messages={"invalid_choice": _("Select a ward from the list")},
    )
    group = forms.ModelChoiceField(
        label=_("Group of residents (optional)"),
        help_text=_("Leave empty for a figure for the whole town or for a ward"),
        queryset=PopulationGroup.objects.order_by("position", "name"),
        required=False,
        empty_label=_("All residents"),
        error_messages={"invalid_choice": _("Select a group from the list")},
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the value"),
            "invalid": _("Value must be a number, like 84 or 84.5"),
            "max_digits": _("Value must be less than 10,000,000,000"),
            "max_whole_digits": _("Value must be less than 10,000,000,000"),
            "max_decimal_places": _("Value must have no more than 2 decimal places"),
        },
    )
    sample_size = forms.IntegerField(
        label=_("Number of people behind the figure (optional)"),
        help_text=_(
            "For example the number of survey responses. Public pages hide figures based on "
            "fewer than %(threshold)s people."
        ),
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Number of people must be a whole number, like 250"),
            "min_value": _("Number of people must be 0 or more"),
            "max_value": _("Number of people must be less than 2,147,483,648"),
        },
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        help_text=_("For example why a figure was corrected"),
        max_length=250,
        required=False,
        error_messages={"max_length": _("Notes must be 250 characters or fewer")},
    )

    def __init__(self, *args: Any, threshold: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_text = self.fields["sample_size"].help_text
        self.fields["sample_size"].help_text = help_text % {"threshold": threshold}

    def clean_value(self) -> Decimal:
        value: Decimal = self.cleaned_data["value"]
        if not value.is_finite():
            raise forms.ValidationError(_("Value must be a number, like 84 or 84.5"))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Period end must be the same as or after the start"))
        if cleaned.get("ward") and cleaned.get("group"):
            self.add_error(
                "group",
                _("Choose a ward or a group, not both: enter each figure separately"),
            )
        return cleaned
