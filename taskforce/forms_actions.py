"""Forms taskforce members use to log actions and post updates, and reviewers to decide.

Repeating parts (milestones, evidence) are formsets whose every row is optional: a blank row is
ignored, and "Add another" submits the form and comes back with one more blank row, so they work
with JavaScript off. Saved rows are given as `initial` only when the form is unbound, so a bound
row counts as filled in whenever it has anything in it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.models import User
from luton2040.accounts.roles import Role
from luton2040.formsets import OptionalRowsFormSet
from luton2040.places.models import Ward

from .models import Action, ActionStatus, Commitment, Outcome, PopulationGroup
from .selectors.actions import parent_choices
from .services.actions import EvidenceInput, MilestoneInput
from .services.evidence import ACCEPT_ATTRIBUTE, evidence_file_check

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y"]
DATE_HINT = _("For example, 31/3/2026")
SHORT = "govuk-input--width-10"


def _date_field(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": SHORT}),
        error_messages={
            "invalid": _("Enter a real date, for example 31/3/2026"),
            "required": _("Enter a date, for example 31/3/2026"),
        },
    )


# --- Actions ---------------------------------------------------------------------------------


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]
    """What an action is, who leads it, where and for whom, and when."""

    outcomes = forms.ModelMultipleChoiceField(
        label=_("Which outcomes does it work towards?"),
        queryset=Outcome.objects.order_by("priority__position", "number"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
        error_messages={"required": _("Select at least one outcome")},
    )
    wards = forms.ModelMultipleChoiceField(
        label=_("Which wards?"),
        queryset=Ward.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave blank if it is for the whole town."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Which groups of residents does it aim to help?"),
        queryset=PopulationGroup.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply, or none if it is for everyone."),
    )
    commitment = forms.ModelChoiceField(
        label=_("Which 2028 commitment does it deliver? (optional)"),
        queryset=Commitment.objects.order_by("position", "title"),
        required=False,
        empty_label=_("None"),
    )
    lead_member = forms.ModelChoiceField(
        label=_("Lead taskforce member"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
        help_text=_("Leave as “Me” if you lead it."),
    )
    status = forms.ModelChoiceField(
        label=_("Status"),
        queryset=ActionStatus.objects.order_by("position", "name"),
        empty_label=None,
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter progress as a number from 0 to 100"),
            "invalid": _("Enter progress as a number from 0 to 100"),
            "min_value": _("Progress must be 0 or more"),
            "max_value": _("Progress must be 100 or less"),
        },
    )
    parent = forms.ModelChoiceField(
        label=_("Is it part of a bigger action? (optional)"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("No"),
        help_text=_("A bigger action's progress is the average of its parts."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it?"),
        choices=Action.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Action.Visibility.PUBLIC,
    )
    start_date = _date_field(_("Start date (optional)"))
    due_date = _date_field(_("Due date (optional)"))

    class Meta:
        model = Action
        fields = [
            "title",
            "summary",
            "description",
            "outcomes",
            "commitment",
            "lead_member",
            "lead_organisation",
            "partners",
            "wards",
            "groups",
            "start_date",
            "due_date",
            "status",
            "progress",
            "parent",
            "visibility",
        ]
        labels = {
            "title": _("Title"),
            "summary": _("Summary in plain English"),
            "description": _("Description (optional)"),
            "lead_organisation": _("Lead organisation (optional)"),
            "partners": _("Partners (optional)"),
        }
        help_texts = {
            "summary": _("One or two sentences a resident would understand."),
            "partners": _("Organisations working on it with the lead."),
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "summary": {"required": _("Enter a summary")},
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "partners": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead_field: forms.ModelChoiceField = self.fields["lead_member"]  # type: ignore[assignment]
        lead_field.queryset = (
            User.objects.filter(
                is_active=True,
                groups__name__in=[Role.TASKFORCE_MEMBER.value, Role.TASKFORCE_LEAD.value],
            )
            .distinct()
            .order_by("full_name", "email")
        )
        parent_field: forms.ModelChoiceField = self.fields["parent"]  # type: ignore[assignment]
        parent_field.queryset = parent_choices(exclude=self.instance)
        if self.instance.pk and self.instance.review == Action.Review.PUBLISHED:
            # A published action's status and progress change through updates, which are
            # reviewed and show on its timeline.
            for name in ("status", "progress"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("To change this, post an update.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error(
                "due_date", _("The due date must be the same as or after the start date")
            )
        return cleaned

    def _post_clean(self) -> None:
        # Validation only: the service writes the action, so skip ModelForm's instance update
        # (it would also run the model's check constraints against half-made data).
        pass

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for action_create / action_edit."""
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }


class MilestoneForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_date = _date_field(_("Due date"))
    completed_on = _date_field(_("Reached on (optional)"))
    delete = forms.BooleanField(label=_("Remove this milestone"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_changed() or (cleaned.get("delete") and not cleaned.get("id")):
            return {}
        if not cleaned.get("delete"):
            if not cleaned.get("title"):
                self.add_error("title", _("Enter what the milestone is"))
            if not cleaned.get("due_date") and "due_date" not in self.errors:
                self.add_error(
                    "due_date", _("Enter the milestone's due date, for example 31/3/2026")
                )
        return cleaned


MilestoneFormSet = formset_factory(MilestoneForm, formset=OptionalRowsFormSet, extra=1, max_num=30)


def milestone_inputs(formset: Any) -> list[MilestoneInput]:
    return [
        MilestoneInput(
            pk=row.get("id"),
            title=row.get("title") or "",
            due_date=row.get("due_date") or datetime.date.today(),
            completed_on=row.get("completed_on"),
            delete=bool(row.get("delete")),
        )
        for row in formset.filled_rows()
    ]


def milestone_initial(action: Action) -> list[dict[str, Any]]:
    return [
        {"id": m.pk, "title": m.title, "due_date": m.due_date, "completed_on": m.completed_on}
        for m in action.milestones.all()
    ]


# --- Updates and evidence ----------------------------------------------------------------------


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=_("What has happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what has been done since the last update, in plain English."),
        error_messages={"required": _("Enter what has happened")},
    )
    status = forms.ModelChoiceField(
        label=_("New status (optional)"),
        queryset=ActionStatus.objects.order_by("position", "name"),
        required=False,
        empty_label=_("No change"),
    )
    progress = forms.IntegerField(
        label=_("New progress (%) (optional)"),
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter progress as a number from 0 to 100")},
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["status"].help_text = _("It is now: %(status)s.") % {"status": action.status}
        self.fields["progress"].help_text = _("It is now %(progress)s%%.") % {
            "progress": action.progress
        }

    def clean_progress(self) -> int | None:
        value: int | None = self.cleaned_data.get("progress")
        if value is not None and not 0 <= value <= 100:
            raise ValidationError(_("Enter progress as a number from 0 to 100"))
        return value


class EvidenceForm(forms.Form):
    """One piece of evidence: a link or a file, with a title."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    url = forms.URLField(
        label=_("Link (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, for example https://www.luton.gov.uk")},
    )
    file = forms.FileField(
        label=_("Or upload a file (optional)"),
        required=False,
        help_text=_(
            "PDF, image, Word, Excel, PowerPoint, OpenDocument, CSV or plain text, up to 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("https://", "http://")):
            raise ValidationError(_("Enter a web address starting with https://"))
        return url

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            evidence_file_check(upload, name=upload.name or "", size=upload.size)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_changed():
            return {}
        url, upload = cleaned.get("url"), cleaned.get("file")
        if "url" in self.errors or "file" in self.errors:
            return cleaned
        if url and upload:
            self.add_error("file", _("Give a link or a file, not both"))
        elif not url and not upload:
            self.add_error("url", _("Enter a link or choose a file"))
        if not cleaned.get("title"):
            self.add_error("title", _("Enter a title for the evidence"))
        return cleaned


EvidenceFormSet = formset_factory(EvidenceForm, formset=OptionalRowsFormSet, extra=1, max_num=10)


def evidence_inputs(formset: Any) -> list[EvidenceInput]:
    items = []
    for row in formset.filled_rows():
        upload = row.get("file")
        items.append(
            EvidenceInput(
                title=row["title"],
                url=row.get("url") or "",
                file=upload,
                file_name=upload.name if upload else "",
                file_size=upload.size if upload else None,
            )
        )
    return items


# --- Review --------------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            ("publish", _("Publish it")),
            ("return", _("Return it with a note saying what needs to change")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether to publish it or return it")},
    )
    note = forms.CharField(
        label=_("Note to the member"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed if you return it. They will see it in their email."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "return" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say what needs to change before it can be published"))
        return cleaned
