"""What the engagement app holds about people: responses made by name, requests to hear the
outcome, assembly registrations, and the work staff do on consultations and assemblies.

Anonymous responses and equality monitoring answers have no link to a person by design (see
models/responses.py), so there is nothing here to export or erase for them. When an account is
deleted, a response made by name becomes exactly what an anonymous response is: no account,
no time of day, no way back to the person; it is still counted in the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.personal_data import (
    Erasure,
    ErasureContext,
    ExportRow,
    PersonalDataSource,
    register,
    register_not_personal,
    same_email,
)

from .models import (
    Answer,
    Consultation,
    ConsultationOutcome,
    OutcomeRequest,
    Response,
    SelectionRun,
    Volunteer,
)
from .selectors.responses import _display_row
from .services.assemblies import ERASED_EMAIL_DOMAIN

if TYPE_CHECKING:
    from luton2040.accounts.models import User

CONSULTATIONS = _("Consultations you took part in")
ASSEMBLIES = _("Citizens' assemblies")
STAFF_WORK = _("Work on consultations and assemblies")
PUBLIC_TASK = _("Public task: consulting residents on the council's decisions.")


def _response_rows(user: User) -> QuerySet[Any]:
    return (
        Response.objects.filter(respondent=user)
        .select_related("consultation")
        .order_by("submitted_on", "pk")
    )


def _response_row(response: Response) -> ExportRow:
    return {
        _("Consultation"): str(response.consultation),
        _("Status"): response.get_status_display(),
        _("How you responded"): response.get_channel_display(),
        _("Sent"): response.submitted_at or response.submitted_on,
        _("Last changed"): response.updated_at,
    }


def _responses_erase(context: ErasureContext) -> int:
    mine = Response.objects.filter(respondent=context.user)
    # A response never sent is counted nowhere: it goes, with its answers.
    unsent = list(mine.filter(status=Response.Status.IN_PROGRESS).values_list("pk", flat=True))
    Response.objects.filter(pk__in=unsent).delete()
    # A sent one is counted in the results, so it stays, made like an anonymous one: no
    # account, no time of day (the date stays, as it does for anonymous responses), and no
    # link to come back and edit it.
    sent = mine.update(respondent=None, submitted_at=None, updated_at=None, resume_token_hash="")
    return len(unsent) + sent


def _answer_rows(user: User) -> QuerySet[Any]:
    return (
        Answer.objects.filter(response__respondent=user)
        .select_related("question", "response__consultation", "ward")
        .prefetch_related("question__options")
        .order_by("response__consultation__title", "question__position")
    )


def _answer_row(answer: Answer) -> ExportRow:
    return {
        _("Consultation"): str(answer.response.consultation),
        _("Question"): answer.question.text,
        _("Your answer"): _display_row(answer.question, answer).text,
    }


def _postcode_district(answer: Answer) -> str:
    # "LU1 3AB" -> "LU1": the district still counts as an answer (the results count answered
    # questions) and is shared by thousands of homes, so it no longer points at one.
    postcode = answer.postcode.strip().upper()
    if not postcode:
        return ""
    return postcode.split()[0] if " " in postcode else postcode[:-3] or postcode


def _entered_rows(user: User) -> QuerySet[Any]:
    return (
        Response.objects.filter(entered_by=user)
        .select_related("consultation")
        .order_by("submitted_on", "pk")
    )


def _entered_row(response: Response) -> ExportRow:
    # Never the answers or whose response it is: those are the resident's, not yours.
    return {
        _("Consultation"): str(response.consultation),
        _("How it was given"): response.get_channel_display(),
        _("Sent"): response.submitted_on,
    }


def _outcome_request_rows(user: User) -> QuerySet[Any]:
    return (
        OutcomeRequest.objects.filter(
            Q(user=user) | (Q(user__isnull=True) & same_email("email", user))
        )
        .select_related("consultation")
        .order_by("created_on", "pk")
    )


def _outcome_request_row(request: OutcomeRequest) -> ExportRow:
    return {
        _("Consultation"): str(request.consultation),
        _("Email address"): request.email or None,
        _("Asked on"): request.created_on,
        _("Told you on"): request.notified_at,
    }


def _volunteer_rows(user: User) -> QuerySet[Any]:
    return (
        Volunteer.objects.filter(Q(user=user) | same_email("email", user))
        .select_related("assembly")
        .prefetch_related("categories__feature")
        .order_by("registered_at", "pk")
    )


def _volunteer_row(volunteer: Volunteer) -> ExportRow:
    return {
        _("Assembly"): str(volunteer.assembly),
        _("Full name"): volunteer.name,
        _("Email address"): volunteer.email,
        _("Phone number"): volunteer.phone,
        _("Postcode"): volunteer.postcode,
        _("What you told us about yourself"): [
            f"{category.feature.name}: {category.label}" for category in volunteer.categories.all()
        ],
        _("Status"): volunteer.get_status_display(),
        _("Registered"): volunteer.registered_at,
        _("Invited"): volunteer.invited_at,
    }


def _volunteer_status(volunteer: Volunteer) -> str:
    # Not drawn yet: withdrawn, so the draw cannot pick someone nobody can contact. Already
    # drawn: the status stays, so the published draw still adds up and can be replayed.
    if volunteer.status == Volunteer.Status.REGISTERED:
        return Volunteer.Status.WITHDRAWN
    return volunteer.status


def _staff_row(title: Any, when: str) -> Any:
    def row(obj: Any) -> ExportRow:
        return {title: str(obj), _("When"): getattr(obj, when)}

    return row


register(
    PersonalDataSource(
        model_label="engagement.Response",
        fields=("respondent", "submitted_at", "updated_at", "resume_token_hash"),
        category=CONSULTATIONS,
        title=_("Your responses"),
        holds=_(
            "A link to your account, when you sent and last changed each response, and a "
            "scrambled copy of your save-and-return link (the link itself is never stored)"
        ),
        purpose=_(
            "To let you save and come back to a response, change it until the consultation "
            "closes, and make sure each person responds once where that is the rule."
        ),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "Your name is kept with a response until you delete your account; the response "
            "itself is kept as long as the consultation's record."
        ),
        rows_for=_response_rows,
        erasure=Erasure.ANONYMISE,
        erase=_responses_erase,
        export_row=_response_row,
    ),
    PersonalDataSource(
        model_label="engagement.Answer",
        fields=("postcode",),
        category=CONSULTATIONS,
        title=_("Your answers"),
        purpose=_("To count and read what residents said when deciding."),
        lawful_basis=PUBLIC_TASK,
        retention=_("As long as the consultation's record, without your name."),
        rows_for=_answer_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={"postcode": _postcode_district},
        kept_because=_("Your answers are counted in the consultation's results."),
        export_row=_answer_row,
    ),
    PersonalDataSource(
        model_label="engagement.OutcomeRequest",
        fields=("user", "email"),
        category=CONSULTATIONS,
        title=_("Outcomes you asked to hear about"),
        purpose=_("To tell you what the council decided after a consultation you took part in."),
        lawful_basis=_("Consent: you asked to be told."),
        retention=_("Until we have told you the outcome, or you delete your account."),
        rows_for=_outcome_request_rows,
        erasure=Erasure.DELETE,
        export_row=_outcome_request_row,
    ),
    PersonalDataSource(
        model_label="engagement.Volunteer",
        fields=("user", "name", "email", "phone", "postcode", "categories"),
        category=ASSEMBLIES,
        title=_("Assemblies you registered for"),
        purpose=_(
            "To draw assembly members by lot so that they reflect the town, and to contact "
            "the people drawn."
        ),
        lawful_basis=_("Consent: you registered to take part."),
        retention=_(
            "For the periods below, which depend on whether the draw chose you, or until you "
            "delete your account."
        ),
        rows_for=_volunteer_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={
            "user": None,
            "name": "Erased volunteer",
            "email": lambda volunteer: f"volunteer-{volunteer.pk}{ERASED_EMAIL_DOMAIN}",
            "phone": "",
            "postcode": "",
            "status": _volunteer_status,
        },
        kept_because=_(
            "What you told us about yourself (such as your age band) stays without your name, "
            "so a draw already made still adds up."
        ),
        export_row=_volunteer_row,
    ),
    PersonalDataSource(
        model_label="engagement.Response",
        fields=("entered_by",),
        category=STAFF_WORK,
        title=_("Responses you typed in for residents"),
        purpose=_("To show which member of staff typed in a paper, phone or assisted response."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until your account is deleted; the response itself stays."),
        rows_for=_entered_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={"entered_by": None},
        export_row=_entered_row,
    ),
    PersonalDataSource(
        model_label="engagement.Consultation",
        fields=("created_by",),
        category=STAFF_WORK,
        title=_("Consultations you created"),
        purpose=_("To show which member of staff set up a consultation."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until your account is deleted; the consultation stays."),
        rows_for=lambda user: Consultation.objects.filter(created_by=user).order_by("pk"),
        erasure=Erasure.ANONYMISE,
        anonymise={"created_by": None},
        export_row=_staff_row(_("Consultation"), "created_at"),
    ),
    PersonalDataSource(
        model_label="engagement.Consultation",
        fields=("contact_email",),
        category=STAFF_WORK,
        title=_("Consultations that give your email address for questions"),
        purpose=_("To let residents ask questions about a consultation."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until the consultation's page is changed, or your account is deleted."),
        rows_for=lambda user: Consultation.objects.filter(same_email("contact_email", user)),
        erasure=Erasure.ANONYMISE,
        anonymise={"contact_email": ""},
        export_row=lambda consultation: {
            _("Consultation"): str(consultation),
            _("Email for questions about it"): consultation.contact_email,
        },
    ),
    PersonalDataSource(
        model_label="engagement.ConsultationOutcome",
        fields=("published_by",),
        category=STAFF_WORK,
        title=_("Outcomes you published"),
        purpose=_("To show which member of staff published a consultation's outcome."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until your account is deleted; the published outcome stays."),
        rows_for=lambda user: (
            ConsultationOutcome.objects.filter(published_by=user)
            .select_related("consultation")
            .order_by("pk")
        ),
        erasure=Erasure.ANONYMISE,
        anonymise={"published_by": None},
        export_row=_staff_row(_("Outcome of"), "published_at"),
    ),
    PersonalDataSource(
        model_label="engagement.SelectionRun",
        fields=("requested_by",),
        category=STAFF_WORK,
        title=_("Assembly draws you started"),
        purpose=_("To show which member of staff started a draw by lot."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until your account is deleted; the draw and its record stay."),
        rows_for=lambda user: (
            SelectionRun.objects.filter(requested_by=user).select_related("assembly").order_by("pk")
        ),
        erasure=Erasure.ANONYMISE,
        anonymise={"requested_by": None},
        export_row=_staff_row(_("Draw"), "requested_at"),
    ),
)

register_not_personal(
    "engagement.StratificationFeature",
    {"name": "The name of a characteristic an assembly is balanced on (such as age band)."},
)
register_not_personal("engagement.AnswerTag", {"name": "A theme staff use to code answers."})
register_not_personal(
    "engagement.ConsultationDocument",
    {"original_name": "The name of a document the council published with a consultation."},
)
