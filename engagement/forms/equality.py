"""The optional equality monitoring questions, asked at the end of a response (online or
entered for someone). Every field may be left blank; "Prefer not to say" is an answer too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luton2040.places.models import Ward

from ..models import EqualityMonitoring


class EqualityMonitoringForm(forms.ModelForm):
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.order_by("name"),
        required=False,
        label=_("Which ward do you live in?"),
        empty_label=_("Choose a ward"),
    )

    class Meta:
        model = EqualityMonitoring
        fields = ["ward", "age_band", "sex", "ethnic_group", "disability"]
        labels = {
            "age_band": _("What is your age?"),
            "sex": _("What is your sex?"),
            "ethnic_group": _("What is your ethnic group?"),
            "disability": _(
                "Do you have a physical or mental health condition or illness that has lasted "
                "or is expected to last 12 months or more, and reduces your ability to carry "
                "out day-to-day activities?"
            ),
        }
        widgets = {
            "age_band": forms.RadioSelect,
            "sex": forms.RadioSelect,
            "ethnic_group": forms.RadioSelect,
            "disability": forms.RadioSelect,
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("age_band", "sex", "ethnic_group", "disability"):
            field = self.fields[name]
            field.required = False
            # Radio buttons, without Django's "---------" blank choice.
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]

    def has_answers(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.Meta.fields)
