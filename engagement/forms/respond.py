"""The forms around the survey's own pages: how to respond, "check your answers" (receipt and
hearing back), and "save and come back later". Each carries the honeypot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# The honeypot's name. Hidden from sight and from assistive technology (see
# templates/engagement/respond/includes/honeypot.html), so only a bot fills it in.
HONEYPOT = "website"

EMAIL_ERRORS = {
    "invalid": _("Enter an email address in the correct format, like name@example.com"),
    "max_length": _("Email address must be 254 characters or fewer"),
}


def is_bot(data: Any) -> bool:
    """True when the honeypot was filled in."""
    return bool(str(data.get(HONEYPOT) or "").strip())


class HoneypotMixin(forms.Form):
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return is_bot(self.data)


class StartForm(forms.Form):
    """A signed-in person may respond with their account or, where the consultation allows
    it, anonymously (nothing then links the response to their account)."""

    ACCOUNT = "account"
    ANONYMOUS = "anonymous"

    how = forms.ChoiceField(
        label=_("How do you want to respond?"),
        choices=[
            (ACCOUNT, _("With my account, so I can change my response later")),
            (ANONYMOUS, _("Anonymously, so my response is not linked to my account")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how you want to respond")},
    )


class CheckAnswersForm(HoneypotMixin):
    """ "Email me a receipt" and "Tell me what happened as a result" on the check page. An
    account holder's receipt and outcome go to their account; anyone else gives an address."""

    receipt = forms.BooleanField(label=_("Email me a receipt"), required=False)
    hear_back = forms.BooleanField(
        label=_("Tell me what happened as a result"),
        required=False,
        help_text=_("We will email you once when we publish what we decided and why."),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        help_text=_("Only for the messages you ticked. We do not keep it with your response."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )

    def __init__(self, *args: Any, needs_email: bool, offer_hear_back: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.needs_email = needs_email
        if not needs_email:
            del self.fields["email"]
        if not offer_hear_back:
            del self.fields["hear_back"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wants_mail = cleaned.get("receipt") or cleaned.get("hear_back")
        if (
            self.needs_email
            and wants_mail
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error(
                "email", _("Enter your email address, or untick the emails you asked for")
            )
        return cleaned


class SaveForLaterForm(HoneypotMixin):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "We will send you a link to come back to your response. We do not keep your email "
            "address with your response."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": _("Enter your email address"), **EMAIL_ERRORS},
    )
