"""Forms council staff use to write "we asked, you said, we did", its decisions, new taskforce
actions for a decision, and to publish it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Decision
from ..selectors.outcomes import action_choices, taskforce_outcomes


class OutcomeForm(forms.Form):
    we_asked = forms.CharField(
        label=_("We asked"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the consultation asked, in a few sentences of plain English"),
        error_messages={"required": _("Enter what we asked")},
    )
    you_said = forms.CharField(
        label=_("You said"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What people told us: the main themes, with how many people raised them. "
            "Leave a blank line between paragraphs."
        ),
        error_messages={"required": _("Enter what people said")},
    )
    we_did = forms.CharField(
        label=_("We did"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the council decided and is doing as a result"),
        error_messages={"required": _("Enter what we did")},
    )
    late_reason = forms.CharField(
        label=_("Why this is later than 12 weeks after closing (if it is)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The Consultation Principles ask us to publish within 12 weeks of closing, or to "
            "say why not. Leave blank if it is on time."
        ),
    )


DECISION_CHOICES = [
    (Decision.ACCEPTED.value, Decision.ACCEPTED.label),
    (Decision.ACCEPTED_IN_PART.value, Decision.ACCEPTED_IN_PART.label),
    (Decision.REJECTED.value, Decision.REJECTED.label),
]


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference}: {obj.title}"


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("What we decided"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, Keep the number 24 bus running in the evenings"),
        error_messages={
            "required": _("Enter what we decided"),
            "max_length": _("What we decided must be 500 characters or fewer"),
        },
    )
    decision = forms.ChoiceField(
        label=_("Did the council accept it?"),
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the council accepted it")},
    )
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when it was accepted in part or not accepted"),
    )
    actions = ActionChoiceField(
        label=_("Taskforce actions that carry it out"),
        queryset=action_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Published actions only. You can create a new action for this decision after saving it."
        ),
        error_messages={"invalid_choice": _("Choose actions from the list")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated per form, not at import: actions are published all the time.
        self.fields["actions"].queryset = action_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        if (
            decision in (Decision.ACCEPTED_IN_PART, Decision.REJECTED)
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                _("Say why it was accepted in part")
                if decision == Decision.ACCEPTED_IN_PART
                else _("Say why it was not accepted"),
            )
        return cleaned


class GovukDateField(forms.DateField):
    """A date typed as 31/3/2027 or 2027-03-31, with GOV.UK's error wording."""

    input_formats = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class NewActionForm(forms.Form):
    """A new taskforce action for a decision; the taskforce's review adds the rest."""

    title = forms.CharField(
        label=_("Title of the action"),
        max_length=200,
        help_text=_("For example, Evening buses on route 24"),
        error_messages={
            "required": _("Enter a title for the action"),
            "max_length": _("The title must be 200 characters or fewer"),
        },
    )
    summary = forms.CharField(
        label=_("Summary in plain English"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter a summary of the action"),
            "max_length": _("The summary must be 300 characters or fewer"),
        },
    )
    outcomes = OutcomeChoiceField(
        label=_("Which target outcomes does it serve?"),
        queryset=taskforce_outcomes(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one target outcome"),
            "invalid_choice": _("Choose outcomes from the list"),
        },
    )
    due_date = GovukDateField(
        label=_("Due date (optional)"),
        required=False,
        help_text=_("For example, 31/3/2027"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": _("The due date must be a real date, like 31/3/2027")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = taskforce_outcomes()  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    """Publishing: when it is late, the reason is required (UK Consultation Principles)."""

    late_reason = forms.CharField(
        label=_("Why is this later than 12 weeks after the consultation closed?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("This is published with the outcome"),
    )

    def __init__(self, *args: Any, late: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.late = late
        if not late:
            del self.fields["late_reason"]

    def clean_late_reason(self) -> str:
        reason = (self.cleaned_data.get("late_reason") or "").strip()
        if self.late and not reason:
            raise forms.ValidationError(
                _("Say why the outcome is published more than 12 weeks after closing")
            )
        return reason
