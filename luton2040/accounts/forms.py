"""Forms for the account pages that are ours rather than allauth's."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ReauthenticateForm
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(ReauthenticateForm):
    """Deleting an account asks for the password again. allauth checks it, with its rate limit
    on failed sign-ins, so this form cannot be used to guess a password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        password = self.fields["password"]
        password.label = _("Your password")
        password.help_text = _("To check it is you.")
        password.error_messages["required"] = _("Enter your password")
