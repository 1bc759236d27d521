"""Writes for "we asked, you said, we did": the outcome's text, its decisions and the taskforce
actions that carry them out, and publishing it.

Publishing tells two groups, each once however often it runs:

- everyone who responded and asked to hear back (``OutcomeRequest``), by account or by the
  address they gave, with a kind that cannot be switched off (``OUTCOME_FOR_RESPONDENT``): each
  request is claimed (``notified_at``) in the same transaction as its outbox row;
- followers of the consultation (``OUTCOME_PUBLISHED``, which they may switch off), leaving out
  anyone already told as a respondent, so nobody gets the same news twice.

Taskforce actions are only ever created and read through the taskforce's own service and
selector (DESIGN.md: engagement calls taskforce services, never writes its models).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luton2040 import audit
from luton2040.notifications.services import Recipient, notify
from luton2040.notifications.subscriptions import recipients_for
from taskforce.selectors.tracker import public_actions
from taskforce.services.actions import action_create, action_submit

from .. import kinds
from ..models import Consultation, ConsultationOutcome, Decision, OutcomeDecision, OutcomeRequest

if TYPE_CHECKING:
    from luton2040.accounts.models import User
    from taskforce.models import Action, Outcome

# A consultation may have its outcome published once it has stopped taking responses.
PUBLISHABLE = (Consultation.Status.CLOSED, Consultation.Status.AWAITING_OUTCOME)
OUTCOME_FIELDS = ("we_asked", "you_said", "we_did", "late_reason")


class OutcomeError(Exception):
    """The change is not allowed now; the message says why, in words for the person who
    tried."""


def is_late(consultation: Consultation, *, on: datetime.date | None = None) -> bool:
    """Publishing on `on` (today) is later than the 12 weeks the Consultation Principles ask."""
    return (on or timezone.localdate()) > consultation.outcome_due


# --- The outcome's text --------------------------------------------------------------------


@transaction.atomic
def outcome_save(
    *,
    consultation: Consultation,
    by: User,
    we_asked: str,
    you_said: str,
    we_did: str,
    late_reason: str = "",
) -> ConsultationOutcome:
    """Create or change the outcome's text. Changing a published outcome is allowed (and
    audited as such) but tells nobody again."""
    values = {
        "we_asked": we_asked.strip(),
        "you_said": you_said.strip(),
        "we_did": we_did.strip(),
        "late_reason": late_reason.strip(),
    }
    outcome = (
        ConsultationOutcome.objects.select_for_update().filter(consultation=consultation).first()
    )
    if outcome is None:
        outcome = ConsultationOutcome.objects.create(consultation=consultation, **values)
        audit.record(actor=by, obj=outcome, verb="outcome.created", changes=values)
        return outcome
    diff = {
        name: {"from": getattr(outcome, name), "to": value}
        for name, value in values.items()
        if getattr(outcome, name) != value
    }
    if not diff:
        return outcome
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.save()
    verb = "outcome.edited_after_publication" if outcome.published_at else "outcome.edited"
    audit.record(actor=by, obj=outcome, verb=verb, changes=diff)
    return outcome


# --- Decisions -------------------------------------------------------------------------------


def _keep_unpublished_links(decision: OutcomeDecision, chosen: Iterable[Action]) -> list[Any]:
    """The decision's actions after a save: those chosen from the published ones, plus any
    linked action not yet published (one created for it, waiting for the taskforce's review),
    which the form does not offer and so must not drop."""
    waiting = (
        list(decision.actions.exclude(pk__in=public_actions().values("pk"))) if decision.pk else []
    )
    return [*chosen, *waiting]


@transaction.atomic
def decision_save(
    *,
    outcome: ConsultationOutcome,
    by: User,
    text: str,
    decision: str,
    reason: str = "",
    actions: Sequence[Action] = (),
    existing: OutcomeDecision | None = None,
) -> OutcomeDecision:
    """Add a decision to the outcome (at the end), or change `existing`. `actions` are chosen
    from the published taskforce actions; links to actions still in review are kept."""
    if decision not in Decision.values or decision == Decision.PENDING:
        raise OutcomeError(_("Select whether the council accepted it"))
    published = set(public_actions().filter(pk__in=[a.pk for a in actions]))
    if len(published) != len(set(actions)):
        raise OutcomeError(_("Choose actions from the published taskforce actions"))
    values = {"text": text.strip(), "decision": decision, "reason": reason.strip()}
    if existing is None:
        position = OutcomeDecision.objects.filter(outcome=outcome).aggregate(last=Max("position"))[
            "last"
        ]
        item = OutcomeDecision.objects.create(
            outcome=outcome, position=0 if position is None else position + 1, **values
        )
        item.actions.set(published)
        audit.record(
            actor=by,
            obj=item,
            verb="outcome_decision.added",
            changes={**values, "actions": sorted(a.reference for a in published)},
        )
        return item
    item = OutcomeDecision.objects.select_for_update().get(pk=existing.pk, outcome=outcome)
    before = {name: getattr(item, name) for name in values}
    before_actions = sorted(item.actions.values_list("reference", flat=True))
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    item.actions.set(_keep_unpublished_links(item, published))
    after_actions = sorted(item.actions.values_list("reference", flat=True))
    diff: dict[str, Any] = {
        name: {"from": before[name], "to": value}
        for name, value in values.items()
        if before[name] != value
    }
    if before_actions != after_actions:
        diff["actions"] = {"from": before_actions, "to": after_actions}
    if diff:
        audit.record(actor=by, obj=item, verb="outcome_decision.changed", changes=diff)
    return item


@transaction.atomic
def decision_delete(*, decision: OutcomeDecision, by: User) -> None:
    """Remove a decision (its taskforce actions stay: they are the taskforce's)."""
    audit.record(
        actor=by,
        obj=decision.outcome,
        verb="outcome_decision.removed",
        changes={"text": decision.text, "decision": decision.decision},
    )
    decision.delete()


@transaction.atomic
def decision_action_create(
    *,
    decision: OutcomeDecision,
    by: User,
    title: str,
    summary: str,
    outcomes: Sequence[Outcome],
    due_date: datetime.date | None = None,
) -> Action:
    """Create a taskforce action that carries out `decision`, through the taskforce's own
    service, and send it for the taskforce's review (it shows in public once a lead publishes
    it); link it to the decision."""
    consultation = decision.outcome.consultation
    action = action_create(
        by=by,
        title=title.strip(),
        summary=summary.strip(),
        description=_('Agreed in response to the consultation "%(consultation)s": %(decision)s')
        % {"consultation": consultation.title, "decision": decision.text},
        due_date=due_date,
        outcomes=list(outcomes),
    )
    action_submit(action=action, by=by)
    decision.actions.add(action)
    audit.record(
        actor=by,
        obj=decision,
        verb="outcome_decision.action_created",
        changes={"action": action.reference, "title": action.title},
    )
    return action


# --- Publishing --------------------------------------------------------------------------------


def _context(consultation: Consultation, outcome: ConsultationOutcome) -> dict[str, Any]:
    return {
        "consultation_title": consultation.title,
        "outcome_url": reverse("engagement:outcome", kwargs={"slug": consultation.slug}),
        "we_did": outcome.we_did,
        "decision_count": outcome.decisions.count(),
    }


def _respondents_notify(
    *, consultation: Consultation, context: dict[str, Any]
) -> tuple[set[int], set[str]]:
    """Tell each respondent who asked and has not been told, and mark them told. Returns the
    user ids and addresses told now or before, so followers are not told again."""
    requests = list(
        OutcomeRequest.objects.select_for_update(of=("self",))
        .filter(consultation=consultation)
        .select_related("user")
        .order_by("pk")
    )
    told_users = {r.user_id for r in requests if r.user_id is not None}
    told_emails = {r.email.lower() for r in requests if r.user_id is None and r.email}
    pending = [r for r in requests if r.notified_at is None]
    if pending:
        notify(
            kind=kinds.OUTCOME_FOR_RESPONDENT,
            event=f"engagement.outcome-for-respondent:{consultation.pk}",
            recipients=[
                Recipient(user=r.user) if r.user is not None else Recipient(email=r.email)
                for r in pending
            ],
            context=context,
        )
        OutcomeRequest.objects.filter(pk__in=[r.pk for r in pending], notified_at=None).update(
            notified_at=timezone.now()
        )
    return told_users, told_emails


def _followers_notify(
    *,
    consultation: Consultation,
    context: dict[str, Any],
    told_users: set[int],
    told_emails: set[str],
) -> None:
    """Tell the consultation's followers (notify_followers, less anyone already told as a
    respondent)."""
    followers = [
        recipient
        for recipient in recipients_for(target=consultation)
        if not (recipient.user is not None and recipient.user.pk in told_users)
        and not (
            recipient.subscription is not None
            and recipient.subscription.email.lower() in told_emails
        )
    ]
    if followers:
        notify(
            kind=kinds.OUTCOME_PUBLISHED,
            event=f"engagement.outcome-published:{consultation.pk}",
            recipients=followers,
            context=context,
        )


@transaction.atomic
def outcome_publish(
    *, consultation: Consultation, by: User, late_reason: str | None = None
) -> ConsultationOutcome:
    """Publish the outcome: the consultation moves to "outcome published", the respondents who
    asked and the consultation's followers are told (after commit). Only once the consultation
    has closed; later than 12 weeks after closing only with a reason. Publishing again changes
    nothing and sends nothing."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    outcome = (
        ConsultationOutcome.objects.select_for_update().filter(consultation=consultation).first()
    )
    if outcome is None:
        raise OutcomeError(_("Write what we asked, what you said and what we did first"))
    if outcome.published_at is not None:
        return outcome
    if consultation.status not in PUBLISHABLE:
        raise OutcomeError(
            _("You can publish the outcome once the consultation has closed, on %(date)s")
            % {"date": date_format(timezone.localdate(consultation.closes_at), "j F Y")}
        )
    if late_reason is not None:
        outcome.late_reason = late_reason.strip()
    if is_late(consultation) and not outcome.late_reason:
        raise OutcomeError(
            _("Say why the outcome is published more than 12 weeks after the consultation closed")
        )
    outcome.published_at = timezone.now()
    outcome.published_by = by
    outcome.save()
    status_before = consultation.status
    consultation.status = Consultation.Status.OUTCOME_PUBLISHED
    consultation.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=by,
        obj=consultation,
        verb="consultation.outcome_published",
        changes={
            "status": [status_before, consultation.status],
            "late": is_late(consultation),
            "late_reason": outcome.late_reason,
        },
    )
    context = _context(consultation, outcome)
    told_users, told_emails = _respondents_notify(consultation=consultation, context=context)
    _followers_notify(
        consultation=consultation,
        context=context,
        told_users=told_users,
        told_emails=told_emails,
    )
    return outcome
