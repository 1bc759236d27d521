"""Template helpers that render Django form fields as GOV.UK Design System markup.

Used by templates/includes/field.html (our own forms) and the allauth element overrides in
templates/allauth/elements/, so every form on the portal follows the same error pattern.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

# GOV.UK class for each Django widget type (BoundField.widget_type).
_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}

# allauth's labels are title case ("Remember Me", "Password (again)"); GOV.UK content style is
# sentence case and says what to do. Keyed by form class name, then field name, so one
# allauth field (password1) can read "Create a password" on sign-up and "New password" on
# the change-password page.
_ALLAUTH_LABELS: dict[str, dict[str, Any]] = {
    "LoginForm": {
        "login": _("Email address"),
        "password": _("Password"),
        "remember": _("Keep me signed in on this device"),
    },
    "SignupForm": {
        "email": _("Email address"),
        "password1": _("Create a password"),
        "password2": _("Confirm your password"),
    },
    "ResetPasswordForm": {"email": _("Email address")},
    "ResetPasswordKeyForm": {
        "password1": _("New password"),
        "password2": _("Confirm your new password"),
    },
    "ChangePasswordForm": {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("Confirm your new password"),
    },
    "SetPasswordForm": {
        "password1": _("Password"),
        "password2": _("Confirm your password"),
    },
    # With ACCOUNT_CHANGE_EMAIL, AddEmailForm is the "change your email address" form.
    "AddEmailForm": {"email": _("New email address")},
    "ChangeEmailForm": {"email": _("New email address")},
    "ReauthenticateForm": {"password": _("Password")},
    "ActivateTOTPForm": {"code": _("Code from your authenticator app")},
    "AuthenticateForm": {"code": _("Code from your authenticator app, or a recovery code")},
    "ReauthenticateTOTPForm": {"code": _("Code from your authenticator app")},
    "DeactivateTOTPForm": {},
}


@register.filter
def govuk_label(field: forms.BoundField) -> Any:
    """The label to show for a field: our plain-English wording for allauth, else its own."""
    labels = _ALLAUTH_LABELS.get(type(field.form).__name__, {})
    return labels.get(field.name, field.label)


def _hint(field: forms.BoundField) -> str:
    # allauth's help texts can be lazy strings that render empty; only real text is a hint.
    return str(field.help_text or "").strip()


@register.filter
def govuk_hint(field: forms.BoundField) -> str:
    """The field's hint (its help_text), or "" when it has none. Help text is trusted HTML."""
    return mark_safe(_hint(field))  # noqa: S308 - help_text is set in code, as Django treats it


@register.filter
def govuk_anchor(field: forms.BoundField) -> str:
    """The id an error summary link should jump to: the input itself, or a group's first option."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label or field.auto_id or ""


@register.filter
def govuk_first_field_anchor(form: forms.BaseForm) -> str:
    """Where a non-field error ("the email address and password are not correct") links to."""
    for field in form.visible_fields():
        return govuk_anchor(field)
    return ""


@register.simple_tag
def govuk_widget(field: forms.BoundField, extra_classes: str = "") -> SafeString:
    """Render a text-like widget with the GOV.UK class, error state and described-by ids.

    Placeholders are dropped: GOV.UK asks for labels and hints instead, because placeholder text
    disappears as you type and often fails contrast. autocomplete and other attributes stay.
    """
    widget = copy.copy(field.field.widget)
    widget.attrs = {k: v for k, v in widget.attrs.items() if k != "placeholder"}
    base = _INPUT_CLASSES.get(field.widget_type, "govuk-input")
    classes = [base]
    if field.errors:
        classes.append(_ERROR_CLASSES[base])
    if existing := widget.attrs.pop("class", ""):
        classes.append(existing)
    if extra_classes:
        classes.append(extra_classes)
    elif widget.attrs.get("autocomplete") == "one-time-code":
        # Security codes are short; a short box tells people what to expect.
        classes.append("govuk-input--width-10")
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    described_by = []
    if _hint(field):
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.widget_type in ("email", "password", "text", "number", "url", "tel"):
        # GOV.UK turns off spellcheck on inputs where it only gets in the way.
        attrs.setdefault("spellcheck", "false")
    return field.as_widget(widget=widget, attrs=attrs)


@register.filter
def govuk_describedby(field: forms.BoundField) -> str:
    """aria-describedby for a fieldset (radios, checkboxes): hint then error."""
    ids = []
    if _hint(field):
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def has_tag(tags: list[str] | None, name: str) -> bool:
    """allauth passes element tags ("prominent,login") as a list; ask whether one is present."""
    return name in (tags or [])
