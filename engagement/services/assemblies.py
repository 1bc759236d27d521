"""Writes for citizens' assemblies: setting one up, registering interest, the draw by lot,
confirming it (and telling every volunteer the result), recommendations and the council's
response.

The life of an assembly: a draft (staff set it up; the standard features are added with
Luton's population shares) -> recruiting (published; residents register interest) ->
selecting (a draw has been run: registration is closed) -> meeting (staff confirmed a draw; every
volunteer was told) -> recommendations made (published) -> council has responded (published;
followers are told).

Every staff change is audited in its transaction; notifications are outbox rows delivered
after commit; the draw runs in a Celery task queued after commit (tasks_assemblies.py).
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from luton2040 import audit
from luton2040.accounts.retention import rows_deleted
from luton2040.notifications import subscriptions
from luton2040.notifications.services import Recipient, notify
from luton2040.places.selectors import ward_list
from taskforce.services.actions import action_create

from .. import kinds
from ..models import (
    Assembly,
    AssemblySession,
    Decision,
    EqualityMonitoring,
    FeatureCategory,
    PopulationShare,
    Recommendation,
    SelectionRun,
    StratificationFeature,
    Volunteer,
)
from ..selectors import assemblies as selectors
from . import sortition

if TYPE_CHECKING:
    from luton2040.accounts.models import User
    from taskforce.models import Action, Outcome

log = logging.getLogger(__name__)

# A draw of a few hundred volunteers takes seconds; of a few thousand, minutes. Past this the
# child is stopped and the run marked failed, for staff to see.
DRAW_TIME_LIMIT_SECONDS = 15 * 60
# The library reads a seed of 0 as "no seed"; seeds are whole numbers from 1 to this.
MAX_SEED = 2**31 - 1

ASSEMBLY_FIELDS = (
    "title",
    "question",
    "summary",
    "starts_on",
    "ends_on",
    "recruitment_closes_on",
    "target_size",
    "reserves",
    "algorithm",
)
# Once a draw is confirmed, these decided who was chosen and stay as they were.
FIXED_AFTER_DRAW = ("target_size", "reserves", "algorithm")
AFTER_DRAW = (
    Assembly.Status.MEETING,
    Assembly.Status.REPORTED,
    Assembly.Status.RESPONDED,
)


class AssemblyError(Exception):
    """The change is not allowed in the assembly's current state; the message says why, in
    words for the member of staff who tried."""


class RegistrationClosed(AssemblyError):
    pass


class AlreadyRegistered(AssemblyError):
    pass


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _unique_slug(title: str) -> str:
    base = slugify(title)[:190] or "assembly"
    slug, number = base, 1
    while Assembly.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _locked(assembly: Assembly) -> Assembly:
    # Every state change takes the assembly's row lock first: two clicks change it once.
    return Assembly.objects.select_for_update().get(pk=assembly.pk)


def _require_draft(assembly: Assembly) -> None:
    if assembly.status != Assembly.Status.DRAFT:
        raise AssemblyError(
            _(
                "Characteristics and their answers can only be changed while the assembly is a "
                "draft: people have already registered with these answers."
            )
        )


# --- Setting up an assembly ------------------------------------------------------------------


@dataclass(frozen=True)
class StandardFeature:
    key: str  # also the PopulationShare dimension
    name: str
    question: str
    categories: list[tuple[str, str]]  # (key, label); for wards, the ward's slug


def standard_features() -> list[StandardFeature]:
    """The features every assembly starts with: the wards, and the equality monitoring
    questions with their answers (Census 2021 categories), so quotas line up with the
    population shares kept for the same categories."""
    return [
        StandardFeature(
            "ward",
            _("Ward"),
            _("Which ward do you live in?"),
            [(ward.slug, ward.name) for ward in ward_list()],
        ),
        StandardFeature(
            "age_band",
            _("Age"),
            _("What is your age?"),
            [(str(value), str(label)) for value, label in EqualityMonitoring.AgeBand.choices],
        ),
        StandardFeature(
            "sex",
            _("Sex"),
            _("What is your sex?"),
            [(str(value), str(label)) for value, label in EqualityMonitoring.Sex.choices],
        ),
        StandardFeature(
            "ethnic_group",
            _("Ethnic group"),
            _("What is your ethnic group?"),
            [(str(value), str(label)) for value, label in EqualityMonitoring.EthnicGroup.choices],
        ),
        StandardFeature(
            "disability",
            _("Disability"),
            _(
                "Do you have a physical or mental health condition or illness that has lasted "
                "or is expected to last 12 months or more, and reduces your ability to carry "
                "out day-to-day activities?"
            ),
            [(str(value), str(label)) for value, label in EqualityMonitoring.Disability.choices],
        ),
    ]


def _standard_features_add(*, assembly: Assembly) -> None:
    definitions = standard_features()
    shares = {
        (row.dimension, row.category): row.share
        for row in PopulationShare.objects.filter(
            dimension__in=[definition.key for definition in definitions]
        )
    }
    features = StratificationFeature.objects.bulk_create(
        StratificationFeature(
            assembly=assembly,
            key=definition.key,
            name=definition.name,
            question=definition.question,
            position=position,
        )
        for position, definition in enumerate(definitions)
    )
    FeatureCategory.objects.bulk_create(
        FeatureCategory(
            feature=feature,
            key=key,
            label=label,
            population_share=shares.get((definition.key, key)),
            min_seats=0,
            max_seats=assembly.target_size,  # no quota until staff set one
            position=position,
        )
        for feature, definition in zip(features, definitions, strict=True)
        for position, (key, label) in enumerate(definition.categories)
    )


@transaction.atomic
def assembly_create(*, by: User, **fields: Any) -> Assembly:
    """Create a draft assembly (``fields`` are ASSEMBLY_FIELDS) with a web address made from
    its title and the standard features, each category with Luton's population share where
    one is recorded and no quota yet (none to all of the seats)."""
    unknown = set(fields) - set(ASSEMBLY_FIELDS)
    if unknown:
        raise TypeError(f"assembly_create() got unexpected fields {sorted(unknown)}")
    assembly = Assembly.objects.create(slug=_unique_slug(fields["title"]), **fields)
    _standard_features_add(assembly=assembly)
    audit.record(
        actor=by,
        obj=assembly,
        verb="assembly.created",
        changes={name: _audit_value(value) for name, value in fields.items()},
    )
    return assembly


@transaction.atomic
def assembly_update(*, assembly: Assembly, by: User, changes: Mapping[str, Any]) -> Assembly:
    """Change an assembly's details. The size, reserves and method are fixed once a draw is
    confirmed: they decided who was chosen."""
    assembly = _locked(assembly)
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in ASSEMBLY_FIELDS:
            raise TypeError(f"assembly_update() cannot change {name!r}")
        current = getattr(assembly, name)
        if current == value:
            continue
        if name in FIXED_AFTER_DRAW and assembly.status in AFTER_DRAW:
            raise AssemblyError(
                _(
                    "The members have been chosen, so the size, reserves and method stay as "
                    "they were."
                )
            )
        diff[name] = {"from": _audit_value(current), "to": _audit_value(value)}
        setattr(assembly, name, value)
    if diff:
        assembly.save(update_fields=list(diff))
        audit.record(actor=by, obj=assembly, verb="assembly.changed", changes=diff)
    return assembly


@transaction.atomic
def assembly_publish(*, assembly: Assembly, by: User) -> Assembly:
    """Publish a draft: residents can see it and register interest. Every feature needs at
    least two answers to choose from. Publishing a published assembly changes nothing."""
    assembly = _locked(assembly)
    if assembly.status != Assembly.Status.DRAFT:
        return assembly
    features = selectors.features_with_categories(assembly=assembly)
    if not features:
        raise AssemblyError(_("Add at least one characteristic to balance the assembly on."))
    thin = [feature.name for feature in features if len(feature.categories.all()) < 2]
    if thin:
        raise AssemblyError(
            _("Each characteristic needs at least two answers. Add answers to: %(names)s.")
            % {"names": ", ".join(thin)}
        )
    assembly.status = Assembly.Status.RECRUITING
    assembly.published_at = timezone.now()
    assembly.save(update_fields=["status", "published_at"])
    audit.record(actor=by, obj=assembly, verb="assembly.published")
    return assembly


# --- Sessions --------------------------------------------------------------------------------

SESSION_FIELDS = ("title", "starts_at", "ends_at", "place", "hub")


@transaction.atomic
def session_add(*, assembly: Assembly, by: User, **fields: Any) -> AssemblySession:
    """Add a meeting of the assembly (``fields`` are SESSION_FIELDS)."""
    session = AssemblySession.objects.create(assembly=assembly, **fields)
    audit.record(
        actor=by,
        obj=assembly,
        verb="assembly.session_added",
        changes={name: _audit_value(str(value)) for name, value in fields.items()},
    )
    return session


@transaction.atomic
def session_update(
    *, session: AssemblySession, by: User, changes: Mapping[str, Any]
) -> AssemblySession:
    diff = {}
    for name, value in changes.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"session_update() cannot change {name!r}")
        if getattr(session, name) != value:
            diff[name] = {"from": str(getattr(session, name)), "to": str(value)}
            setattr(session, name, value)
    if diff:
        session.save(update_fields=list(diff))
        audit.record(actor=by, obj=session.assembly, verb="assembly.session_changed", changes=diff)
    return session


@transaction.atomic
def session_delete(*, session: AssemblySession, by: User) -> None:
    audit.record(
        actor=by,
        obj=session.assembly,
        verb="assembly.session_removed",
        changes={"title": session.title, "starts_at": session.starts_at.isoformat()},
    )
    session.delete()


# --- Features, categories and quotas -----------------------------------------------------------


def _unique_key(label: str, taken: set[str], *, default: str) -> str:
    base = slugify(label)[:36] or default
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    taken.add(key)
    return key


@transaction.atomic
def feature_add(
    *, assembly: Assembly, by: User, name: str, question: str, categories: Sequence[str]
) -> StratificationFeature:
    """Add a characteristic of staff's own (e.g. housing tenure) with its answers, in a draft.
    To offer "Prefer not to say", add it as one of the answers."""
    assembly = _locked(assembly)
    _require_draft(assembly)
    taken = set(assembly.features.values_list("key", flat=True))
    position = assembly.features.count()
    feature = StratificationFeature.objects.create(
        assembly=assembly,
        key=_unique_key(name, taken, default="feature"),
        name=name,
        question=question,
        position=position,
    )
    category_keys: set[str] = set()
    FeatureCategory.objects.bulk_create(
        FeatureCategory(
            feature=feature,
            key=_unique_key(label, category_keys, default="answer"),
            label=label,
            max_seats=assembly.target_size,
            position=index,
        )
        for index, label in enumerate(categories)
    )
    audit.record(
        actor=by,
        obj=assembly,
        verb="assembly.feature_added",
        changes={"name": name, "question": question, "answers": list(categories)},
    )
    return feature


@transaction.atomic
def feature_delete(*, feature: StratificationFeature, by: User) -> None:
    assembly = _locked(feature.assembly)
    _require_draft(assembly)
    audit.record(
        actor=by, obj=assembly, verb="assembly.feature_removed", changes={"name": feature.name}
    )
    feature.delete()


@transaction.atomic
def category_add(*, feature: StratificationFeature, by: User, label: str) -> FeatureCategory:
    assembly = _locked(feature.assembly)
    _require_draft(assembly)
    taken = set(feature.categories.values_list("key", flat=True))
    category = FeatureCategory.objects.create(
        feature=feature,
        key=_unique_key(label, taken, default="answer"),
        label=label,
        max_seats=assembly.target_size,
        position=feature.categories.count(),
    )
    audit.record(
        actor=by,
        obj=assembly,
        verb="assembly.answer_added",
        changes={"characteristic": feature.name, "answer": label},
    )
    return category


@transaction.atomic
def category_delete(*, category: FeatureCategory, by: User) -> None:
    assembly = _locked(category.feature.assembly)
    _require_draft(assembly)
    audit.record(
        actor=by,
        obj=assembly,
        verb="assembly.answer_removed",
        changes={"characteristic": category.feature.name, "answer": category.label},
    )
    category.delete()


@dataclass(frozen=True)
class QuotaInput:
    category_id: int
    min_seats: int
    max_seats: int
    population_share: Decimal | None


@transaction.atomic
def quotas_save(*, assembly: Assembly, by: User, quotas: Sequence[QuotaInput]) -> int:
    """Set each category's fewest and most seats (and population share). Allowed until a
    draw is confirmed. Returns how many categories changed."""
    assembly = _locked(assembly)
    if assembly.status in AFTER_DRAW:
        raise AssemblyError(_("The members have been chosen, so the quotas stay as they were."))
    categories = {
        category.pk: category
        for category in FeatureCategory.objects.filter(feature__assembly=assembly).select_related(
            "feature"
        )
    }
    changed, diff = [], {}
    for quota in quotas:
        category = categories.get(quota.category_id)
        if category is None:
            raise ValueError(f"category {quota.category_id} is not in this assembly")
        before = (category.min_seats, category.max_seats, category.population_share)
        after = (quota.min_seats, quota.max_seats, quota.population_share)
        if before == after:
            continue
        if quota.min_seats > quota.max_seats:
            raise ValueError("the fewest seats cannot be more than the most")
        category.min_seats, category.max_seats, category.population_share = after
        changed.append(category)
        diff[f"{category.feature.name}: {category.label}"] = {
            "from": [str(value) if value is not None else None for value in before],
            "to": [str(value) if value is not None else None for value in after],
        }
    if changed:
        FeatureCategory.objects.bulk_update(changed, ["min_seats", "max_seats", "population_share"])
        audit.record(actor=by, obj=assembly, verb="assembly.quotas_changed", changes=diff)
    return len(changed)


# --- Registering interest ----------------------------------------------------------------------


def registration_is_open(assembly: Assembly, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return assembly.status == Assembly.Status.RECRUITING and today <= assembly.recruitment_closes_on


@transaction.atomic
def volunteer_register(
    *,
    assembly: Assembly,
    name: str,
    email: str,
    postcode: str,
    categories: Sequence[FeatureCategory],
    phone: str = "",
    user: User | None = None,
) -> Volunteer:
    """Register someone's interest: their details and one answer per feature. Raises
    RegistrationClosed, or AlreadyRegistered when the address is already in the pool. No audit
    record: this is a resident's own act, and the audit log is no place for their details."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if not registration_is_open(assembly):
        raise RegistrationClosed(_("Registration for this assembly has closed."))
    email = email.strip().lower()
    if Volunteer.objects.filter(assembly=assembly, email=email).exists():
        raise AlreadyRegistered(_("You have already registered for this assembly."))
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                assembly=assembly,
                name=name.strip(),
                email=email,
                phone=phone.strip(),
                postcode=postcode,
                user=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:  # the same address sent twice at once: the constraint decides
        raise AlreadyRegistered(_("You have already registered for this assembly.")) from None
    volunteer.categories.set(categories)
    return volunteer


@transaction.atomic
def volunteers_erase_expired(*, ended_before: datetime.date) -> int:
    """Delete the volunteers' details of every assembly whose last session was before
    `ended_before` (the retention rule "assembly_volunteers" in engagement/retention.py sets
    the date from its period). The draws keep only ids and counts, so the published make-up
    of the assembly is unaffected. Returns how many volunteers; safe to run twice."""
    erased = 0
    for assembly in Assembly.objects.filter(
        ends_on__lt=ended_before, volunteers__isnull=False
    ).distinct():
        count = rows_deleted(assembly.volunteers.all())
        erased += count
        audit.record(
            actor=None, obj=assembly, verb="assembly.volunteers_erased", changes={"rows": count}
        )
    return erased


# An anonymised volunteer's address: unique per volunteer (the assembly's addresses must be),
# and in the domain reserved for invalid names (RFC 2606), so nothing is ever sent to it.
ERASED_EMAIL_DOMAIN = "@erased.invalid"


def volunteers_not_selected_anonymise(*, drawn_before: datetime.datetime) -> int:
    """Remove the name, contact details and account link of every volunteer a confirmed draw
    finished before `drawn_before` did not choose, reserves excepted (they may still be asked).
    Their features (ward, age band, ...) stay: a challenged draw is replayed from the whole
    pool, and the replay needs each volunteer's features and id, not who they are. Returns how
    many volunteers changed; safe to run twice (an anonymised volunteer has no user and an
    ``.invalid`` address, so it is not picked again)."""
    assemblies = SelectionRun.objects.filter(confirmed=True, finished_at__lt=drawn_before).values(
        "assembly_id"
    )
    volunteers = Volunteer.objects.filter(
        assembly_id__in=assemblies,
        status=Volunteer.Status.NOT_SELECTED,
        reserve_rank__isnull=True,
    ).exclude(email__endswith=ERASED_EMAIL_DOMAIN)
    per_assembly = Counter(volunteers.values_list("assembly_id", flat=True))
    # The address stays unique per assembly (a constraint), so each gets its own id in it.
    changed = volunteers.update(
        name="",
        email=Concat(Value("volunteer-"), Cast("pk", CharField()), Value(ERASED_EMAIL_DOMAIN)),
        phone="",
        postcode="",
        user=None,
    )
    for assembly in Assembly.objects.filter(pk__in=per_assembly):
        audit.record(
            actor=None,
            obj=assembly,
            verb="assembly.volunteers_not_selected_anonymised",
            changes={"rows": per_assembly[assembly.pk]},
        )
    return changed


# --- The draw ----------------------------------------------------------------------------------


def new_seed() -> int:
    """A seed from the operating system's secure source: nobody can choose or predict it."""
    return secrets.randbelow(MAX_SEED) + 1


def _queue_draw(run_id: int) -> None:
    from ..tasks_assemblies import run_selection

    try:
        run_selection.delay(run_id)
    except OperationalError:
        # The run is committed; with the broker away it would wait for ever. Say so instead.
        log.warning("Could not queue selection run %s (broker unreachable)", run_id)
        SelectionRun.objects.filter(pk=run_id, status=SelectionRun.Status.QUEUED).update(
            status=SelectionRun.Status.FAILED,
            finished_at=timezone.now(),
            message=_(
                "The draw could not be started because the task queue is not running. Try again."
            ),
        )


@transaction.atomic
def selection_run_request(*, assembly: Assembly, by: User, seed: int | None = None) -> SelectionRun:
    """Start a draw by lot with the assembly's method: a seed from the secure source, or the
    one given (to replay an earlier draw). Closes registration. One draw at a time; none once
    a draw is confirmed. The draw itself runs in a task queued after commit."""
    assembly = _locked(assembly)
    if assembly.status not in (Assembly.Status.RECRUITING, Assembly.Status.SELECTING):
        raise AssemblyError(
            _(
                "A draw can be run once the assembly is published and before its members are "
                "confirmed."
            )
        )
    if selectors.active_run(assembly=assembly) is not None:
        raise AssemblyError(_("A draw is already running. Wait for it to finish."))
    run = SelectionRun.objects.create(
        assembly=assembly,
        seed=seed if seed is not None else new_seed(),
        algorithm=assembly.algorithm,
        requested_by=by,
        message=_("Waiting to start"),
    )
    if assembly.status == Assembly.Status.RECRUITING:
        assembly.status = Assembly.Status.SELECTING
        assembly.save(update_fields=["status"])
    audit.record(
        actor=by,
        obj=run,
        verb="selection_run.requested",
        changes={"seed": run.seed, "algorithm": run.algorithm, "replay": seed is not None},
    )
    transaction.on_commit(partial(_queue_draw, run.pk))
    return run


def _progress_message(event: Mapping[str, Any]) -> str:
    stage, phase = event.get("stage"), event.get("phase")
    if stage == "checking":
        return _("Checking the quotas against the volunteers")
    if stage == "reserves":
        return _("Drawing the reserves")
    if phase == "committees" and event.get("total"):
        return _("Finding possible panels that meet the quotas: round %(current)s of %(total)s") % {
            "current": event.get("current", 0),
            "total": event["total"],
        }
    return _("Working out the fairest chances of selection for everyone")


def _record_progress(run_id: int, event: Mapping[str, Any]) -> None:
    # Outside any transaction, so the run page sees it at once.
    SelectionRun.objects.filter(pk=run_id, status=SelectionRun.Status.RUNNING).update(
        progress=max(1, min(99, int(event.get("percent", 0)))), message=_progress_message(event)
    )


def quota_table(draw_input: Mapping[str, Any], outcome: Mapping[str, Any]) -> list[dict[str, Any]]:
    """How each quota was met: the draw's quotas with how many volunteers in the pool, members
    and reserves are in each category."""
    answers = {person["id"]: person["answers"] for person in draw_input["people"]}
    selected = [answers[pk] for pk in outcome.get("selected", [])]
    reserves = [answers[pk] for pk in outcome.get("reserves", [])]
    rows = []
    for feature in draw_input["features"]:
        key = feature["key"]
        for category in feature["categories"]:
            value = category["key"]
            rows.append(
                {
                    "feature": key,
                    "feature_name": feature["name"],
                    "category": value,
                    "label": category["label"],
                    "population_share": category["population_share"],
                    "min": category["min"],
                    "max": category["max"],
                    "pool": sum(1 for given in answers.values() if given[key] == value),
                    "selected": sum(1 for given in selected if given[key] == value),
                    "reserves": sum(1 for given in reserves if given[key] == value),
                }
            )
    return rows


def _notify_run_finished(run: SelectionRun) -> None:
    if run.requested_by is None:
        return
    status = SelectionRun.Status(run.status)
    notify(
        kind=kinds.ASSEMBLY_DRAW_FINISHED,
        event=f"engagement.selection-run:{run.pk}:finished",
        recipients=[Recipient(user=run.requested_by)],
        context={
            "subject": str(
                _("Draw finished for %(title)s: %(status)s")
                % {"title": run.assembly.title, "status": status.label}
            ),
            "summary": run.message,
            "assembly_title": run.assembly.title,
            "status": run.status,
            "status_label": str(status.label),
            "message": run.message,
            "url": reverse(
                "engagement-staff:assembly-run",
                kwargs={"pk": run.assembly_id, "run_pk": run.pk},
            ),
        },
    )


@transaction.atomic
def _run_finish(
    *, run_id: int, claimed_at: datetime.datetime, status: str, message: str, result: dict[str, Any]
) -> SelectionRun | None:
    finished = SelectionRun.objects.filter(
        pk=run_id, status=SelectionRun.Status.RUNNING, started_at=claimed_at
    ).update(
        status=status,
        progress=100,
        message=message,
        result=result,
        finished_at=timezone.now(),
    )
    if not finished:  # another worker took the run over after this one was presumed lost
        return None
    run = SelectionRun.objects.select_related("assembly", "requested_by").get(pk=run_id)
    audit.record(
        actor=None,
        obj=run,
        verb="selection_run.finished",
        changes={"status": status, "pool_digest": run.pool_digest},
    )
    _notify_run_finished(run)
    return run


def selection_run_execute(*, run_id: int) -> SelectionRun | None:
    """Run a queued draw: the task's body. Claims the run with a conditional UPDATE (so a
    second delivery of the task does nothing; a run whose worker died is taken over after the
    time limit), reads the pool, runs the library in a child process while recording its
    progress, and stores the result: members, reserves, everyone's chance of selection and the
    quota table, or which quotas cannot be met. Tells the member of staff who asked."""
    claimed_at = timezone.now()
    presumed_lost = claimed_at - datetime.timedelta(seconds=DRAW_TIME_LIMIT_SECONDS + 120)
    claimed = (
        SelectionRun.objects.filter(pk=run_id)
        .filter(
            Q(status=SelectionRun.Status.QUEUED)
            | Q(status=SelectionRun.Status.RUNNING, started_at__lt=presumed_lost)
        )
        .update(
            status=SelectionRun.Status.RUNNING,
            started_at=claimed_at,
            progress=1,
            message=_("Reading the volunteers and quotas"),
        )
    )
    if not claimed:
        return None
    run = SelectionRun.objects.select_related("assembly").get(pk=run_id)
    draw_input = selectors.draw_input(assembly=run.assembly, seed=run.seed, algorithm=run.algorithm)
    in_pool = run.assembly.volunteers.filter(selectors.IN_POOL).count()
    digest = sortition.input_digest(draw_input)
    SelectionRun.objects.filter(pk=run_id).update(pool_digest=digest)
    snapshot = {
        "features": draw_input["features"],
        "size": draw_input["size"],
        "reserves_wanted": draw_input["reserves"],
        "pool_size": len(draw_input["people"]),
        "left_out": in_pool - len(draw_input["people"]),
    }
    try:
        outcome = sortition.draw_in_child(
            draw_input,
            on_progress=partial(_record_progress, run_id),
            timeout=DRAW_TIME_LIMIT_SECONDS,
        )
    except (sortition.DrawFailed, SoftTimeLimitExceeded, OSError, ValueError) as error:
        # The child crashed, ran out of time or could not be started: say so on the run's page
        # rather than leave it "running" for ever.
        log.error("Selection run %s failed: %r", run_id, error)
        return _run_finish(
            run_id=run_id,
            claimed_at=claimed_at,
            status=SelectionRun.Status.FAILED,
            message=_("The draw stopped before it finished. Try again, or tell the digital team."),
            result=snapshot,
        )
    result = {**snapshot, **outcome, "quotas": quota_table(draw_input, outcome)}
    if outcome["status"] == "done":
        status = SelectionRun.Status.DONE
        message = _("%(members)s members and %(reserves)s reserves chosen.") % {
            "members": len(outcome["selected"]),
            "reserves": len(outcome["reserves"]),
        }
    elif outcome["status"] == "infeasible":
        status = SelectionRun.Status.INFEASIBLE
        message = " ".join(selectors.explain_problems(result))
    else:
        status = SelectionRun.Status.FAILED
        message = _("The draw stopped with an error: %(error)s") % {"error": outcome.get("error")}
    return _run_finish(
        run_id=run_id, claimed_at=claimed_at, status=status, message=message, result=result
    )


def _session_lines(assembly: Assembly) -> list[dict[str, str]]:
    return [
        {
            "title": session.title,
            "when": date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
            "place": session.place,
        }
        for session in assembly.sessions.order_by("starts_at")
    ]


def _recipient(volunteer: Volunteer) -> Recipient:
    return Recipient(user=volunteer.user) if volunteer.user_id else Recipient(email=volunteer.email)


@transaction.atomic
def selection_run_confirm(*, run: SelectionRun, by: User) -> SelectionRun:
    """Make a finished draw the assembly's: each volunteer in its pool becomes selected, a
    reserve (with their place in the queue) or not selected, with their chance of selection;
    the assembly moves to "meeting"; each volunteer is told the result, once. Refused when the
    volunteers or quotas have changed since the draw. Confirming twice changes nothing."""
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if run.confirmed:
        return run
    assembly = _locked(run.assembly)
    if run.status != SelectionRun.Status.DONE:
        raise AssemblyError(_("Only a draw that finished with members can be confirmed."))
    if SelectionRun.objects.filter(assembly=assembly, confirmed=True).exists():
        raise AssemblyError(_("Another draw has already been confirmed for this assembly."))
    draw_input = selectors.draw_input(assembly=assembly, seed=run.seed, algorithm=run.algorithm)
    if sortition.input_digest(draw_input) != run.pool_digest:
        raise AssemblyError(
            _(
                "The volunteers or the quotas have changed since this draw, so it no longer "
                "describes the pool. Run the draw again."
            )
        )
    selected = set(run.result["selected"])
    reserve_rank = {pk: rank for rank, pk in enumerate(run.result["reserves"], start=1)}
    chances = run.result.get("probabilities", {})
    volunteers = list(
        Volunteer.objects.filter(pk__in=[person["id"] for person in draw_input["people"]])
        .select_related("user")
        .order_by("pk")
    )
    now = timezone.now()
    for volunteer in volunteers:
        if volunteer.pk in selected:
            volunteer.status = Volunteer.Status.SELECTED
        elif volunteer.pk in reserve_rank:
            volunteer.status = Volunteer.Status.RESERVE
        else:
            volunteer.status = Volunteer.Status.NOT_SELECTED
        volunteer.reserve_rank = reserve_rank.get(volunteer.pk)
        chance = chances.get(str(volunteer.pk))
        volunteer.selection_probability = None if chance is None else Decimal(str(round(chance, 5)))
        volunteer.invited_at = volunteer.invited_at or now
    Volunteer.objects.bulk_update(
        volunteers, ["status", "reserve_rank", "selection_probability", "invited_at"]
    )
    run.confirmed = True
    run.save(update_fields=["confirmed"])
    assembly.status = Assembly.Status.MEETING
    assembly.save(update_fields=["status"])
    audit.record(
        actor=by,
        obj=run,
        verb="selection_run.confirmed",
        changes={
            "seed": run.seed,
            "members": len(selected),
            "reserves": len(reserve_rank),
            "pool_digest": run.pool_digest,
        },
    )
    _notify_draw_results(assembly=assembly, volunteers=volunteers)
    return run


def _notify_draw_results(*, assembly: Assembly, volunteers: Sequence[Volunteer]) -> None:
    """One message to each volunteer saying how the draw went for them. The event key is the
    assembly's: only one draw is ever confirmed, so nobody hears twice."""
    sessions = _session_lines(assembly)
    base = {
        "assembly_title": assembly.title,
        "question": assembly.question,
        "sessions": sessions,
        "url": assembly.get_absolute_url(),
    }
    subjects = {
        Volunteer.Status.SELECTED: _("You have been selected for %(title)s"),
        Volunteer.Status.RESERVE: _("You are a reserve for %(title)s"),
        Volunteer.Status.NOT_SELECTED: _("The draw for %(title)s"),
    }
    for status, subject in subjects.items():
        recipients = [
            _recipient(volunteer) for volunteer in volunteers if volunteer.status == status
        ]
        if not recipients:
            continue
        notify(
            kind=kinds.ASSEMBLY_DRAW_RESULT,
            event=f"engagement.assembly:{assembly.pk}:draw-result",
            recipients=recipients,
            context={
                **base,
                "outcome": str(status),
                "subject": str(subject % {"title": assembly.title}),
            },
        )


# --- Recommendations and the council's response -----------------------------------------------

RECOMMENDATION_FIELDS = ("number", "title", "text", "support")


def _require_recommendations_open(assembly: Assembly) -> None:
    if assembly.status not in (Assembly.Status.MEETING, Assembly.Status.REPORTED):
        raise AssemblyError(
            _(
                "Recommendations can be recorded once the members are confirmed, and until the "
                "council's response is published."
            )
        )


@transaction.atomic
def recommendation_add(*, assembly: Assembly, by: User, **fields: Any) -> Recommendation:
    """Record one of the assembly's recommendations (``fields`` are RECOMMENDATION_FIELDS)."""
    assembly = _locked(assembly)
    _require_recommendations_open(assembly)
    recommendation = Recommendation.objects.create(assembly=assembly, **fields)
    audit.record(
        actor=by,
        obj=recommendation,
        verb="recommendation.added",
        changes=dict(fields),
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, by: User, changes: Mapping[str, Any]
) -> Recommendation:
    _require_recommendations_open(_locked(recommendation.assembly))
    diff = {}
    for name, value in changes.items():
        if name not in RECOMMENDATION_FIELDS:
            raise TypeError(f"recommendation_update() cannot change {name!r}")
        if getattr(recommendation, name) != value:
            diff[name] = {"from": getattr(recommendation, name), "to": value}
            setattr(recommendation, name, value)
    if diff:
        recommendation.save(update_fields=list(diff))
        audit.record(actor=by, obj=recommendation, verb="recommendation.changed", changes=diff)
    return recommendation


@transaction.atomic
def recommendations_publish(*, assembly: Assembly, by: User) -> Assembly:
    """Publish the assembly's recommendations (meeting -> recommendations made). Publishing
    twice changes nothing."""
    assembly = _locked(assembly)
    if assembly.status != Assembly.Status.MEETING:
        return assembly
    if not assembly.recommendations.exists():
        raise AssemblyError(_("Record at least one recommendation before publishing."))
    assembly.status = Assembly.Status.REPORTED
    assembly.save(update_fields=["status"])
    audit.record(actor=by, obj=assembly, verb="assembly.recommendations_published")
    return assembly


ACCEPTING = (Decision.ACCEPTED, Decision.ACCEPTED_IN_PART)


@transaction.atomic
def recommendation_respond(
    *,
    recommendation: Recommendation,
    by: User,
    response: str,
    reason: str,
    actions: Sequence[Action] = (),
) -> Recommendation:
    """Record the council's response to a recommendation and the taskforce actions that carry
    out an accepted one (linked only when accepted, or accepted in part)."""
    _require_recommendations_open(_locked(recommendation.assembly))
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if actions and response not in ACCEPTING:
        raise AssemblyError(_("Only an accepted recommendation can be linked to actions."))
    before = {
        "response": recommendation.response,
        "reason": recommendation.response_reason,
        "actions": sorted(recommendation.actions.values_list("reference", flat=True)),
    }
    recommendation.response = response
    recommendation.response_reason = reason
    recommendation.responded_at = timezone.now() if response != Decision.PENDING else None
    recommendation.save(update_fields=["response", "response_reason", "responded_at"])
    recommendation.actions.set(actions)
    after = {
        "response": response,
        "reason": reason,
        "actions": sorted(action.reference for action in actions),
    }
    if before != after:
        audit.record(
            actor=by,
            obj=recommendation,
            verb="recommendation.responded",
            changes={"from": before, "to": after},
        )
    return recommendation


@transaction.atomic
def recommendation_action_create(
    *,
    recommendation: Recommendation,
    by: User,
    title: str,
    summary: str,
    outcomes: Sequence[Outcome],
) -> Action:
    """Create a taskforce action (a draft, through the taskforce's own service, for the
    taskforce to review) that carries out an accepted recommendation, and link it."""
    _require_recommendations_open(_locked(recommendation.assembly))
    if recommendation.response not in ACCEPTING:
        raise AssemblyError(_("Record the council's acceptance before adding actions to it."))
    action = action_create(by=by, title=title, summary=summary, outcomes=list(outcomes))
    recommendation.actions.add(action)
    audit.record(
        actor=by,
        obj=recommendation,
        verb="recommendation.action_created",
        changes={"action": action.reference, "title": title},
    )
    return action


@transaction.atomic
def responses_publish(*, assembly: Assembly, by: User) -> Assembly:
    """Publish the council's response to every recommendation and tell the assembly's
    followers and the citizens' assemblies topic's. Every recommendation needs a decision.
    Publishing twice tells nobody twice."""
    assembly = _locked(assembly)
    if assembly.status == Assembly.Status.RESPONDED:
        return assembly
    if assembly.status != Assembly.Status.REPORTED:
        raise AssemblyError(_("Publish the recommendations before the council's response."))
    recommendations = list(assembly.recommendations.all())
    undecided = [r.number for r in recommendations if r.response == Decision.PENDING]
    if undecided:
        raise AssemblyError(
            _(
                "Record the council's response to every recommendation first. Still to do: "
                "%(numbers)s."
            )
            % {"numbers": ", ".join(str(number) for number in undecided)}
        )
    assembly.status = Assembly.Status.RESPONDED
    assembly.save(update_fields=["status"])
    audit.record(actor=by, obj=assembly, verb="assembly.response_published")
    counts = dict.fromkeys(Decision.values, 0)
    for recommendation in recommendations:
        counts[recommendation.response] += 1
    subscriptions.notify_followers(
        target=assembly,
        topic=kinds.ASSEMBLIES_TOPIC,
        kind=kinds.ASSEMBLY_RESPONSE_PUBLISHED,
        event=f"engagement.assembly:{assembly.pk}:response-published",
        context={
            "subject": str(_("The council has responded to %(title)s") % {"title": assembly.title}),
            "summary": str(
                _("%(accepted)s accepted, %(in_part)s accepted in part, %(rejected)s not accepted.")
                % {
                    "accepted": counts[Decision.ACCEPTED],
                    "in_part": counts[Decision.ACCEPTED_IN_PART],
                    "rejected": counts[Decision.REJECTED],
                }
            ),
            "assembly_title": assembly.title,
            "recommendations": len(recommendations),
            "accepted": counts[Decision.ACCEPTED],
            "in_part": counts[Decision.ACCEPTED_IN_PART],
            "rejected": counts[Decision.REJECTED],
            "url": assembly.get_absolute_url(),
        },
    )
    return assembly
