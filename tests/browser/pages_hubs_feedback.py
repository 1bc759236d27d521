"""Sweep entries for listing reports, freshness links, staff triage and CSV import."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from .pagespec import PageSpec


def _service(request: pytest.FixtureRequest) -> dict[str, Any]:
    from ..factories import ServiceFactory

    return {"slug": ServiceFactory(name="Marsh Farm Pantry").slug}


def _hub(request: pytest.FixtureRequest) -> dict[str, Any]:
    from ..factories import LocationFactory

    return {"slug": LocationFactory(is_hub=True, name="Hockwell Ring Hub").slug}


def _report(request: pytest.FixtureRequest) -> dict[str, Any]:
    from ..factories import ListingReportFactory

    return {"reference": ListingReportFactory(email="amina@example.org").reference}


def _resolved_report(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    from ..factories import ListingReportFactory

    report = ListingReportFactory(
        status="fixed", resolution="We changed the opening times.", resolved_at=timezone.now()
    )
    return {"reference": report.reference}


def _report_pk(request: pytest.FixtureRequest) -> dict[str, Any]:
    from ..factories import ListingReportFactory

    return {"pk": ListingReportFactory(details="They open at 11 now.").pk}


def _reports(request: pytest.FixtureRequest) -> None:
    from ..factories import ListingReportFactory, LocationFactory

    ListingReportFactory()
    ListingReportFactory(location=LocationFactory(is_hub=True), service=None, problem="closed")
    return None


def _confirm_token(request: pytest.FixtureRequest) -> dict[str, Any]:
    from hubs.services.freshness import verification_token

    from ..factories import ServiceFactory

    service = ServiceFactory(
        name="Lewsey Pantry",
        email="pantry@example.org",
        assured_date=datetime.date(2025, 1, 10),
    )
    return {"token": verification_token(service=service, email="pantry@example.org")}


def _unconfirmed(request: pytest.FixtureRequest) -> None:
    from django.utils import timezone

    from ..factories import ServiceFactory

    now = timezone.now()
    ServiceFactory(
        name="Quiet Club", assured_date=None, verification_requested_at=now, unconfirmed_since=now
    )
    return None


PAGES: list[PageSpec] = [
    PageSpec("hubs:report-create", setup=_service),
    PageSpec("hubs:hub-report-create", setup=_hub),
    PageSpec("hubs:report-sent", setup=_report),
    PageSpec("hubs:report-status", setup=_report),
    PageSpec("hubs:report-status", persona="resident", setup=_resolved_report),
    PageSpec("hubs:service-confirm", setup=_confirm_token),
    PageSpec("hubs:service-confirm", status=400, setup=lambda request: {"token": "not-a-token"}),
    PageSpec("hubs-staff:report-list", persona="staff", setup=_reports),
    PageSpec("hubs-staff:report-detail", persona="staff", setup=_report_pk),
    PageSpec("hubs-staff:unconfirmed-list", persona="staff", setup=_unconfirmed),
    PageSpec("hubs-staff:import", persona="staff"),
]
