"""Recording and removing indicator figures. Every change is audited with the figure before and
after, so a published number can always be traced to who entered it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from luton2040 import audit
from luton2040.places.models import Ward

from ..models import Indicator, IndicatorValue, PopulationGroup

if TYPE_CHECKING:
    from luton2040.accounts.models import User

# The fields the audit trail compares; recorded_at/recorded_by change on every save anyway.
_AUDITED = ("period_label", "period_end", "value", "sample_size", "notes")


def _snapshot(row: IndicatorValue) -> dict[str, Any]:
    return {
        "period_label": row.period_label,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "ward": row.ward.slug if row.ward_id and row.ward else None,
        "group": row.group.slug if row.group_id and row.group else None,
        "value": str(Decimal(row.value).quantize(Decimal("0.01"))),
        "sample_size": row.sample_size,
        "notes": row.notes,
    }


@transaction.atomic
def indicator_value_record(
    *,
    indicator: Indicator,
    period_label: str,
    period_start: date,
    period_end: date,
    value: Decimal,
    sample_size: int | None = None,
    ward: Ward | None = None,
    group: PopulationGroup | None = None,
    notes: str = "",
    by: User | None,
) -> IndicatorValue:
    """Add the figure for a period and breakdown (town, one ward or one group), or correct it if
    one is already recorded. Recording the same figure again changes nothing and logs nothing."""
    if ward is not None and group is not None:
        raise ValueError("A figure is for one ward or one group, not both.")
    key = {"indicator": indicator, "period_start": period_start, "ward": ward, "group": group}
    fields = {
        "period_label": period_label,
        "period_end": period_end,
        # Two places, as stored, so the audit trail and the returned row read as the database.
        "value": Decimal(value).quantize(Decimal("0.01")),
        "sample_size": sample_size,
        "notes": notes,
    }
    # Lock the row so two people correcting the same figure cannot lose one another's change.
    row = IndicatorValue.objects.select_for_update().filter(**key).first()
    if row is None:
        try:
            # A savepoint: if someone else created it a moment ago, lock theirs and correct it.
            with transaction.atomic():
                row = IndicatorValue.objects.create(**key, **fields, recorded_by=by)
        except IntegrityError:
            row = IndicatorValue.objects.select_for_update().get(**key)
        else:
            audit.record(
                actor=by,
                obj=indicator,
                verb="indicator.value_recorded",
                changes={"before": None, "after": _snapshot(row)},
            )
            return row
    before = _snapshot(row)
    if all(getattr(row, name) == fields[name] for name in _AUDITED):
        return row
    for name, new in fields.items():
        setattr(row, name, new)
    row.recorded_by = by
    row.save()
    audit.record(
        actor=by,
        obj=indicator,
        verb="indicator.value_corrected",
        changes={"before": before, "after": _snapshot(row)},
    )
    return row


@transaction.atomic
def indicator_value_delete(*, value: IndicatorValue, by: User | None) -> None:
    """Remove a figure entered in error; the audit trail keeps what it was."""
    row = (
        # of=self: Postgres cannot lock the nullable side of the ward/group outer joins.
        IndicatorValue.objects.select_for_update(of=("self",))
        .select_related("indicator", "ward", "group")
        .filter(pk=value.pk)
        .first()
    )
    if row is None:  # already removed, perhaps by a second click
        return
    snapshot = _snapshot(row)
    indicator = row.indicator
    row.delete()
    audit.record(
        actor=by,
        obj=indicator,
        verb="indicator.value_deleted",
        changes={"before": snapshot, "after": None},
    )
