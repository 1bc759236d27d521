"""Sweep entries for the taskforce's progress reports: the archive, a published report (and one
corrected by a later version), and council staff's composing pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from .pagespec import PageSpec


def _draft(request: pytest.FixtureRequest) -> Any:
    """A draft with every kind of section, about one action and one indicator with a ward
    figure too small to show."""
    from luton2040.accounts.roles import Role
    from luton2040.places.models import Ward
    from taskforce.services import reports as services

    from ..factories import (
        ActionFactory,
        IndicatorFactory,
        IndicatorValueFactory,
        OutcomeFactory,
        UserFactory,
    )

    staff = UserFactory(email="rita.reports@luton.gov.uk.example", roles=[Role.COUNCIL_STAFF])
    outcome = OutcomeFactory(short_name="Fairness")
    ActionFactory(reference="FT-001", title="Warm spaces in Lewsey", outcomes=[outcome])
    indicator = IndicatorFactory(name="Neighbourhood is a good place to live", outcome=outcome)
    IndicatorValueFactory(indicator=indicator, value=84)
    IndicatorValueFactory(
        indicator=indicator, ward=Ward.objects.order_by("name").first(), value=70, sample_size=3
    )
    report = services.report_create(
        by=staff,
        title="Spring 2026 progress",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        summary="What the taskforce did this quarter.",
    )
    kind = "narrative", "actions-by-outcome", "changes", "indicator-table", "indicator-chart"
    for name in (*kind, "consultation-outcomes"):
        services.report_section_add(
            report=report,
            by=staff,
            kind=name,
            heading=name.replace("-", " ").capitalize(),
            body="The taskforce met four times." if name == "narrative" else "",
            outcome=outcome if name == "actions-by-outcome" else None,
            indicator=indicator if name.startswith("indicator") else None,
        )
    return report, staff


def _published(request: pytest.FixtureRequest) -> dict[str, Any]:
    from taskforce.services import reports as services

    report, staff = _draft(request)
    services.report_publish(report=report, by=staff)
    return {"slug": report.slug, "version": report.version}


def _corrected(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Version 1, superseded by a published version 2."""
    from taskforce.services import reports as services

    report, staff = _draft(request)
    services.report_publish(report=report, by=staff)
    v2 = services.report_correct(report=report, by=staff, note="The Lewsey figure was wrong.")
    services.report_publish(report=v2, by=staff)
    return {"slug": report.slug, "version": 1}


def _corrected_v2(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**_corrected(request), "version": 2}


def _draft_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"pk": _draft(request)[0].pk}


def _published_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    from taskforce.models import ProgressReport

    _published(request)
    return {"pk": ProgressReport.objects.get().pk}


def _section(request: pytest.FixtureRequest) -> dict[str, Any]:
    report = _draft(request)[0]
    return {"pk": report.pk, "section_pk": report.sections.get(kind="indicator-table").pk}


def _archive(request: pytest.FixtureRequest) -> None:
    _corrected(request)
    return None


PAGES: list[PageSpec] = [
    PageSpec("taskforce:report-list", setup=_archive),
    PageSpec("taskforce:report-detail", setup=_published),
    PageSpec("taskforce:report-detail", persona="resident", setup=_corrected),
    PageSpec("taskforce:report-detail", setup=_corrected_v2),
    PageSpec("taskforce-staff:report-list", persona="staff", setup=_archive),
    PageSpec("taskforce-staff:report-create", persona="staff"),
    PageSpec("taskforce-staff:report-compose", persona="staff", setup=_draft_pk),
    PageSpec("taskforce-staff:report-compose", persona="staff", setup=_published_pk),
    PageSpec("taskforce-staff:report-edit", persona="staff", setup=_draft_pk),
    PageSpec("taskforce-staff:section-add", persona="staff", setup=_draft_pk),
    PageSpec("taskforce-staff:section-edit", persona="staff", setup=_section),
    PageSpec("taskforce-staff:section-delete", persona="staff", setup=_section),
    PageSpec("taskforce-staff:report-preview", persona="staff", setup=_draft_pk),
    PageSpec("taskforce-staff:report-publish", persona="staff", setup=_draft_pk),
    PageSpec("taskforce-staff:report-correct", persona="staff", setup=_published_pk),
]
