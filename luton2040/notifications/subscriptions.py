"""Following things: services and selectors for Subscription.

A person follows one thing (an action, a consultation, a hub...), one ward or one topic. Account
holders are confirmed at once (allauth verified their address); an email address alone is
confirmed by a link we send (double opt-in) and gets nothing until then.

The platform imports no domain app, so domain apps say what may be followed from their
AppConfig.ready(): `subscriptions.register_followable("hubs.hub")` and
`subscriptions.register_topic(slug="food", label=_("Food support"))`. Anything else is refused,
so the follow form cannot be used to probe for arbitrary rows or to put arbitrary words into
our confirmation emails.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from luton2040 import audit
from luton2040.places.models import Ward

from . import links
from .models import Notification, Subscription
from .services import Recipient, notify

if TYPE_CHECKING:
    from luton2040.accounts.models import User

# One confirmation email per address and subject in this window, however often the form is
# sent: following twice is harmless, and the form cannot be used to flood someone's inbox.
CONFIRM_RESEND_AFTER = datetime.timedelta(minutes=10)

# "app_label.modelname" -> the rows people may follow (None: every row).
_FOLLOWABLE: dict[str, Callable[[], QuerySet[Any]] | None] = {}
_TOPICS: dict[str, str | Promise] = {}


def register_followable(
    model_label: str, *, followable: Callable[[], QuerySet[Any]] | None = None
) -> None:
    """Let people follow rows of this model ("hubs.hub"). Call from AppConfig.ready().

    `followable` returns the rows the public may follow (published, public ones); without it
    every row may be followed. The follow form names a row by its key, so a row outside this
    set must look exactly like one that does not exist: its title would otherwise leak."""
    _FOLLOWABLE[model_label.lower()] = followable


def register_topic(*, slug: str, label: str | Promise) -> None:
    """Let people follow a topic. Call from AppConfig.ready()."""
    existing = _TOPICS.get(slug)
    if existing is not None and str(existing) != str(label):
        raise ValueError(f"topic {slug!r} is already registered with another label")
    _TOPICS[slug] = label


def is_followable(model: type[models.Model] | models.Model) -> bool:
    return model._meta.label_lower in _FOLLOWABLE


def topic_label(slug: str) -> str | Promise:
    return _TOPICS.get(slug, slug)


@dataclass(frozen=True)
class Subject:
    """What someone follows: exactly one of a thing, a ward or a topic."""

    target: models.Model | None = None
    ward: Ward | None = None
    topic: str = ""

    @property
    def title(self) -> str:
        if self.target is not None:
            return str(self.target)
        if self.ward is not None:
            return str(self.ward)
        return str(topic_label(self.topic))

    def lookup(self) -> dict[str, Any]:
        """Field values that identify this subject on a Subscription."""
        if self.target is not None:
            return {
                "target_type": ContentType.objects.get_for_model(self.target),
                "target_id": str(self.target.pk),
                "ward": None,
                "topic": "",
            }
        return {"target_type": None, "target_id": "", "ward": self.ward, "topic": self.topic}


def target_value(obj: models.Model) -> str:
    """The form value that names `obj` as a follow target: "app_label.modelname:pk"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def subject_from_values(*, target: str = "", ward: str = "", topic: str = "") -> Subject | None:
    """The subject named by the follow form's hidden fields, or None if there is no such
    followable thing (exactly one of the three must be given)."""
    if sum(bool(value) for value in (target, ward, topic)) != 1:
        return None
    if target:
        label, _sep, pk = target.partition(":")
        app_label, _dot, model_name = label.partition(".")
        if not pk or label.lower() not in _FOLLOWABLE:
            return None
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            return None
        model = content_type.model_class()
        if model is None:
            return None
        rows = _FOLLOWABLE[label.lower()]
        try:
            found = (rows() if rows is not None else model._default_manager.all()).get(pk=pk)
            return Subject(target=found)
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
            # ValueError/ValidationError: a pk of the wrong shape for its field ("abc").
            return None
    if ward:
        found = Ward.objects.filter(slug=ward).first()
        return Subject(ward=found) if found is not None else None
    return Subject(topic=topic) if topic in _TOPICS else None


def subject_of(subscription: Subscription) -> Subject:
    """The Subject a subscription follows (reads `target` and `ward`: prefetch them for lists)."""
    if subscription.target_type_id is not None:
        return Subject(target=subscription.target)
    if subscription.ward_id is not None:
        return Subject(ward=subscription.ward)
    return Subject(topic=subscription.topic)


# --- Services --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowResult:
    subscription: Subscription
    created: bool
    confirmation_sent: bool


@transaction.atomic
def subscription_follow(
    *,
    user: User | None = None,
    email: str = "",
    target: models.Model | None = None,
    ward: Ward | None = None,
    topic: str = "",
) -> FollowResult:
    """Start following exactly one of `target`, `ward` or `topic`, as an account holder
    (confirmed at once) or as an email address alone (unconfirmed; a confirmation link is sent
    unless one went in the last few minutes). Following again changes nothing, and never makes
    a second row."""
    if (user is None) == (not email):
        raise ValueError("give exactly one of user or email")
    subject = Subject(target=target, ward=ward, topic=topic)
    if sum(x is not None and x != "" for x in (target, ward, topic)) != 1:
        raise ValueError("give exactly one of target, ward or topic")
    lookup = subject.lookup()
    if user is not None:
        who: dict[str, Any] = {"user": user}
        existing = Subscription.objects.filter(user=user, **lookup)
    else:
        email = _normalise_email(email)
        who = {"email": email}
        existing = Subscription.objects.filter(email__iexact=email, **lookup)

    subscription = existing.select_for_update().first()
    created = False
    if subscription is None:
        try:
            # A savepoint: a double click from two requests at once meets the unique
            # constraint, and the loser reads the winner's row.
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    **who,
                    **lookup,
                    confirmed_at=timezone.now() if user is not None else None,
                )
            created = True
        except IntegrityError:
            subscription = existing.select_for_update().get()
    if created:
        audit.record(
            actor=user,
            obj=subscription,
            verb="subscription.started",
            changes={"follows": subject.title, "confirmed": user is not None},
        )
    sent = False
    if subscription.confirmed_at is None:
        sent = _send_confirmation(subscription=subscription, subject=subject)
    return FollowResult(subscription=subscription, created=created, confirmation_sent=sent)


def _normalise_email(email: str) -> str:
    # The domain part is case-insensitive by definition; the local part we keep as typed.
    local, _at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def _send_confirmation(*, subscription: Subscription, subject: Subject) -> bool:
    """Write the follow.confirm message unless one went recently. The caller holds the
    subscription's row lock, so two requests cannot both decide to send."""
    sent_before = Notification.objects.filter(
        kind="follow.confirm", subscription=subscription
    ).aggregate(count=Count("pk"), last=Max("created_at"))
    if sent_before["last"] and sent_before["last"] > timezone.now() - CONFIRM_RESEND_AFTER:
        return False
    rows = notify(
        kind="follow.confirm",
        # Numbered, so each allowed resend is its own event, and a retry of the same request
        # (same number, under the lock) writes nothing new.
        event=f"follow.confirm:{subscription.pk}:{sent_before['count'] + 1}",
        recipients=[Recipient(subscription=subscription)],
        context={
            "confirm_url": links.confirm_url(subscription.pk),
            "subject_title": subject.title,
        },
    )
    return bool(rows)


@transaction.atomic
def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """Confirm an email-only follow (the owner followed our link). Confirming twice changes
    nothing."""
    claimed = Subscription.objects.filter(pk=subscription.pk, confirmed_at=None).update(
        confirmed_at=timezone.now()
    )
    subscription.refresh_from_db(fields=["confirmed_at"])
    if claimed:
        audit.record(actor=None, obj=subscription, verb="subscription.confirmed")
    return subscription


@transaction.atomic
def subscription_end(*, subscription: Subscription, by: User | None) -> bool:
    """Stop following. Returns False if it had already ended (so a second click is harmless)."""
    locked = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if locked is None:
        return False
    audit.record(
        actor=by,
        obj=locked,
        verb="subscription.ended",
        changes={"follows": subject_of(locked).title},
    )
    locked.delete()
    return True


# --- Selectors -------------------------------------------------------------------------------


def subscription_list_for_user(*, user: User) -> list[Subscription]:
    """What `user` follows, oldest first, with each target loaded (one query per target type)."""
    return list(
        Subscription.objects.filter(user=user)
        .select_related("ward", "target_type")
        .prefetch_related("target")
        .order_by("created_at", "pk")
    )


def subscription_for_user(*, user: User, pk: int) -> Subscription | None:
    """One of `user`'s own subscriptions, or None (someone else's is treated as missing)."""
    return Subscription.objects.filter(user=user, pk=pk).first()


def recipients_for(
    *,
    target: models.Model | None = None,
    ward: Ward | Iterable[Ward] | None = None,
    topic: str | Iterable[str] | None = None,
) -> list[Recipient]:
    """Everyone with a CONFIRMED subscription to `target`, any of the wards or any of the topics,
    once each (an account holder following both a ward and a topic is one recipient). Active
    accounts only. One query."""
    match = Q(pk__in=[])
    if target is not None:
        match |= Q(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
    wards = [ward] if isinstance(ward, Ward) else list(ward or [])
    if wards:
        match |= Q(ward__in=wards)
    topics = [topic] if isinstance(topic, str) else list(topic or [])
    topics = [slug for slug in topics if slug]
    if topics:
        match |= Q(topic__in=topics)
    rows = (
        Subscription.objects.filter(match, confirmed_at__isnull=False)
        .filter(Q(user__isnull=True) | Q(user__is_active=True))
        .select_related("user")
        .order_by("pk")
    )
    recipients: list[Recipient] = []
    seen: set[tuple[str, object]] = set()
    for subscription in rows:
        key: tuple[str, object] = (
            ("user", subscription.user_id)
            if subscription.user_id is not None
            else ("email", subscription.email.lower())
        )
        if key in seen:
            continue
        seen.add(key)
        if subscription.user is not None:
            recipients.append(Recipient(user=subscription.user))
        else:
            recipients.append(Recipient(subscription=subscription))
    return recipients


def notify_followers(
    *,
    target: models.Model | None = None,
    kind: str,
    event: str,
    context: dict[str, Any],
    ward: Ward | Iterable[Ward] | None = None,
    topic: str | Iterable[str] | None = None,
) -> list[Notification]:
    """Tell everyone who follows `target` (and, if given, its wards and topics) about `event`,
    through notify(): preferences honoured, one message per person, nothing twice for one
    event. Call inside the service's transaction."""
    recipients = recipients_for(target=target, ward=ward, topic=topic)
    if not recipients:
        return []
    return notify(kind=kind, event=event, recipients=recipients, context=context)
