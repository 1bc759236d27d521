"""How long engagement keeps personal data (see luton2040/accounts/retention.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.retention import RetentionRule, register, rows_deleted

from .models import Consultation, OutcomeRequest, Response


def _assembly_volunteers_erase(cutoff: datetime.datetime) -> int:
    # Everyone who registered, selected or not, is kept until a year after the last session:
    # the selected may be asked to follow up the council's response, and the whole pool is
    # what a challenged draw is replayed from. The registration page promises 12 months.
    from .services.assemblies import volunteers_erase_expired

    return volunteers_erase_expired(ended_before=timezone.localdate(cutoff))


def _volunteers_not_selected_anonymise(cutoff: datetime.datetime) -> int:
    # Someone the draw did not choose (and who is not a reserve) will not be contacted again,
    # so their name and contact details go well before the assembly ends. Their features stay
    # with an id, so the draw can still be replayed from the same pool.
    from .services.assemblies import volunteers_not_selected_anonymise

    return volunteers_not_selected_anonymise(drawn_before=cutoff)


def _abandoned_drafts_delete(cutoff: datetime.datetime) -> int:
    # A response started and never sent cannot be sent once its consultation closes, and it
    # is not counted in any result (results read sent responses only), so deleting it changes
    # no figure. Counted from the close, not from the draft's own dates: anonymous drafts
    # carry no timestamps at all. A signed-in person's draft is tied to their account.
    return rows_deleted(
        Response.objects.filter(
            status=Response.Status.IN_PROGRESS, consultation__closes_at__lt=cutoff
        )
    )


def _outcome_requests_delete(cutoff: datetime.datetime) -> int:
    # The request exists to tell someone what came of a consultation. Once the outcome is
    # published (it is published once: outcome_publish is a no-op the second time) and they
    # have been told, it has done its job. Kept a while after so a resident's "I was never
    # told" can be checked.
    return rows_deleted(
        OutcomeRequest.objects.filter(
            notified_at__lt=cutoff,
            consultation__status=Consultation.Status.OUTCOME_PUBLISHED,
        )
    )


register(
    RetentionRule(
        key="assembly_volunteers",
        kind=_("Citizens' assembly volunteers"),
        what_happens=_(
            "If you register for a citizens' assembly, whether or not you are selected, we "
            "delete your details %(period)s after the assembly's last session."
        ),
        model_label="engagement.Volunteer",
        default_days=365,
        apply=_assembly_volunteers_erase,
    ),
    RetentionRule(
        key="assembly_volunteers_not_selected",
        kind=_("Citizens' assembly volunteers not selected"),
        what_happens=_(
            "If the draw does not choose you and you are not a reserve, we delete your name "
            "and contact details %(period)s after the draw. We keep your answers about "
            "yourself (such as your ward and age band) without your name, so the draw can be "
            "checked."
        ),
        model_label="engagement.Volunteer",
        default_days=90,
        apply=_volunteers_not_selected_anonymise,
    ),
    RetentionRule(
        key="abandoned_responses",
        kind=_("Consultation responses never sent"),
        what_happens=_(
            "If you start a response and never send it, we delete it %(period)s after the "
            "consultation closes."
        ),
        model_label="engagement.Response",
        default_days=30,
        apply=_abandoned_drafts_delete,
    ),
    RetentionRule(
        key="outcome_requests",
        kind=_("Requests to hear the outcome of a consultation"),
        what_happens=_(
            "If you ask to hear what came of a consultation, we delete your request %(period)s "
            "after we have told you."
        ),
        model_label="engagement.OutcomeRequest",
        default_days=90,
        apply=_outcome_requests_delete,
    ),
)
