"""Writes for progress reports: compose a draft, publish it (freezing its data), correct it.

A published report never changes. Every section service refuses one, and a correction is a new
draft version that supersedes it; the old version stays published, marked as superseded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from luton2040 import audit
from luton2040.notifications import subscriptions

from .. import kinds
from ..models import Indicator, Outcome, ProgressReport, ReportSection
from ..selectors.reports import DATA_KINDS, previous_period_end, section_live_data

if TYPE_CHECKING:
    import datetime

    from luton2040.accounts.models import User

Kind = ReportSection.Kind


class ReportPublishedError(Exception):
    """A published report cannot be changed; publish a correction instead."""

    def __init__(self, report: ProgressReport) -> None:
        super().__init__(
            f"Report {report.slug} version {report.version} is published and cannot be "
            "changed. Publish a correction instead."
        )
        self.report = report


def _lock_draft(report: ProgressReport) -> ProgressReport:
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ProgressReport.Status.DRAFT:
        raise ReportPublishedError(locked)
    return locked


def _unique_slug(title: str) -> str:
    base = slugify(title)[:190] or "progress-report"
    slug, number = base, 1
    while ProgressReport.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def report_create(
    *,
    by: User,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    summary: str = "",
) -> ProgressReport:
    """Start a draft report (version 1) for a period, with a slug made from its title."""
    report = ProgressReport.objects.create(
        title=title,
        slug=_unique_slug(title),
        version=1,
        period_start=period_start,
        period_end=period_end,
        summary=summary,
        created_by=by,
    )
    audit.record(
        actor=by,
        obj=report,
        verb="report.created",
        changes={"title": title, "period": f"{period_start} to {period_end}"},
    )
    return report


@transaction.atomic
def report_update(
    *,
    report: ProgressReport,
    by: User,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    summary: str,
) -> ProgressReport:
    """Change a draft's title, period or summary (the slug stays, so links keep working)."""
    report = _lock_draft(report)
    changes = {
        field: [str(getattr(report, field)), str(value)]
        for field, value in (
            ("title", title),
            ("period_start", period_start),
            ("period_end", period_end),
            ("summary", summary),
        )
        if getattr(report, field) != value
    }
    report.title, report.period_start, report.period_end, report.summary = (
        title,
        period_start,
        period_end,
        summary,
    )
    report.save(update_fields=["title", "period_start", "period_end", "summary"])
    if changes:
        audit.record(actor=by, obj=report, verb="report.changed", changes=changes)
    return report


def _check_section_fields(kind: str, outcome: Outcome | None, indicator: Indicator | None) -> None:
    if kind in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART) and indicator is None:
        raise ValueError("an indicator block needs an indicator")


@transaction.atomic
def report_section_add(
    *,
    report: ProgressReport,
    by: User,
    kind: str,
    heading: str,
    body: str = "",
    outcome: Outcome | None = None,
    indicator: Indicator | None = None,
) -> ReportSection:
    """Add a section at the end of a draft."""
    report = _lock_draft(report)
    _check_section_fields(kind, outcome, indicator)
    last = report.sections.aggregate(last=Max("position"))["last"]
    section = ReportSection.objects.create(
        report=report,
        position=0 if last is None else last + 1,
        kind=kind,
        heading=heading,
        body=body,
        # Only the blocks that use them keep them, so a form's leftover choice is not stored.
        outcome=outcome if kind == Kind.ACTIONS_BY_OUTCOME else None,
        indicator=indicator if kind in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART) else None,
    )
    audit.record(
        actor=by,
        obj=report,
        verb="report.section_added",
        changes={"heading": heading, "kind": kind},
    )
    return section


@transaction.atomic
def report_section_update(
    *,
    section: ReportSection,
    by: User,
    heading: str,
    body: str,
    outcome: Outcome | None = None,
    indicator: Indicator | None = None,
) -> ReportSection:
    """Change a draft's section (its kind stays)."""
    _lock_draft(section.report)
    section = ReportSection.objects.get(pk=section.pk)
    _check_section_fields(section.kind, outcome, indicator)
    before = {"heading": section.heading, "body": section.body}
    section.heading, section.body = heading, body
    if section.kind == Kind.ACTIONS_BY_OUTCOME:
        section.outcome = outcome
    if section.kind in (Kind.INDICATOR_TABLE, Kind.INDICATOR_CHART):
        section.indicator = indicator
    section.save()
    changes = {
        field: [before[field], getattr(section, field)]
        for field in before
        if before[field] != getattr(section, field)
    }
    audit.record(actor=by, obj=section.report, verb="report.section_changed", changes=changes)
    return section


@transaction.atomic
def report_section_move(*, section: ReportSection, by: User, up: bool) -> ReportSection:
    """Swap a draft's section with the one before (up) or after it. At either end, nothing
    changes."""
    report = _lock_draft(section.report)
    ordered = list(report.sections.order_by("position", "pk"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return ordered[index]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    # Renumber all of them: positions may have gaps or ties after deletions.
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    moved = ordered[other]
    audit.record(
        actor=by,
        obj=report,
        verb="report.section_moved",
        changes={"heading": moved.heading, "position": other + 1},
    )
    return moved


@transaction.atomic
def report_section_delete(*, section: ReportSection, by: User) -> None:
    """Remove a section from a draft."""
    report = _lock_draft(section.report)
    audit.record(
        actor=by, obj=report, verb="report.section_deleted", changes={"heading": section.heading}
    )
    ReportSection.objects.filter(pk=section.pk, report=report).delete()


@transaction.atomic
def report_publish(*, report: ProgressReport, by: User) -> ProgressReport:
    """Publish a draft: freeze every data block's data as it is now, then tell the reports
    topic's followers. Publishing a published report changes nothing and tells nobody."""
    # The lock makes two clicks (or two staff) publish once, with one snapshot.
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ProgressReport.Status.PUBLISHED:
        return report
    previous_end = previous_period_end(report=report)
    for section in report.sections.select_related("outcome", "indicator", "report"):
        if section.kind in DATA_KINDS:
            section.snapshot = section_live_data(section=section, previous_end=previous_end)
            section.save(update_fields=["snapshot"])
    report.status = ProgressReport.Status.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = by
    report.save(update_fields=["status", "published_at", "published_by"])
    audit.record(
        actor=by,
        obj=report,
        verb="report.published",
        changes={"version": report.version, "corrects": report.supersedes_id},
    )
    context: dict[str, Any] = {
        "subject": str(_("Progress report published: %(title)s") % {"title": report.title}),
        "report_title": report.title,
        "version": report.version,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "summary": report.summary,
        "correction_note": report.correction_note,
        "url": report.get_absolute_url(),
    }
    # Written to the outbox in this transaction; delivery is queued after commit.
    subscriptions.notify_followers(
        topic=kinds.REPORTS_TOPIC,
        kind=kinds.REPORT_PUBLISHED,
        event=f"report:{report.pk}",
        context=context,
    )
    return report


@transaction.atomic
def report_correct(*, report: ProgressReport, by: User, note: str) -> ProgressReport:
    """Start the next version of a published report as a draft that corrects it: the same
    sections, narrative kept, data blocks to be frozen afresh when it is published. A report
    can be corrected once; correct the newest version."""
    note = note.strip()
    if not note:
        raise ValueError("a correction needs a note saying what it corrects")
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ProgressReport.Status.PUBLISHED:
        raise ValueError("only a published report can be corrected")
    existing = ProgressReport.objects.filter(supersedes=report).first()
    if existing is not None:
        return existing  # a second click finds the draft the first one made
    correction = ProgressReport.objects.create(
        title=report.title,
        slug=report.slug,
        version=report.version + 1,
        period_start=report.period_start,
        period_end=report.period_end,
        summary=report.summary,
        supersedes=report,
        correction_note=note,
        created_by=by,
    )
    ReportSection.objects.bulk_create(
        ReportSection(
            report=correction,
            position=section.position,
            kind=section.kind,
            heading=section.heading,
            body=section.body,
            outcome_id=section.outcome_id,
            indicator_id=section.indicator_id,
            snapshot=None,
        )
        for section in report.sections.order_by("position", "pk")
    )
    audit.record(
        actor=by,
        obj=correction,
        verb="report.correction_started",
        changes={"corrects_version": report.version, "note": note},
    )
    return correction
