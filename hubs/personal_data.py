"""What the service directory holds about people.

Most of the directory is about organisations, not people: a listing's email, phone and address
are the organisation's published contact details (recorded below as not personal, with why).
What is about people: reports residents send about a listing (an optional email address), the
edits organisation editors propose, which organisations an editor may edit, and who last
verified a listing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.personal_data import (
    Erasure,
    ExportRow,
    PersonalDataSource,
    register,
    register_not_personal,
    same_email,
)

from .models import ListingEdit, ListingReport, OrganisationEditor, Service

if TYPE_CHECKING:
    from luton2040.accounts.models import User

FEEDBACK = _("Feedback on the directory")
DIRECTORY_WORK = _("Work on the directory")
PUBLIC_TASK = _("Public task: keeping the council's directory of services correct.")


def _report_rows(user: User) -> QuerySet[Any]:
    # A report needs no account: it is theirs if they left an address that is proven theirs.
    return (
        ListingReport.objects.filter(same_email("email", user))
        .select_related("service", "location")
        .order_by("-created_at")
    )


def _report_row(report: ListingReport) -> ExportRow:
    return {
        _("Listing"): str(report.service or report.location or ""),
        _("What is wrong"): report.get_problem_display(),
        _("Details"): report.details,
        _("Email address"): report.email,
        _("Status"): report.get_status_display(),
        _("Reported"): report.created_at,
        _("What we did"): report.resolution,
    }


def _edit_rows(user: User) -> QuerySet[Any]:
    return (
        ListingEdit.objects.filter(submitted_by=user)
        .select_related("organisation")
        .order_by("submitted_at")
    )


def _edit_row(edit: ListingEdit) -> ExportRow:
    return {
        _("Organisation"): str(edit.organisation),
        _("Listing"): edit.proposed.get("name", "") if isinstance(edit.proposed, dict) else "",
        _("Status"): edit.get_status_display(),
        _("Submitted"): edit.submitted_at,
        _("Decided"): edit.decided_at,
    }


def _decision_rows(user: User) -> QuerySet[Any]:
    return (
        ListingEdit.objects.filter(decided_by=user)
        .select_related("organisation")
        .order_by("decided_at")
    )


def _decision_row(edit: ListingEdit) -> ExportRow:
    # Not who proposed it: that is someone else's personal data.
    return {
        _("Organisation"): str(edit.organisation),
        _("Decision"): edit.get_status_display(),
        _("Decided"): edit.decided_at,
    }


def _editor_rows(user: User) -> QuerySet[Any]:
    return OrganisationEditor.objects.filter(user=user).select_related("organisation")


def _editor_row(binding: OrganisationEditor) -> ExportRow:
    return {_("Organisation"): str(binding.organisation)}


def _verified_rows(user: User) -> QuerySet[Any]:
    return Service.objects.filter(same_email("assurer_email", user)).order_by("name")


def _verified_row(service: Service) -> ExportRow:
    return {
        _("Service"): service.name,
        _("Verified by"): service.assurer_email,
        _("Last verified"): service.assured_date,
    }


register(
    PersonalDataSource(
        model_label="hubs.ListingReport",
        fields=("email",),
        category=FEEDBACK,
        title=_("Problems you reported with a listing"),
        purpose=_("To tell you what we did about a problem you reported, if you asked us to."),
        lawful_basis=_("Consent: the email address is optional."),
        retention=_("Until the report is resolved and a short time has passed."),
        rows_for=_report_rows,
        erasure=Erasure.ANONYMISE,
        # The report itself stays: the listing still needs checking, and staff count reports.
        anonymise={"email": ""},
        export_row=_report_row,
    ),
    PersonalDataSource(
        model_label="hubs.ListingEdit",
        fields=("submitted_by",),
        category=DIRECTORY_WORK,
        title=_("Listing changes you proposed"),
        purpose=_("To show council staff who proposed a change to a listing."),
        lawful_basis=PUBLIC_TASK,
        retention=_("As long as the listing's history is kept."),
        rows_for=_edit_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={"submitted_by": None},
        export_row=_edit_row,
    ),
    PersonalDataSource(
        model_label="hubs.ListingEdit",
        fields=("decided_by",),
        category=DIRECTORY_WORK,
        title=_("Listing changes you reviewed"),
        purpose=_("To show which member of staff approved or turned down a change."),
        lawful_basis=PUBLIC_TASK,
        retention=_("As long as the listing's history is kept."),
        rows_for=_decision_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={"decided_by": None},
        export_row=_decision_row,
    ),
    PersonalDataSource(
        model_label="hubs.OrganisationEditor",
        fields=("user",),
        category=DIRECTORY_WORK,
        title=_("Organisations you edit"),
        purpose=_("To let you keep your organisation's listings correct."),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "Until the organisation or the council removes you, or you delete your account."
        ),
        rows_for=_editor_rows,
        erasure=Erasure.DELETE,
        export_row=_editor_row,
    ),
    PersonalDataSource(
        model_label="hubs.Service",
        fields=("assurer_email",),
        category=DIRECTORY_WORK,
        title=_("Listings you confirmed were correct"),
        purpose=_("To show who last checked that a listing is correct."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until someone checks the listing again, or you delete your account."),
        rows_for=_verified_rows,
        erasure=Erasure.ANONYMISE,
        # The date it was checked stays: residents rely on it.
        anonymise={"assurer_email": ""},
        export_row=_verified_row,
    ),
    PersonalDataSource(
        model_label="hubs.Contact",
        fields=("name", "email"),
        category=DIRECTORY_WORK,
        title=_("Named contacts for services"),
        purpose=_("To show residents whom to contact about a service."),
        lawful_basis=_("Legitimate interests: the organisation chose to publish the contact."),
        retention=_("Until the organisation changes or removes the contact."),
        # Given by the organisation, not by an account holder: nothing ties it to an account.
        rows_for=None,
        erasure=Erasure.KEEP,
        kept_because=_(
            "The organisation published it. Ask the organisation or the council to change it."
        ),
    ),
)

ORGANISATION_DATA = (
    "The organisation's published contact details for the public, given by the organisation "
    "itself; a named person's details go in Contact, which is registered."
)
PLACE_NAME = "The name of a place, service or organisation, not of a person."

register_not_personal(
    "hubs.Service",
    {
        "name": PLACE_NAME,
        "alternate_name": PLACE_NAME,
        "email": ORGANISATION_DATA,
    },
)
register_not_personal("hubs.Location", {"name": PLACE_NAME, "alternate_name": PLACE_NAME})
register_not_personal("hubs.Organisation", {"name": PLACE_NAME, "email": ORGANISATION_DATA})
register_not_personal(
    "hubs.Address",
    {
        "address_1": "A service's or venue's published address, not a home address.",
        "address_2": "A service's or venue's published address, not a home address.",
        "postal_code": "A service's or venue's published postcode, not a home postcode.",
        "address_type": "Whether the address is where to go or where to write: a choice.",
    },
)
register_not_personal(
    "hubs.Phone",
    {"contact": "A link to the Contact the number belongs to; the Contact is registered."},
)
register_not_personal(
    "hubs.Language",
    {
        "name": "The name of a language spoken at a service.",
        "phone": "A link to the phone line where the language is spoken.",
    },
)
register_not_personal("hubs.ServiceArea", {"name": "The name of an area a service covers."})
register_not_personal("hubs.Taxonomy", {"name": "The name of a list of categories."})
register_not_personal("hubs.TaxonomyTerm", {"name": "The name of a category of service."})
