"""Forms for listing feedback, staff triage and the CSV import."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ListingReport

MAX_DETAILS_LENGTH = 2000


class ListingReportForm(forms.Form):
    """ "Report a problem with this listing". `website` is a honeypot: hidden from sight and
    from assistive technology, so a value in it means a bot filled the form in."""

    problem = forms.ChoiceField(
        label=_("What is wrong with this listing?"),
        choices=ListingReport.Problem.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what is wrong with this listing")},
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_(
            "For example, the new opening times or what has changed. "
            "Do not include personal information about yourself or anyone else."
        ),
        required=False,
        max_length=MAX_DETAILS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _("Details must be %(limit_value)d characters or fewer")
            % {"limit_value": MAX_DETAILS_LENGTH}
        },
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        help_text=_(
            "Only if you want us to tell you when it is fixed. "
            "We will not use it for anything else."
        ),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com")
        },
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("problem") == ListingReport.Problem.OTHER
            and not (cleaned.get("details") or "").strip()
            and "details" not in self.errors
        ):
            self.add_error("details", _("Tell us what is wrong with this listing"))
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ListingReportUpdateForm(forms.ModelForm):
    """Staff move a report on and say what they did (the reporter sees this text)."""

    class Meta:
        model = ListingReport
        fields = ["status", "resolution"]
        widgets = {
            "status": forms.RadioSelect,
            "resolution": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"status": _("Status"), "resolution": _("What we did")}
        help_texts = {
            "resolution": _(
                "The person who reported it can read this. Do not include personal information."
            )
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("status")
        resolved = status in (ListingReport.Status.FIXED, ListingReport.Status.NO_CHANGE)
        if resolved and not (cleaned.get("resolution") or "").strip():
            self.add_error("resolution", _("Say what you did, so the person who reported it knows"))
        return cleaned


class ListingReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ListingReport.Status.choices, empty_label=_("Any status")
    )
    problem = django_filters.ChoiceFilter(
        label=_("Problem"), choices=ListingReport.Problem.choices, empty_label=_("Any problem")
    )

    class Meta:
        model = ListingReport
        fields: list[str] = []


class DirectoryImportForm(forms.Form):
    """Upload a council spreadsheet (CSV). Checking is the default: nothing is written."""

    CHECK = "check"
    IMPORT = "import"

    file = forms.FileField(
        label=_("Upload a CSV file"),
        help_text=_("Saved from a spreadsheet as CSV UTF-8, up to 2 MB."),
        error_messages={
            "required": _("Select a CSV file"),
            "empty": _("The selected file is empty"),
        },
    )
    mode = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            (CHECK, _("Check the file only (nothing is changed)")),
            (IMPORT, _("Import the file (changes the directory if every row is correct)")),
        ],
        initial=CHECK,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether to check or import the file")},
    )
