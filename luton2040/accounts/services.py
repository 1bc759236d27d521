"""Changes to accounts: erasure (a resident deletes their account)."""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import models, transaction

from luton2040 import audit

from .models import User
from .personal_data import Erasure, ErasureContext, PersonalDataSource, sources

# The audit log's trigger lets a row's person be replaced by exactly this form (migration
# audit 0003), so keep the two in step.
ERASED_LABEL = "Erased account {reference}"
AUDIT_MODEL = "audit.AuditEvent"


class AccountErasureRefused(Exception):
    """The account may not be erased this way (a council staff account erasing itself)."""


def may_erase_own_account(user: Any) -> bool:
    """Residents, taskforce members and organisation editors may delete their own account.
    Council staff and administrators may not: what they did is the council's record and their
    access must be ended by another administrator (`manage.py erase_account`), so one person
    cannot remove the trail of their own administration."""
    if not getattr(user, "is_authenticated", False):
        return False
    return not (user.is_superuser or user.is_staff)


@transaction.atomic
def account_erase(*, user: User, by: User | None = None) -> dict[str, int] | None:
    """Erase an account: apply every registered source's erasure (delete, anonymise, or keep
    and unlink), then delete the account, all in one transaction, and record "account.erased"
    naming no one. `by` is the person asking: the account holder themself (refused for staff,
    see may_erase_own_account) or, when None, an administrator's command. Returns rows
    changed per kind of record; None if the account was already gone (a second call is
    harmless)."""
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        return None
    if by is not None and by.pk == locked.pk and not may_erase_own_account(locked):
        raise AccountErasureRefused(locked.pk)

    reference = secrets.token_hex(4)
    context = ErasureContext(
        user=locked,
        label=ERASED_LABEL.format(reference=reference),
        emails=_emails(locked),
        names=frozenset(name for name in [locked.full_name.strip()] if len(name) >= 3),
    )
    # The rows of every source are found before any is changed: erasing one source (a
    # response losing its respondent) must not hide rows from another (that response's
    # answers).
    planned = [
        (source, None if source.erase else _row_pks(source, locked))
        for source in _erasable()
        if source.model_label not in (settings.AUTH_USER_MODEL, AUDIT_MODEL)
    ]
    changed: Counter[str] = Counter()
    for source, pks in planned:
        changed[source.model_label] += _erase_source(source, pks, context)

    # Recorded while the account still exists, then stripped of the person with the rest of
    # their audit rows below: what stays is the pseudonym and the counts.
    audit.record(
        actor=locked,
        obj=locked,
        verb="account.erased",
        changes={"reference": reference, "rows": dict(sorted(changed.items()))},
    )
    for source in _erasable():
        if source.model_label == AUDIT_MODEL:
            changed[source.model_label] += _erase_source(source, None, context)

    # Last, the account itself. Everything pointing at it is gone or made anonymous above;
    # on_delete (CASCADE or SET_NULL, never PROTECT to the account) deals with any row that
    # arrived since, and the audit trigger lets SET_NULL through.
    for source in _erasable():
        if source.model_label == settings.AUTH_USER_MODEL:
            changed[source.model_label] += _erase_source(source, _row_pks(source, locked), context)
    # The account goes whatever its own source says: that is what "delete" means here.
    User.objects.filter(pk=locked.pk).delete()
    return dict(changed)


def _erasable() -> list[PersonalDataSource]:
    return [
        source
        for source in sources()
        if source.rows_for is not None and source.erasure is not Erasure.KEEP
    ]


def _row_pks(source: PersonalDataSource, user: User) -> list[Any]:
    if source.rows_for is None:
        return []
    return list(source.rows_for(user).values_list("pk", flat=True))


def _emails(user: User) -> frozenset[str]:
    from allauth.account.models import EmailAddress

    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    return frozenset(address.lower() for address in addresses if address)


def _erase_source(
    source: PersonalDataSource, pks: list[Any] | None, context: ErasureContext
) -> int:
    if source.erase is not None:
        return source.erase(context)
    if not pks:
        return 0
    rows: models.QuerySet[Any] = source.model._default_manager.filter(pk__in=pks)
    if source.erasure is Erasure.DELETE:
        rows.delete()
        return len(pks)
    values = source.anonymise
    if not any(callable(value) for value in values.values()):
        return rows.update(**values)
    # Some values depend on the row (a volunteer's placeholder address must stay unique).
    for row in rows:
        for name, value in values.items():
            setattr(row, name, value(row) if callable(value) else value)
        row.save(update_fields=list(values))
    return len(pks)


def account_data_export_record(*, user: User, format: str) -> None:
    """Record that a person saw or downloaded their data: the format, nothing of the data."""
    audit.record(actor=user, obj=user, verb="account.data_exported", changes={"format": format})
