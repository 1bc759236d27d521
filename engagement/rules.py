"""Object permissions for consultations, responses and assemblies.

Who may do what (views ask ``user.has_perm("engagement.x", obj)``; services trust their callers):

- view_consultation: a published consultation, everyone; a draft, council staff.
- manage_consultation (create, edit, publish, build the survey, see results and export,
  write the outcome), manage_assembly (and run its draw): council staff with two-factor
  authentication. Staff pages live under /staff/, whose gate asks for MFA already; the rule
  asks again so a view reached another way cannot skip it.
- respond: the consultation is open.
- change_response: the respondent's own signed-in response while the consultation is open
  (anonymous responses are changed by their secret link, which the view checks).
- enter_assisted_response: council staff and organisation editors (the people who run hubs),
  while the consultation is open or, for postal responses, in the grace period after it.
- view_consultation_results: published results, everyone, once the consultation has closed
  and staff chose to publish them; council staff always.
"""

from __future__ import annotations

from typing import Any

import rules

from luton2040.accounts.rules import is_organisation_editor, staff_with_mfa

from .models import Consultation, Response


@rules.predicate
def is_published(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.status != Consultation.Status.DRAFT


@rules.predicate
def is_open(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.status == Consultation.Status.OPEN


@rules.predicate
def takes_assisted_responses(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.status in (
        Consultation.Status.OPEN,
        Consultation.Status.CLOSED,  # postal grace period
    )


@rules.predicate
def results_are_public(user: Any, consultation: Consultation | None) -> bool:
    return (
        consultation is not None
        and consultation.publish_results
        and consultation.status
        in (
            Consultation.Status.CLOSED,
            Consultation.Status.AWAITING_OUTCOME,
            Consultation.Status.OUTCOME_PUBLISHED,
        )
    )


@rules.predicate
def is_own_response(user: Any, response: Response | None) -> bool:
    return (
        response is not None
        and getattr(user, "is_authenticated", False)
        and response.respondent_id == user.pk
    )


@rules.predicate
def response_still_open(user: Any, response: Response | None) -> bool:
    return response is not None and response.consultation.status == Consultation.Status.OPEN


runs_engagement = staff_with_mfa

rules.add_perm("engagement.view_consultation", is_published | staff_with_mfa)
rules.add_perm("engagement.manage_consultation", runs_engagement)
rules.add_perm("engagement.respond", is_open)
rules.add_perm("engagement.change_response", is_own_response & response_still_open)
rules.add_perm(
    "engagement.enter_assisted_response",
    (staff_with_mfa | is_organisation_editor) & takes_assisted_responses,
)
rules.add_perm("engagement.view_consultation_results", results_are_public | runs_engagement)
rules.add_perm("engagement.manage_assembly", runs_engagement)
