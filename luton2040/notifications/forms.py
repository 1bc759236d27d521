"""Forms for the people's side of notifications: preferences and "Get updates"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from . import kinds
from .kinds import Frequency
from .subscriptions import Subject, subject_from_values


def _field_name(kind_key: str) -> str:
    return "kind-" + kind_key.replace(".", "-")


class PreferencesForm(forms.Form):
    """One "how often" radios group for every kind a person may switch off. Kinds that are
    always sent get no field at all, so nothing posted can change them."""

    def __init__(
        self,
        *args: Any,
        user: object,
        initial_frequencies: dict[str, Frequency],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.kind_for_field: dict[str, str] = {}
        for kind in kinds.kinds_for(user):
            if not kind.can_switch_off:
                continue
            name = _field_name(kind.key)
            self.kind_for_field[name] = kind.key
            self.fields[name] = forms.ChoiceField(
                label=str(kind.label),  # built per request, in its language
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                initial=initial_frequencies.get(kind.key, kind.default),
                error_messages={
                    "required": _("Select how often you want to hear: %(label)s")
                    % {"label": kind.label},
                    "invalid_choice": _("Select one of the options for: %(label)s")
                    % {"label": kind.label},
                },
            )

    def choices(self) -> dict[str, Frequency]:
        """The chosen frequency for each kind, once the form is valid."""
        return {
            kind: Frequency(self.cleaned_data[name]) for name, kind in self.kind_for_field.items()
        }


class FollowForm(forms.Form):
    """The "Get updates" form: which thing (hidden), and an email address if not signed in.

    `website` is a honeypot: people never see it (it is hidden from sight and from assistive
    technology), so a value in it means a bot filled the form in.
    """

    target = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    ward = forms.SlugField(required=False, max_length=100, widget=forms.HiddenInput)
    topic = forms.SlugField(required=False, max_length=100, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        help_text=_("We will send you a link to confirm. We will not use it for anything else."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com")
        },
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, needs_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_email = needs_email
        self.subject: Subject | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.needs_email and not self.errors.get("email") and not cleaned.get("email"):
            self.add_error("email", _("Enter your email address"))
        self.subject = subject_from_values(
            target=cleaned.get("target") or "",
            ward=cleaned.get("ward") or "",
            topic=cleaned.get("topic") or "",
        )
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def safe_next(self, *, host: str, secure: bool) -> str:
        """The page to go back to, if it is on this site."""
        value = str(self.cleaned_data.get("next") or "") if hasattr(self, "cleaned_data") else ""
        if value and url_has_allowed_host_and_scheme(
            value, allowed_hosts={host}, require_https=secure
        ):
            return value
        return ""
