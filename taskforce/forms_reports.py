"""Forms council staff use to compose, publish and correct progress reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator, Outcome, ReportSection

Kind = ReportSection.Kind


class GovukDateField(forms.DateField):
    """A date typed as 31/3/2026 or 2026-03-31, with GOV.UK's error wording."""

    input_formats = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]

    def __init__(self, *, label: Any, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            help_text=_("For example, 31/3/2026"),
            error_messages={
                "required": _("Enter the date %(label)s") % {"label": str(label).lower()},
                "invalid": _("%(label)s must be a real date, like 31/3/2026") % {"label": label},
            },
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            **kwargs,
        )


class ReportForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example, Fairness Taskforce progress report: April to June 2026"),
        error_messages={"required": _("Enter a title")},
    )
    period_start = GovukDateField(label=_("Period starts"))
    period_end = GovukDateField(label=_("Period ends"))
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Two or three sentences shown in the archive and at the top of the report"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period must end on or after the day it starts"))
        return cleaned


class SectionForm(forms.Form):
    """One section. On adding, the kind is chosen; on editing, it is fixed."""

    kind = forms.ChoiceField(
        label=_("What kind of section is it?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what kind of section it is")},
    )
    heading = forms.CharField(
        label=_("Heading"), max_length=200, error_messages={"required": _("Enter a heading")}
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "For a narrative, the section itself. For a data block, optional text shown above "
            "the data. Leave a blank line between paragraphs."
        ),
    )
    outcome = forms.ModelChoiceField(
        label=_("Outcome (for actions by outcome)"),
        queryset=Outcome.objects.none(),
        required=False,
        empty_label=_("All outcomes"),
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator (for indicator tables and charts)"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("Choose an indicator"),
    )

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_kind = kind
        if kind is not None:
            del self.fields["kind"]
            if kind != Kind.ACTIONS_BY_OUTCOME:
                del self.fields["outcome"]
            if kind not in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART):
                del self.fields["indicator"]
        if "outcome" in self.fields:
            self.fields["outcome"].queryset = Outcome.objects.select_related("priority")  # type: ignore[attr-defined]
        if "indicator" in self.fields:
            self.fields["indicator"].queryset = Indicator.objects.filter(is_public=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = self.fixed_kind or cleaned.get("kind")
        if kind in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART) and not cleaned.get("indicator"):
            self.add_error("indicator", _("Select the indicator to show"))
        if kind == Kind.NARRATIVE and not cleaned.get("body", "").strip():
            self.add_error("body", _("Enter the text of this section"))
        return cleaned


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("What does this correction change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown at the top of the new version, for example: The figure for Lewsey ward "
            "was wrong."
        ),
        error_messages={"required": _("Enter what this correction changes")},
    )
