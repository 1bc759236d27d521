"""Writes for taskforce actions: create, edit, submit, review; updates with evidence; milestones;
progress roll-up; the overdue/stale flags.

The review workflow. An action is written as a draft, submitted, then published or returned by
a taskforce lead or council staff. A progress update is posted "waiting for review" (or
published at once when a lead or staff post it); the action's status and progress change only
when the update is published, so nothing unreviewed ever shows in public. Every change is
audited in its transaction; notifications are outbox rows delivered after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luton2040 import audit
from luton2040.accounts.roles import Role
from luton2040.notifications import subscriptions
from luton2040.notifications.services import Recipient, notify

from .. import kinds
from ..models import Action, ActionStatus, ActionUpdate, Evidence, Milestone
from .evidence import evidence_file_check

if TYPE_CHECKING:
    from luton2040.accounts.models import User

REFERENCE_PREFIX = "FT-"
# Any constant, unique to this use: serialises reference numbering across transactions.
_REFERENCE_LOCK = 0x7466_0001

# Fields action_edit may change; many-to-many ones are set with .set().
ACTION_FIELDS = (
    "title",
    "summary",
    "description",
    "commitment",
    "lead_member",
    "lead_organisation",
    "partners",
    "start_date",
    "due_date",
    "status",
    "progress",
    "parent",
    "visibility",
)
ACTION_M2M_FIELDS = ("outcomes", "wards", "groups")
FINISHED_GROUPS = (ActionStatus.Group.DONE, ActionStatus.Group.STOPPED)


class WorkflowError(Exception):
    """The change is not allowed in the action's or update's current state; the message says
    why, in words for the person who tried."""


class AlreadyReviewed(WorkflowError):
    """Someone (perhaps the same person, clicking twice) reviewed it first."""


@dataclass(frozen=True)
class EvidenceInput:
    """One piece of evidence to attach: a link, or an uploaded file (opened, with its name)."""

    title: str
    url: str = ""
    file: IO[bytes] | None = None
    file_name: str = ""
    file_size: int | None = None


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone row from the action form: `pk` for an existing one, `delete` to remove it."""

    title: str
    due_date: datetime.date
    completed_on: datetime.date | None = None
    pk: int | None = None
    delete: bool = False


# --- Helpers -------------------------------------------------------------------------------


def _audit_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return sorted(str(item) for item in value)
    return value


def _reviewers() -> list[Recipient]:
    from luton2040.accounts.models import User

    users = User.objects.filter(
        is_active=True,
        groups__name__in=[Role.TASKFORCE_LEAD.value, Role.COUNCIL_STAFF.value],
    ).distinct()
    return [Recipient(user=user) for user in users]


def may_publish_directly(user: User) -> bool:
    """Leads and staff publish their own updates without a second pair of eyes."""
    return bool(user.has_perm("taskforce.review_action"))


def _next_reference() -> str:
    """The next free "FT-NNN". A transaction-scoped advisory lock makes two members creating
    actions at the same moment take turns, so neither gets the other's number; the unique
    constraint on reference is the backstop."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFERENCE_LOCK])
    highest = (
        Action.objects.filter(reference__regex=rf"^{REFERENCE_PREFIX}[0-9]+$")
        .annotate(
            number=Cast(Substr("reference", len(REFERENCE_PREFIX) + 1), models.IntegerField())
        )
        .aggregate(highest=models.Max("number"))["highest"]
        or 0
    )
    return f"{REFERENCE_PREFIX}{highest + 1:03d}"


# --- Actions -------------------------------------------------------------------------------


@transaction.atomic
def action_create(*, by: User, **fields: Any) -> Action:
    """Create a draft action. `fields` are Action fields (outcomes, wards and groups as lists);
    the reference is the next "FT-NNN" unless given; the lead defaults to its creator."""
    m2m = {name: fields.pop(name) for name in ACTION_M2M_FIELDS if name in fields}
    milestones: Sequence[MilestoneInput] = fields.pop("milestones", ())
    unknown = set(fields) - set(ACTION_FIELDS) - {"reference"}
    if unknown:
        raise TypeError(f"action_create() got unexpected fields {sorted(unknown)}")
    if not fields.get("reference"):
        fields["reference"] = _next_reference()
    fields.setdefault("lead_member", by)
    if fields.get("status") is None:
        fields["status"] = ActionStatus.objects.get(slug="planned")
    action = Action.objects.create(created_by=by, review=Action.Review.DRAFT, **fields)
    for name, values in m2m.items():
        getattr(action, name).set(values)
    _milestones_apply(action=action, milestones=milestones)
    audit.record(
        actor=by,
        obj=action,
        verb="action.created",
        changes={
            name: _audit_value(value)
            for name, value in {**fields, **m2m}.items()
            if value not in (None, "", [])
        },
    )
    return action


@transaction.atomic
def action_edit(*, action: Action, by: User, changes: Mapping[str, Any]) -> Action:
    """Change an action's fields (and milestones, under "milestones"). A published action stays
    published and is marked edited; its status and progress change only through updates."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    changes = dict(changes)
    milestones: Sequence[MilestoneInput] | None = changes.pop("milestones", None)
    published = action.review == Action.Review.PUBLISHED
    diff: dict[str, Any] = {}
    old_parent_id = action.parent_id
    for name, value in changes.items():
        if name in ACTION_M2M_FIELDS:
            current = set(getattr(action, name).all())
            if current != set(value):
                diff[name] = {"from": _audit_value(current), "to": _audit_value(value)}
                getattr(action, name).set(value)
            continue
        if name not in ACTION_FIELDS:
            raise TypeError(f"action_edit() cannot change {name!r}")
        current = getattr(action, name)
        if current == value:
            continue
        if published and name in ("status", "progress"):
            raise WorkflowError(
                _("To change the status or progress of a published action, post an update.")
            )
        if name == "parent" and value is not None and _is_descendant(value, of=action):
            raise WorkflowError(_("An action cannot be part of one of its own sub-actions."))
        diff[name] = {"from": _audit_value(current), "to": _audit_value(value)}
        setattr(action, name, value)
    if milestones is not None and _milestones_apply(action=action, milestones=milestones):
        diff["milestones"] = "changed"
    if not diff:
        return action
    if published:
        action.edited_after_publication_at = timezone.now()
    action.save()
    audit.record(actor=by, obj=action, verb="action.edited", changes=diff)
    if "parent" in diff and published:
        for parent_id in (old_parent_id, action.parent_id):
            if parent_id is not None:
                _roll_up_from(Action.objects.get(pk=parent_id))
    return action


def _is_descendant(candidate: Action, *, of: Action) -> bool:
    """True when `candidate` is `of` itself or one of its sub-actions at any depth."""
    seen: set[int] = set()
    current: Action | None = candidate
    while current is not None and current.pk not in seen:
        if current.pk == of.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


@transaction.atomic
def action_submit(*, action: Action, by: User) -> Action:
    """Send a draft (or a returned action) for review, and tell the leads and staff."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.review == Action.Review.SUBMITTED:
        return action  # a second click: already on its way
    if action.review not in (Action.Review.DRAFT, Action.Review.RETURNED):
        raise WorkflowError(_("This action is already published."))
    action.review = Action.Review.SUBMITTED
    action.submitted_at = timezone.now()
    action.save(update_fields=["review", "submitted_at", "updated_at"])
    audit.record(actor=by, obj=action, verb="action.submitted")
    notify(
        kind=kinds.ACTION_REVIEW_NEEDED,
        event=f"taskforce.action-submitted:{action.pk}:{action.updated_at.timestamp():.0f}",
        recipients=_reviewers(),
        context={
            "what": "action",
            "reference": action.reference,
            "title": action.title,
            "by": by.get_full_name(),
            "url": reverse("taskforce:review-queue"),
        },
    )
    return action


@transaction.atomic
def action_review(*, action: Action, by: User, decision: str, note: str = "") -> Action:
    """Publish a submitted action, or return it to its creator with a note (required). A second
    review of the same submission raises AlreadyReviewed and changes nothing."""
    if decision not in ("publish", "return"):
        raise ValueError(f"decision must be publish or return, not {decision!r}")
    note = note.strip()
    if decision == "return" and not note:
        raise WorkflowError(_("Say what needs to change before it can be published."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.review != Action.Review.SUBMITTED:
        raise AlreadyReviewed(_("This action has already been reviewed."))
    action.review_note = note
    if decision == "publish":
        action.review = Action.Review.PUBLISHED
        action.published_at = action.published_at or timezone.now()
    else:
        action.review = Action.Review.RETURNED
    action.save(update_fields=["review", "review_note", "published_at", "updated_at"])
    audit.record(
        actor=by,
        obj=action,
        verb="action.published" if decision == "publish" else "action.returned",
        changes={"note": note} if note else None,
    )
    if decision == "publish" and action.parent_id is not None:
        _roll_up_from(action)
    creator = action.created_by
    if creator is not None and creator.pk != by.pk:
        notify(
            kind=kinds.ACTION_REVIEWED,
            event=f"taskforce.action-reviewed:{action.pk}:{action.updated_at.timestamp():.0f}",
            recipients=[Recipient(user=creator)],
            context={
                "what": "action",
                "decision": decision,
                "reference": action.reference,
                "title": action.title,
                "note": note,
                "url": reverse("taskforce:action-edit", kwargs={"reference": action.reference})
                if decision == "return"
                else action.get_absolute_url(),
            },
        )
    return action


# --- Progress roll-up ----------------------------------------------------------------------


@transaction.atomic
def progress_roll_up(*, action: Action) -> list[Action]:
    """Recompute the progress of `action`'s parent, grandparent and so on: each becomes the
    mean (rounded) of its published sub-actions' progress. Returns the actions changed.

    The mean of the children, unweighted, is what Decidim's accountability module does; it is
    easy to explain ("three sub-actions at 100%, 50% and 0%: 50%"), and weighting by size would
    need a size nobody records. Unpublished sub-actions do not count, so a draft cannot move a
    public figure.
    """
    return _roll_up_from(action)


def _roll_up_from(action: Action) -> list[Action]:
    changed: list[Action] = []
    seen: set[int] = {action.pk}
    parent_id = action.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = Action.objects.select_for_update().get(pk=parent_id)
        mean = parent.sub_actions.filter(review=Action.Review.PUBLISHED).aggregate(
            mean=models.Avg("progress")
        )["mean"]
        if mean is not None and round(mean) != parent.progress:
            before = parent.progress
            parent.progress = round(mean)
            parent.save(update_fields=["progress", "updated_at"])
            audit.record(
                actor=None,
                obj=parent,
                verb="action.progress_rolled_up",
                changes={"progress": {"from": before, "to": parent.progress}},
            )
            changed.append(parent)
        parent_id = parent.parent_id
    return changed


# --- Updates and evidence ------------------------------------------------------------------


@transaction.atomic
def update_post(
    *,
    action: Action,
    by: User,
    body: str,
    status: ActionStatus | None = None,
    progress: int | None = None,
    evidence: Sequence[EvidenceInput] = (),
) -> ActionUpdate:
    """Post a progress update on a published action, recording any status or progress change
    (before and after). It waits for review, unless a lead or staff posted it: then it is
    published at once."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.review != Action.Review.PUBLISHED:
        raise WorkflowError(_("Updates can be posted once the action is published."))
    if progress is not None and not 0 <= progress <= 100:
        raise WorkflowError(_("Progress must be between 0 and 100."))
    update = ActionUpdate.objects.create(
        action=action,
        author=by,
        body=body.strip(),
        status_before=action.status if status is not None and status != action.status else None,
        status_after=status if status is not None and status != action.status else None,
        progress_before=action.progress
        if progress is not None and progress != action.progress
        else None,
        progress_after=progress if progress is not None and progress != action.progress else None,
    )
    for item in evidence:
        evidence_add(update=update, by=by, item=item)
    audit.record(
        actor=by,
        obj=update,
        verb="action_update.posted",
        changes={
            "action": action.reference,
            "status": _audit_value(update.status_after),
            "progress": update.progress_after,
            "evidence": len(evidence),
        },
    )
    if may_publish_directly(by):
        _update_publish(update=update, action=action, by=by, note="")
    else:
        notify(
            kind=kinds.ACTION_REVIEW_NEEDED,
            event=f"taskforce.update-posted:{update.pk}",
            recipients=_reviewers(),
            context={
                "what": "update",
                "reference": action.reference,
                "title": action.title,
                "by": by.get_full_name(),
                "url": reverse("taskforce:review-queue"),
            },
        )
    return update


def evidence_add(*, update: ActionUpdate, by: User, item: EvidenceInput) -> Evidence:
    """Attach a link or a file to an update. Files are checked again here (the form checked
    them first) and stored under a random name. Call inside the update's transaction."""
    evidence = Evidence(update=update, title=item.title.strip())
    if item.file is not None:
        checked = evidence_file_check(item.file, name=item.file_name, size=item.file_size)
        evidence.original_name = checked.original_name
        evidence.content_type = checked.content_type
        evidence.size = len(checked.data)
        # The name is ignored by upload_to (random); a rollback leaves an orphan file, never
        # a row pointing at nothing.
        evidence.file.save(checked.original_name, ContentFile(checked.data), save=False)
    else:
        evidence.url = item.url
    evidence.save()
    audit.record(
        actor=by,
        obj=evidence,
        verb="evidence.added",
        changes={"update": update.pk, "url": evidence.url, "file": evidence.original_name},
    )
    return evidence


@transaction.atomic
def update_review(*, update: ActionUpdate, by: User, decision: str, note: str = "") -> ActionUpdate:
    """Publish a waiting update (applying its status and progress change to the action and
    telling the action's followers) or return it to its author with a note (required)."""
    if decision not in ("publish", "return"):
        raise ValueError(f"decision must be publish or return, not {decision!r}")
    note = note.strip()
    if decision == "return" and not note:
        raise WorkflowError(_("Say what needs to change before it can be published."))
    action = Action.objects.select_for_update().get(pk=update.action_id)
    update = ActionUpdate.objects.select_for_update().get(pk=update.pk)
    if update.review != ActionUpdate.Review.SUBMITTED:
        raise AlreadyReviewed(_("This update has already been reviewed."))
    if decision == "publish":
        _update_publish(update=update, action=action, by=by, note=note)
    else:
        update.review = ActionUpdate.Review.RETURNED
        update.review_note = note
        update.reviewed_by = by
        update.save(update_fields=["review", "review_note", "reviewed_by"])
        audit.record(actor=by, obj=update, verb="action_update.returned", changes={"note": note})
    author = update.author
    if author is not None and author.pk != by.pk:
        notify(
            kind=kinds.ACTION_REVIEWED,
            event=f"taskforce.update-reviewed:{update.pk}",
            recipients=[Recipient(user=author)],
            context={
                "what": "update",
                "decision": decision,
                "reference": action.reference,
                "title": action.title,
                "note": note,
                "url": action.get_absolute_url(),
            },
        )
    return update


def _update_publish(*, update: ActionUpdate, action: Action, by: User, note: str) -> None:
    """Publish `update` and apply it to `action` (both locked by the caller)."""
    now = timezone.now()
    action_fields = ["last_update_at", "stale_flagged_on", "updated_at"]
    if update.status_after_id is not None and update.status_after_id != action.status_id:
        update.status_before = action.status  # what it really was when the change took effect
        action.status = update.status_after  # type: ignore[assignment]
        action_fields.append("status")
    if update.progress_after is not None and update.progress_after != action.progress:
        update.progress_before = action.progress
        action.progress = update.progress_after
        action_fields.append("progress")
    action.last_update_at = now
    action.stale_flagged_on = None  # a new update ends the lapse; the next one is flagged anew
    action.save(update_fields=action_fields)
    update.review = ActionUpdate.Review.PUBLISHED
    update.published_at = now
    update.review_note = note
    update.reviewed_by = by
    update.save()
    audit.record(
        actor=by,
        obj=update,
        verb="action_update.published",
        changes={
            "action": action.reference,
            "status": {
                "from": _audit_value(update.status_before),
                "to": _audit_value(update.status_after),
            }
            if "status" in action_fields
            else None,
            "progress": {"from": update.progress_before, "to": update.progress_after}
            if "progress" in action_fields
            else None,
        },
    )
    if "progress" in action_fields:
        _roll_up_from(action)
    if action.is_public:
        subscriptions.notify_followers(
            target=action,
            kind=kinds.ACTION_PROGRESS,
            event=f"taskforce.update-published:{update.pk}",
            context={
                "reference": action.reference,
                "title": action.title,
                "body": update.body[:500],
                "status": str(action.status) if "status" in action_fields else "",
                "progress": action.progress if "progress" in action_fields else None,
                "url": action.get_absolute_url(),
            },
        )


# --- Milestones ----------------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, action: Action, by: User, title: str, due_date: datetime.date) -> Milestone:
    """Add a milestone to an action (published actions are marked edited)."""
    milestone = Milestone.objects.create(action=action, title=title.strip(), due_date=due_date)
    _milestone_touched(action=action)
    audit.record(
        actor=by,
        obj=milestone,
        verb="milestone.added",
        changes={"action": action.reference, "title": milestone.title, "due": due_date.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, by: User, on: datetime.date | None = None
) -> Milestone:
    """Mark a milestone reached (today unless `on` is given). Completing it twice keeps the
    first date."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.completed_on is not None:
        return milestone
    milestone.completed_on = on or timezone.localdate()
    milestone.save(update_fields=["completed_on"])
    _milestone_touched(action=milestone.action)
    audit.record(
        actor=by,
        obj=milestone,
        verb="milestone.completed",
        changes={"completed_on": milestone.completed_on.isoformat()},
    )
    return milestone


def _milestone_touched(*, action: Action) -> None:
    if action.review == Action.Review.PUBLISHED:
        Action.objects.filter(pk=action.pk).update(
            edited_after_publication_at=timezone.now(), updated_at=timezone.now()
        )


def _milestones_apply(*, action: Action, milestones: Sequence[MilestoneInput]) -> bool:
    """Create, change or delete the action's milestones from the form's rows (the caller audits
    the action). Returns whether anything changed."""
    changed = False
    existing = {milestone.pk: milestone for milestone in action.milestones.all()}
    for position, row in enumerate(milestones):
        if row.pk is not None:
            milestone = existing.get(row.pk)
            if milestone is None:
                continue  # a row for another action's milestone: ignore it
            if row.delete:
                milestone.delete()
                changed = True
                continue
            values = {
                "title": row.title,
                "due_date": row.due_date,
                "completed_on": row.completed_on,
            }
            if any(getattr(milestone, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(milestone, key, value)
                milestone.save()
                changed = True
        elif not row.delete:
            Milestone.objects.create(
                action=action,
                title=row.title,
                due_date=row.due_date,
                completed_on=row.completed_on,
                position=position,
            )
            changed = True
    return changed


# --- Attention: overdue and stale ----------------------------------------------------------


def actions_flag_attention(*, today: datetime.date) -> int:
    """Tell each lead once per lapse that their published action is overdue (past its due date,
    not done or stopped) or stale (no published update for TASKFORCE_STALE_AFTER_WEEKS weeks).
    Each flag is claimed with a conditional UPDATE before the message is written, so running
    twice sends once. Returns how many messages were written."""
    live = Action.objects.filter(review=Action.Review.PUBLISHED, lead_member__isnull=False).exclude(
        status__summary_group__in=FINISHED_GROUPS
    )
    # Flagged before the current due date means the date was moved since: a new lapse.
    overdue_claim = Q(due_date__lt=today) & (
        Q(overdue_flagged_on__isnull=True) | Q(overdue_flagged_on__lte=F("due_date"))
    )
    stale_before = timezone.now() - datetime.timedelta(weeks=settings.TASKFORCE_STALE_AFTER_WEEKS)
    # No published update since `stale_before` (an action never updated counts from its
    # publication); publishing an update clears stale_flagged_on, which opens the next lapse.
    stale_claim = Q(stale_flagged_on__isnull=True) & (
        Q(last_update_at__lt=stale_before)
        | Q(last_update_at__isnull=True, published_at__lt=stale_before)
    )
    sent = 0
    for reason, field, claim in (
        ("overdue", "overdue_flagged_on", overdue_claim),
        ("stale", "stale_flagged_on", stale_claim),
    ):
        for pk in live.filter(claim).values_list("pk", flat=True):
            sent += _flag(pk=pk, claim=claim, field=field, reason=reason, today=today)
    return sent


@transaction.atomic
def _flag(*, pk: int, claim: Q, field: str, reason: str, today: datetime.date) -> int:
    """Claim one action's flag with a conditional UPDATE; only the run that changed the row
    writes the audit event and the message."""
    if Action.objects.filter(claim, pk=pk).update(**{field: today}) != 1:
        return 0  # another run claimed it first, or an update arrived meanwhile
    action = Action.objects.select_related("lead_member").get(pk=pk)
    audit.record(
        actor=None, obj=action, verb=f"action.flagged_{reason}", changes={"on": today.isoformat()}
    )
    if action.lead_member is None:
        return 0
    notify(
        kind=kinds.ACTION_NEEDS_ATTENTION,
        event=f"taskforce.action-{reason}:{pk}:{today.isoformat()}",
        recipients=[Recipient(user=action.lead_member)],
        context={
            "reason": reason,
            "reference": action.reference,
            "title": action.title,
            "due_date": action.due_date.isoformat() if action.due_date else "",
            "weeks": settings.TASKFORCE_STALE_AFTER_WEEKS,
            "url": reverse("taskforce:update-create", kwargs={"reference": action.reference}),
        },
    )
    return 1
