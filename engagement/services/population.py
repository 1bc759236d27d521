"""Changing the population figures "Who is responding" compares responses with."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from luton2040.audit.services import audit_event_record

from ..models import PopulationShare


@dataclass(frozen=True)
class PopulationFigure:
    """What staff entered for one category: no share means "no population figure"."""

    dimension: str
    category: str
    share: Decimal | None
    source: str
    checked: bool


def _state(share: PopulationShare) -> dict[str, Any]:
    # Two places always, so 49.9 typed in and 49.90 read back count as the same figure.
    return {
        "share": f"{Decimal(share.share):.2f}",
        "source": share.source,
        "checked": share.checked,
    }


@transaction.atomic
def population_shares_save(*, figures: list[PopulationFigure], by: Any) -> int:
    """Make the stored figures match ``figures``: create, change or (share left blank) remove
    each, one audit event per figure changed. Returns how many changed; figures that are the
    same as before are left alone and not audited."""
    existing = {
        (share.dimension, share.category): share
        for share in PopulationShare.objects.select_for_update().filter(
            dimension__in={figure.dimension for figure in figures}
        )
    }
    changed = 0
    for figure in figures:
        share = existing.get((figure.dimension, figure.category))
        if figure.share is None:
            if share is not None:
                audit_event_record(
                    actor=by,
                    obj=share,
                    verb="engagement.population_share.removed",
                    changes={"before": _state(share)},
                )
                share.delete()
                changed += 1
            continue
        if share is None:
            share = PopulationShare.objects.create(
                dimension=figure.dimension,
                category=figure.category,
                share=figure.share,
                source=figure.source,
                checked=figure.checked,
            )
            audit_event_record(
                actor=by,
                obj=share,
                verb="engagement.population_share.added",
                changes={"after": _state(share)},
            )
            changed += 1
            continue
        before = _state(share)
        share.share = figure.share
        share.source = figure.source
        share.checked = figure.checked
        after = _state(share)
        if before == after:
            continue
        share.save(update_fields=["share", "source", "checked"])
        audit_event_record(
            actor=by,
            obj=share,
            verb="engagement.population_share.changed",
            changes={"before": before, "after": after},
        )
        changed += 1
    return changed
