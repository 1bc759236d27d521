"""What the audit log holds about people: who did something (actor, and their address as
recorded), and events about their account (its address in the object's name, changes to it).

The log is append-only (migrations 0002, 0003): erasure may only replace the person with the
erased account's pseudonym and empty the changes, and the database refuses anything else. The
events stay, so the record of what happened stays whole.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.personal_data import (
    Erasure,
    ErasureContext,
    ExportRow,
    PersonalDataSource,
    register,
)

from .models import AuditEvent, content_type_label

if TYPE_CHECKING:
    from luton2040.accounts.models import User

# What the changes of an event become when they named the person (the trigger allows this and
# nothing else).
ERASED_CHANGES = {"erased": True}


def _about(user: User) -> Q:
    return Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))


def _audit_rows(user: User) -> QuerySet[Any]:
    return (
        AuditEvent.objects.filter(Q(actor=user) | _about(user))
        .select_related("content_type")
        .order_by("created_at", "id")
    )


def _audit_row(event: AuditEvent) -> ExportRow:
    # Not the object's name or the changes: when you acted on someone else's record, those
    # are theirs.
    return {
        _("When"): event.created_at,
        _("What happened"): event.verb,
        _("Kind of record"): content_type_label(event.content_type),
    }


def _mentions(names: frozenset[str], *columns: str) -> Q:
    return reduce(
        or_,
        (Q(**{f"{column}__icontains": name}) for name in names for column in columns),
        Q(pk__in=[]),
    )


def _audit_erase(context: ErasureContext) -> int:
    linked = Q(actor=context.user) | _about(context.user)
    # An address is the person's wherever it appears; a name only where the event is linked to
    # them (another resident may share it).
    named_in_repr = _mentions(context.emails, "object_repr", "actor_label") | (
        linked & _mentions(context.names, "object_repr")
    )
    named_in_changes = (
        _mentions(context.emails, "changes")
        | (linked & _mentions(context.names, "changes"))
        | _about(context.user)
    )
    events = AuditEvent.objects.all()
    touched = set(
        events.filter(Q(actor=context.user) | named_in_repr | named_in_changes).values_list(
            "pk", flat=True
        )
    )
    events.filter(actor=context.user).update(actor_label=context.label)
    events.filter(_mentions(context.emails, "actor_label")).update(actor_label=context.label)
    events.filter(_about(context.user) | named_in_repr).update(object_repr=context.label)
    # The erasure's own event holds only a pseudonym and counts (accounts.services).
    events.filter(named_in_changes).exclude(verb="account.erased").exclude(
        changes=ERASED_CHANGES
    ).update(changes=ERASED_CHANGES)
    return len(touched)


register(
    PersonalDataSource(
        model_label="audit.AuditEvent",
        fields=("actor", "actor_label", "object_repr", "changes"),
        category=_("Record of what you did on the portal"),
        title=_("Audit log"),
        holds=_(
            "A link to your account, your name or email address as it was at the time, and "
            "what you changed or what was changed about you"
        ),
        purpose=_(
            "To keep a trustworthy record of who changed what on the portal, and when, so "
            "that mistakes and misuse can be found and put right."
        ),
        lawful_basis=_("Public task and legal obligation: keeping council records secure."),
        retention=_(
            "The events are kept as the council's record; your name and email address are "
            "removed from them when you delete your account."
        ),
        rows_for=_audit_rows,
        erasure=Erasure.ANONYMISE,
        erase=_audit_erase,
        kept_because=_(
            "The record of what happened must stay whole; it stays without your name or "
            "email address."
        ),
        export_row=_audit_row,
    ),
)
