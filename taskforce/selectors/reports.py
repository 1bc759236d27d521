"""Reads for progress reports: the archive, one report, and each data block's data.

A data block's data has one shape whether it comes from live data (a draft's preview) or from
the snapshot frozen at publication, so the preview renders exactly as the public page will.
Everything in a snapshot is plain JSON: strings, numbers, booleans, lists and dicts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch

from .. import extensions
from ..models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Indicator,
    Outcome,
    ProgressReport,
    ReportSection,
)
from .indicators import Figure, indicator_series, ward_breakdown
from .vocabulary import outcome_list

Kind = ReportSection.Kind
DATA_KINDS = frozenset(kind for kind in Kind if kind != Kind.NARRATIVE)


# --- Reports -------------------------------------------------------------------------------


def report_archive() -> QuerySet[ProgressReport]:
    """Published reports, newest publication first, each with the versions it corrects and is
    corrected by (one query)."""
    return (
        ProgressReport.objects.filter(status=ProgressReport.Status.PUBLISHED)
        .select_related("supersedes", "superseded_by")
        .order_by("-published_at", "-version")
    )


def report_published(*, slug: str, version: int) -> ProgressReport | None:
    """One published report version, or None (drafts do not exist for the public)."""
    return (
        ProgressReport.objects.filter(
            slug=slug, version=version, status=ProgressReport.Status.PUBLISHED
        )
        .select_related("supersedes", "superseded_by", "published_by")
        .first()
    )


def report_staff_list() -> QuerySet[ProgressReport]:
    """Every report, drafts first, then the newest period, with section counts (one query)."""
    return (
        ProgressReport.objects.select_related("superseded_by")
        .annotate(section_count=Count("sections"))
        .order_by("status", "-period_end", "slug", "-version")
    )


def report_sections(*, report: ProgressReport) -> list[ReportSection]:
    """The report's sections in order, with the outcome and indicator each is about."""
    return list(report.sections.select_related("outcome", "indicator").order_by("position", "pk"))


def report_blocks(*, report: ProgressReport) -> list[tuple[ReportSection, dict[str, Any] | None]]:
    """Each section with the data it shows: a published report's frozen snapshot, never live
    data; a draft's live data (the preview)."""
    sections = report_sections(report=report)
    if report.status == ProgressReport.Status.PUBLISHED:
        return [(section, section.snapshot) for section in sections]
    previous_end = previous_period_end(report=report)
    return [
        (section, section_live_data(section=section, previous_end=previous_end))
        for section in sections
    ]


def previous_period_end(*, report: ProgressReport) -> datetime.date | None:
    """The end of the period of the last published report before this one (other versions of
    this report do not count: a correction covers the same period)."""
    previous = (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.PUBLISHED, period_end__lt=report.period_end
        )
        .exclude(slug=report.slug)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return previous


# --- Live data for one block ---------------------------------------------------------------


def section_live_data(
    *, section: ReportSection, previous_end: datetime.date | None
) -> dict[str, Any] | None:
    """The block's data computed now, in its snapshot shape (None for a narrative)."""
    kind = section.kind
    if kind == Kind.ACTIONS_BY_OUTCOME:
        return actions_by_outcome_data(outcome=section.outcome)
    if kind == Kind.CHANGES:
        report = section.report
        since = previous_end + datetime.timedelta(days=1) if previous_end else report.period_start
        return changes_data(since=since, until=report.period_end)
    if kind in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART):
        return indicator_data(indicator=section.indicator) if section.indicator else None
    if kind == Kind.CONSULTATION_OUTCOMES:
        # Engagement provides it (taskforce/extensions.py); without it, none in this period.
        report = section.report
        data = extensions.report_block_data(
            kind, period_start=report.period_start, period_end=report.period_end
        )
        return data if data is not None else {"consultations": []}
    return None


def _public_actions() -> QuerySet[Action]:
    return Action.objects.filter(
        review=Action.Review.PUBLISHED, visibility=Action.Visibility.PUBLIC
    )


def _action_url(action: Action) -> str:
    try:
        return action.get_absolute_url()
    except NoReverseMatch:
        # The action pages belong to the public area; without them the report still shows
        # the reference, unlinked.
        return ""


def _summary_counts(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many actions count as each summary group, in the list's order, leaving out groups
    with none ("7 on track, 3 at risk, 2 done")."""
    counts: dict[str, int] = {}
    for action in actions:
        counts[action["group"]] = counts.get(action["group"], 0) + 1
    return [
        {"group": group.value, "label": str(group.label), "count": counts[group.value]}
        for group in ActionStatus.Group
        if counts.get(group.value)
    ]


def actions_by_outcome_data(*, outcome: Outcome | None) -> dict[str, Any]:
    """Per outcome (one, or all of the priority's), its public actions with status, RAG and
    progress, and counts by summary group. Three queries."""
    outcomes = [outcome] if outcome is not None else list(outcome_list())
    actions = (
        _public_actions()
        .filter(outcomes__in=outcomes)
        .select_related("status")
        .prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.filter(pk__in=[o.pk for o in outcomes]))
        )
        .distinct()
        .order_by("reference")
    )
    by_outcome: dict[int, list[dict[str, Any]]] = {o.pk: [] for o in outcomes}
    for action in actions:
        row = {
            "reference": action.reference,
            "title": action.title,
            "status": action.status.name,
            "rag": action.status.rag,
            "rag_label": str(action.status.get_rag_display()),
            "group": action.status.summary_group,
            "progress": action.progress,
            "url": _action_url(action),
        }
        for linked in action.outcomes.all():
            by_outcome[linked.pk].append(row)
    return {
        "outcomes": [
            {
                "name": str(o),
                "slug": o.slug,
                "actions": by_outcome[o.pk],
                "total": len(by_outcome[o.pk]),
                "counts": _summary_counts(by_outcome[o.pk]),
            }
            for o in outcomes
        ]
    }


def changes_data(*, since: datetime.date, until: datetime.date) -> dict[str, Any]:
    """Public actions published, or whose status or progress changed by a published update,
    between `since` and `until` (both days included). Two queries."""
    rows: list[dict[str, Any]] = []
    for action in (
        _public_actions()
        .filter(published_at__date__range=(since, until))
        .select_related("status")
        .order_by("published_at", "reference")
    ):
        rows.append(
            {
                "date": action.published_at.date().isoformat(),  # type: ignore[union-attr]
                "reference": action.reference,
                "title": action.title,
                "url": _action_url(action),
                "new": True,
                "status_before": "",
                "status_after": action.status.name,
                "progress_before": None,
                "progress_after": action.progress,
            }
        )
    updates = (
        ActionUpdate.objects.filter(
            review=ActionUpdate.Review.PUBLISHED,
            published_at__date__range=(since, until),
            action__review=Action.Review.PUBLISHED,
            action__visibility=Action.Visibility.PUBLIC,
        )
        .filter(Q(status_after__isnull=False) | Q(progress_after__isnull=False))
        .select_related("action", "status_before", "status_after")
        .order_by("published_at", "pk")
    )
    for update in updates:
        rows.append(
            {
                "date": update.published_at.date().isoformat(),  # type: ignore[union-attr]
                "reference": update.action.reference,
                "title": update.action.title,
                "url": _action_url(update.action),
                "new": False,
                "status_before": update.status_before.name if update.status_before else "",
                "status_after": update.status_after.name if update.status_after else "",
                "progress_before": update.progress_before,
                "progress_after": update.progress_after,
            }
        )
    rows.sort(key=lambda row: (row["date"], row["reference"]))
    return {"since": since.isoformat(), "until": until.isoformat(), "changes": rows}


def _number(value: Decimal | float | int | None) -> str | None:
    """A figure as JSON-safe text, without trailing zeros ("84", "12.5")."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


def indicator_data(*, indicator: Indicator) -> dict[str, Any]:
    """The indicator's town series and its latest ward breakdown, with small numbers
    suppressed as the public pages suppress them."""
    series, wards, ward_period = _public_figures(indicator)
    return {
        "indicator": {
            "name": indicator.name,
            "slug": indicator.slug,
            "unit": indicator.unit,
            "source": indicator.source,
            "source_url": indicator.source_url,
            "direction": str(indicator.get_direction_display()),
            "baseline": _number(indicator.baseline_value),
            "baseline_period": indicator.baseline_period,
            "target": _number(indicator.target_value),
            "target_period": indicator.target_period,
        },
        "series": series,
        "wards": {"period_label": ward_period, "rows": wards},
    }


def _figure_row(figure: Figure, **extra: Any) -> dict[str, Any]:
    suppressed = bool(figure.suppressed)
    return {
        **extra,
        "period_label": figure.period_label,
        "period_start": figure.period_start.isoformat(),
        # A suppressed figure keeps neither its value nor its sample size: either could
        # identify the few people behind it.
        "value": None if suppressed else _number(figure.value),
        "suppressed": suppressed,
        "sample_size": None if suppressed else figure.sample_size,
    }


def _public_figures(
    indicator: Indicator,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """The town series and the latest ward breakdown, as the public pages show them (small
    numbers already suppressed by the indicator selectors)."""
    series = [_figure_row(f) for f in indicator_series(indicator, public=True)]
    _town, breakdown = ward_breakdown(indicator, public=True)
    wards = [_figure_row(figure, ward=ward.name) for ward, figure in breakdown]
    return series, wards, breakdown[0][1].period_label if breakdown else ""


# --- Downloads -----------------------------------------------------------------------------

CSV_HEADER = (
    "Section",
    "Block",
    "Outcome",
    "Action reference",
    "Action",
    "Status",
    "RAG",
    "Progress (%)",
    "Date",
    "Change",
    "Indicator",
    "Period",
    "Ward",
    "Value",
    "Unit",
    "Suppressed",
    "Sample size",
)


def report_csv_rows(*, report: ProgressReport) -> Iterator[list[object]]:
    """Every data block's frozen rows, in the CSV_HEADER columns."""
    for section, data in report_blocks(report=report):
        if not data:
            continue
        yield from _block_rows(section, data)


def _row(section: ReportSection, **cells: object) -> list[object]:
    cells.setdefault("Section", section.heading)
    cells.setdefault("Block", str(section.get_kind_display()))
    return [cells.get(column, "") for column in CSV_HEADER]


def change_text(change: dict[str, Any]) -> str:
    """One change in words, for the CSV ("Status: At risk to In progress; Progress: 40% to
    60%")."""
    parts = []
    if change.get("new"):
        parts.append("Published")
    if change.get("status_after") and change.get("status_before") != change.get("status_after"):
        parts.append(
            f"Status: {change.get('status_before') or '-'} to {change.get('status_after')}"
        )
    if change.get("progress_after") is not None and not change.get("new"):
        before = change.get("progress_before")
        parts.append(
            f"Progress: {'-' if before is None else f'{before}%'} to {change['progress_after']}%"
        )
    return "; ".join(parts)


def _block_rows(section: ReportSection, data: dict[str, Any]) -> Iterator[list[object]]:
    if section.kind == Kind.ACTIONS_BY_OUTCOME:
        for outcome in data.get("outcomes", []):
            for action in outcome["actions"]:
                yield _row(
                    section,
                    **{
                        "Outcome": outcome["name"],
                        "Action reference": action["reference"],
                        "Action": action["title"],
                        "Status": action["status"],
                        "RAG": action["rag_label"],
                        "Progress (%)": action["progress"],
                    },
                )
    elif section.kind == Kind.CHANGES:
        for change in data.get("changes", []):
            yield _row(
                section,
                **{
                    "Action reference": change["reference"],
                    "Action": change["title"],
                    "Status": change["status_after"],
                    "Progress (%)": change["progress_after"],
                    "Date": change["date"],
                    "Change": change_text(change),
                },
            )
    elif section.kind in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART):
        indicator = data["indicator"]
        for figure in data.get("series", []):
            yield _indicator_row(section, indicator, figure, ward="Luton (whole town)")
        for figure in data.get("wards", {}).get("rows", []):
            yield _indicator_row(section, indicator, figure, ward=figure.get("ward", ""))


def _indicator_row(
    section: ReportSection, indicator: dict[str, Any], figure: dict[str, Any], *, ward: str
) -> list[object]:
    return _row(
        section,
        **{
            "Indicator": indicator["name"],
            "Period": figure["period_label"],
            "Ward": ward,
            "Value": "" if figure["value"] is None else figure["value"],
            "Unit": indicator["unit"],
            "Suppressed": "yes" if figure["suppressed"] else "no",
            "Sample size": "" if figure["sample_size"] is None else figure["sample_size"],
        },
    )
