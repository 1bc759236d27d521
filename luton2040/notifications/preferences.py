"""How often each person wants each kind of notification: selectors and the one service.

No Preference row means the kind's default. A kind that cannot be switched off is always sent
as it happens, whatever rows exist (a forged form or an old row cannot silence it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction

from luton2040 import audit

from . import kinds
from .kinds import Frequency
from .models import Preference

if TYPE_CHECKING:
    from luton2040.accounts.models import User


def _effective(kind: kinds.NotificationKind, chosen: str | None) -> Frequency:
    if not kind.can_switch_off:
        return Frequency.IMMEDIATELY
    if chosen in Frequency.values:
        return Frequency(chosen)
    return Frequency(kind.default)


def frequency_for(*, user: User, kind: str) -> Frequency:
    """How often `user` gets `kind`: their choice, else the kind's default; always-sent kinds
    are IMMEDIATELY."""
    return frequencies_for_users(user_ids=[user.pk], kind=kind)[user.pk]


def frequencies_for_users(*, user_ids: Iterable[int], kind: str) -> dict[int, Frequency]:
    """frequency_for for many people at once (one query), for fanning one event out."""
    definition = kinds.get(kind)
    ids = list(user_ids)
    if not definition.can_switch_off:
        return dict.fromkeys(ids, Frequency.IMMEDIATELY)
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "frequency")
    )
    return {user_id: _effective(definition, chosen.get(user_id)) for user_id in ids}


def preferences_for(*, user: User) -> dict[str, Frequency]:
    """Every registered kind's frequency for `user` (one query), keyed by kind."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind.key: _effective(kind, chosen.get(kind.key)) for kind in kinds.all_kinds()}


@transaction.atomic
def preferences_update(
    *, user: User, choices: Mapping[str, Frequency | str], by: User | None
) -> dict[str, list[str]]:
    """Save several choices at once, one audit event for the lot. Unknown kinds and kinds that
    cannot be switched off are ignored. Returns {kind: [before, after]} for what changed."""
    current = preferences_for(user=user)
    changes: dict[str, list[str]] = {}
    for key, value in choices.items():
        frequency = Frequency(value)
        try:
            definition = kinds.get(key)
        except LookupError:
            continue
        if not definition.can_switch_off or current.get(key) == frequency:
            continue
        Preference.objects.update_or_create(user=user, kind=key, defaults={"frequency": frequency})
        changes[key] = [str(current[key]), str(frequency)]
    if changes:
        audit.record(actor=by, obj=user, verb="notification_preferences.changed", changes=changes)
    return changes


@transaction.atomic
def preferences_daily_off(*, user: User, by: User | None) -> dict[str, list[str]]:
    """Switch off every kind `user` gets in the daily summary (what "unsubscribe" on a digest
    means). Returns what changed."""
    daily = [key for key, freq in preferences_for(user=user).items() if freq == Frequency.DAILY]
    return preferences_update(user=user, choices=dict.fromkeys(daily, Frequency.OFF), by=by)
