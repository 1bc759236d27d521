"""Personal data held by the accounts app itself and by the libraries it is built on (allauth's
email addresses and authenticators, Django admin's change log).

Imported from AccountsConfig.ready, beside each app's own `personal_data.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .personal_data import (
    Erasure,
    ExportRow,
    PersonalDataSource,
    register,
    register_not_personal,
)

if TYPE_CHECKING:
    from .models import User

ACCOUNT = _("Your account")
RECORD = _("Record of what you did on the portal")


def _account_rows(user: User) -> QuerySet[Any]:
    from .models import User

    return User.objects.filter(pk=user.pk).prefetch_related("groups")


def _account_row(user: User) -> ExportRow:
    return {
        _("Email address"): user.email,
        _("Full name"): user.full_name,
        _("Account created"): user.date_joined,
        _("Last signed in"): user.last_login,
        # Never the hash itself: it is of no use to the person and of use to an attacker.
        _("Password"): _("Set") if user.has_usable_password() else _("Not set"),
        _("Roles"): sorted(group.name for group in user.groups.all()),
    }


def _email_address_rows(user: User) -> QuerySet[Any]:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


def _email_address_row(address: Any) -> ExportRow:
    return {
        _("Email address"): address.email,
        _("Confirmed"): address.verified,
        _("Main address"): address.primary,
    }


def _email_confirmation_rows(user: User) -> QuerySet[Any]:
    from allauth.account.models import EmailConfirmation

    return EmailConfirmation.objects.filter(email_address__user=user).select_related(
        "email_address"
    )


def _email_confirmation_row(confirmation: Any) -> ExportRow:
    # Never the key: it would confirm the address for whoever reads the file.
    return {
        _("Email address"): confirmation.email_address.email,
        _("Created"): confirmation.created,
        _("Sent"): confirmation.sent,
    }


def _authenticator_rows(user: User) -> QuerySet[Any]:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).order_by("created_at")


def _authenticator_row(authenticator: Any) -> ExportRow:
    # Never `data`: it holds the TOTP secret and the recovery codes.
    return {
        _("Type"): authenticator.get_type_display(),
        _("Set up"): authenticator.created_at,
        _("Last used"): authenticator.last_used_at,
    }


def _admin_log_rows(user: User) -> QuerySet[Any]:
    from django.contrib.admin.models import LogEntry

    return LogEntry.objects.filter(user=user).select_related("content_type")


def _admin_log_row(entry: Any) -> ExportRow:
    # Not object_repr: the thing changed may be someone else's record.
    return {
        _("When"): entry.action_time,
        _("What"): entry.get_action_flag_display(),
        _("Kind of record"): str(entry.content_type) if entry.content_type_id else "",
    }


def _admin_log_about_rows(user: User) -> QuerySet[Any]:
    from django.contrib.admin.models import LogEntry

    from .models import User

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )


def _admin_log_about_row(entry: Any) -> ExportRow:
    return {_("When"): entry.action_time, _("What"): entry.get_action_flag_display()}


register(
    PersonalDataSource(
        model_label="accounts.User",
        fields=("email", "full_name", "password", "last_login", "date_joined"),
        category=ACCOUNT,
        title=_("Account"),
        purpose=_(
            "To let you sign in, follow things, respond to consultations by name and "
            "contact you about what you asked for."
        ),
        lawful_basis=_("Public task: running the council's community portal."),
        retention=_("Until you delete your account."),
        rows_for=_account_rows,
        erasure=Erasure.DELETE,
        export_row=_account_row,
    ),
    PersonalDataSource(
        model_label="account.EmailAddress",
        fields=("user", "email"),
        category=ACCOUNT,
        title=_("Email addresses"),
        purpose=_("To sign you in and to send you the emails you asked for."),
        lawful_basis=_("Public task: running the council's community portal."),
        retention=_("Until you delete your account or remove the address."),
        rows_for=_email_address_rows,
        erasure=Erasure.DELETE,
        export_row=_email_address_row,
    ),
    PersonalDataSource(
        model_label="account.EmailConfirmation",
        fields=("email_address", "key"),
        category=ACCOUNT,
        title=_("Email address confirmations"),
        holds=_("The email address you added and the one-time key in the link we sent to it"),
        purpose=_("To check that an email address you added is yours."),
        lawful_basis=_("Public task: running the council's community portal."),
        retention=_("Until the address is confirmed, or you delete your account."),
        rows_for=_email_confirmation_rows,
        erasure=Erasure.DELETE,
        export_row=_email_confirmation_row,
    ),
    PersonalDataSource(
        model_label="mfa.Authenticator",
        fields=("user", "data"),
        category=ACCOUNT,
        title=_("Two-factor authentication"),
        holds=_("The secret your authenticator app uses, and your recovery codes"),
        purpose=_("To keep your account safe with a second step when you sign in."),
        lawful_basis=_("Public task: keeping the council's systems secure."),
        retention=_("Until you turn it off or delete your account."),
        rows_for=_authenticator_rows,
        erasure=Erasure.DELETE,
        export_row=_authenticator_row,
    ),
    PersonalDataSource(
        model_label="admin.LogEntry",
        fields=("user",),
        category=RECORD,
        title=_("Changes you made in the administration pages"),
        purpose=_("To show which member of staff changed a record in the administration pages."),
        lawful_basis=_("Public task: keeping a record of changes to council records."),
        retention=_(
            "Until your account is deleted; the audit log keeps the change without your name."
        ),
        rows_for=_admin_log_rows,
        erasure=Erasure.DELETE,
        export_row=_admin_log_row,
    ),
    PersonalDataSource(
        model_label="admin.LogEntry",
        fields=("object_repr", "change_message"),
        category=RECORD,
        title=_("Changes staff made to your account"),
        holds=_("Your email address as the record of the change names it, and what changed"),
        purpose=_("To show which member of staff changed your account, and when."),
        lawful_basis=_("Public task: keeping a record of changes to council records."),
        retention=_("Until your account is deleted; then your email address is removed from it."),
        rows_for=_admin_log_about_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={"object_repr": "Erased account", "change_message": ""},
        export_row=_admin_log_about_row,
    ),
)

register_not_personal(
    "auth.Group",
    {"name": "A role's name (such as Council staff), the same for everyone who holds it."},
)
register_not_personal(
    "auth.Permission",
    {"name": "The name of a permission in the software, not of a person."},
)
