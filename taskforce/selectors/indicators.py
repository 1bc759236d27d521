"""Reading indicator figures: the town series, ward and group breakdowns, with small numbers
suppressed for the public.

Every selector here works from ``indicator.values`` as prefetched by ``indicators_for_outcome`` or
``indicator_get`` when it is there, so a page showing several indicators costs a constant number
of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet

from luton2040.places.models import Ward

from ..models import Indicator, IndicatorValue, Outcome, PopulationGroup


def suppress_below() -> int:
    """Figures resting on fewer people than this are not shown to the public."""
    return int(settings.TASKFORCE_SUPPRESS_BELOW)


@dataclass(frozen=True)
class Figure:
    """One figure as a page may show it.

    ``suppressed`` is true when too few people stand behind the figure to publish it; public
    figures then carry no value. Members see the value and the flag, so they know it is hidden.
    ``value`` is also None when there is no figure at all for that period and breakdown.
    """

    period_label: str
    period_start: date
    value: Decimal | None
    suppressed: bool
    sample_size: int | None


def is_suppressed(sample_size: int | None) -> bool:
    """True when a figure rests on too few people to publish. No sample size means a figure that
    is not a count of people (a rate from an administrative source), so it is shown."""
    return sample_size is not None and sample_size < suppress_below()


def figure_from_value(row: IndicatorValue, *, public: bool) -> Figure:
    """The figure a page may show for one stored value."""
    suppressed = is_suppressed(row.sample_size)
    return Figure(
        period_label=row.period_label,
        period_start=row.period_start,
        value=None if (suppressed and public) else row.value,
        suppressed=suppressed,
        # The sample size of a hidden figure is itself a small number: keep it off public pages.
        sample_size=None if (suppressed and public) else row.sample_size,
    )


def _values_ordered() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.order_by("period_start", "ward_id", "group_id")


def _all_values(indicator: Indicator) -> list[IndicatorValue]:
    # Use the prefetch when the caller made one; otherwise one query for this indicator.
    cache = getattr(indicator, "_prefetched_objects_cache", {})
    if "values" in cache:
        return sorted(cache["values"], key=lambda v: v.period_start)
    return list(_values_ordered().filter(indicator=indicator))


def _prefetch_values() -> Prefetch[Any]:
    return Prefetch("values", queryset=_values_ordered())


def indicator_series(indicator: Indicator, *, public: bool) -> list[Figure]:
    """The town figure for each period, oldest first."""
    return [
        figure_from_value(v, public=public)
        for v in _all_values(indicator)
        if v.ward_id is None and v.group_id is None
    ]


def _breakdown_period(
    rows: list[IndicatorValue], period_start: date | None
) -> tuple[date, str] | None:
    # The latest period with any breakdown figure, so a town figure published ahead of the ward
    # figures does not leave the ward chart empty.
    if period_start is not None:
        label = next((r.period_label for r in rows if r.period_start == period_start), "")
        return period_start, label
    if not rows:
        return None
    latest = max(rows, key=lambda r: r.period_start)
    return latest.period_start, latest.period_label


def _town_figure(
    values: list[IndicatorValue], period_start: date, *, public: bool
) -> Figure | None:
    town = next(
        (
            v
            for v in values
            if v.ward_id is None and v.group_id is None and v.period_start == period_start
        ),
        None,
    )
    return figure_from_value(town, public=public) if town else None


def _empty(period: tuple[date, str]) -> Figure:
    return Figure(
        period_label=period[1],
        period_start=period[0],
        value=None,
        suppressed=False,
        sample_size=None,
    )


def ward_breakdown(
    indicator: Indicator,
    *,
    period_start: date | None = None,
    public: bool,
    wards: Sequence[Ward] | None = None,
) -> tuple[Figure | None, list[tuple[Ward, Figure]]]:
    """The town figure and every ward's figure for the latest period with ward figures (or the
    given period). All wards are listed; a ward with no figure has a Figure with value None.
    Pass ``wards`` when showing several indicators to save a query each."""
    values = _all_values(indicator)
    ward_rows = [v for v in values if v.ward_id is not None]
    period = _breakdown_period(ward_rows, period_start)
    if period is None:
        town_rows = [v for v in values if v.ward_id is None and v.group_id is None]
        latest = _breakdown_period(town_rows, None)
        town = _town_figure(values, latest[0], public=public) if latest else None
        return town, []
    all_wards = list(wards) if wards is not None else list(Ward.objects.order_by("name"))
    by_ward = {v.ward_id: v for v in ward_rows if v.period_start == period[0]}
    result = []
    for ward in all_wards:
        row = by_ward.get(ward.pk)
        result.append((ward, figure_from_value(row, public=public) if row else _empty(period)))
    return _town_figure(values, period[0], public=public), result


def group_breakdown(
    indicator: Indicator,
    *,
    period_start: date | None = None,
    public: bool,
    groups: Sequence[PopulationGroup] | None = None,
) -> tuple[Figure | None, list[tuple[PopulationGroup, Figure]]]:
    """The town figure and each group's figure for the latest period with group figures (or the
    given period). Only groups with a figure for that period are listed: unlike wards, groups
    overlap and most indicators are broken down by a few of them only."""
    values = _all_values(indicator)
    group_rows = [v for v in values if v.group_id is not None]
    period = _breakdown_period(group_rows, period_start)
    if period is None:
        return None, []
    by_group = {v.group_id: v for v in group_rows if v.period_start == period[0]}
    all_groups = (
        list(groups) if groups is not None else list(PopulationGroup.objects.order_by("position"))
    )
    result = [
        (group, figure_from_value(by_group[group.pk], public=public))
        for group in all_groups
        if group.pk in by_group
    ]
    return _town_figure(values, period[0], public=public), result


def _visible(public: bool) -> QuerySet[Indicator]:
    qs = Indicator.objects.select_related("outcome")
    return qs.filter(is_public=True) if public else qs


def indicators_for_outcome(outcome: Outcome, *, public: bool) -> list[Indicator]:
    """The outcome's indicators in order, with all their values prefetched (two queries)."""
    return list(
        _visible(public)
        .filter(outcome=outcome)
        .prefetch_related(_prefetch_values())
        .order_by("position", "name")
    )


def indicator_get(slug: str, *, public: bool) -> Indicator | None:
    """One indicator with its values prefetched; internal ones only when not ``public``."""
    return _visible(public).prefetch_related(_prefetch_values()).filter(slug=slug).first()


def indicator_values_for_recording(indicator: Indicator) -> QuerySet[IndicatorValue]:
    """Every stored value of an indicator, for members correcting them: newest period first,
    town figure before wards before groups."""
    return (
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("ward", "group", "recorded_by")
        .order_by(
            "-period_start",
            F("group__position").asc(nulls_first=True),
            F("ward__name").asc(nulls_first=True),
        )
    )
