"""What engagement adds to taskforce pages (taskforce/extensions.py): the progress report's
"Consultation outcomes" block, and on an action's page the outcomes and recommendations it
carries out."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.models import Assembly, Decision, OutcomeDecision, Recommendation
from engagement.services import outcomes as services
from luton2040.accounts.models import User
from taskforce.models import ReportSection
from taskforce.services import reports as report_services

from ..factories import ActionFactory, AssemblyFactory
from .test_outcomes import consultation_closed, text, written_outcome

pytestmark = pytest.mark.django_db


def _published_outcome(staff: User, *, slug: str, title: str, action: Any = None) -> Any:
    consultation = consultation_closed(days_ago=20, slug=slug, title=title)
    outcome = written_outcome(consultation)
    decision = OutcomeDecision.objects.create(
        outcome=outcome, text=f"Decided for {title}", decision=Decision.ACCEPTED_IN_PART
    )
    if action is not None:
        decision.actions.set([action])
    services.outcome_publish(consultation=consultation, by=staff)
    return outcome


def _report_with_outcomes_block(staff: User, *, start: datetime.date, end: datetime.date) -> Any:
    report = report_services.report_create(
        by=staff, title="Progress this quarter", period_start=start, period_end=end
    )
    report_services.report_section_add(
        report=report,
        by=staff,
        kind=ReportSection.Kind.CONSULTATION_OUTCOMES,
        heading="What residents told us",
    )
    return report


def test_the_report_block_lists_outcomes_published_in_its_period_and_freezes_them(
    client: Client, staff: User
) -> None:
    today = timezone.localdate()
    in_period = _published_outcome(staff, slug="buses", title="Buses in Luton")
    earlier = _published_outcome(staff, slug="parks", title="Parks and open spaces")
    earlier.published_at = timezone.now() - datetime.timedelta(days=60)
    earlier.save(update_fields=["published_at"])
    report = _report_with_outcomes_block(
        staff, start=today - datetime.timedelta(days=30), end=today
    )
    client.force_login(staff)

    preview = text(client.get(reverse("taskforce-staff:report-preview", args=[report.pk])))
    assert "Buses in Luton" in preview
    assert "Decided for Buses in Luton <strong>(Accepted in part)</strong>" in preview
    assert reverse("engagement:outcome", kwargs={"slug": "buses"}) in preview
    assert "Parks and open spaces" not in preview  # published before the period
    assert "No consultation outcomes in this period." not in preview

    report_services.report_publish(report=report, by=staff)
    # A published report shows what it froze, whatever happens to the outcome afterwards.
    in_period.consultation.title = "Renamed later"
    in_period.consultation.save(update_fields=["title"])
    report.refresh_from_db()
    public = text(
        client.get(
            reverse(
                "taskforce:report-detail", kwargs={"slug": report.slug, "version": report.version}
            )
        )
    )
    assert "Buses in Luton" in public
    assert "Renamed later" not in public


def test_a_period_with_no_outcomes_says_so(client: Client, staff: User) -> None:
    report = _report_with_outcomes_block(
        staff, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 3, 31)
    )
    client.force_login(staff)
    preview = text(client.get(reverse("taskforce-staff:report-preview", args=[report.pk])))
    assert "No consultation outcomes in this period." in preview


def test_an_action_page_links_what_decided_or_recommended_it(client: Client, staff: User) -> None:
    action = ActionFactory(reference="FT-024", title="Evening buses")
    _published_outcome(staff, slug="buses", title="Buses in Luton", action=action)
    # Written but not published: not linked yet.
    unpublished = written_outcome(
        consultation_closed(days_ago=5, slug="trams", title="Trams in Luton")
    )
    OutcomeDecision.objects.create(outcome=unpublished, text="Trams").actions.set([action])
    responded = AssemblyFactory(title="Assembly on the cost of living")
    responded.status = Assembly.Status.RESPONDED
    responded.save(update_fields=["status"])
    rec = Recommendation.objects.create(
        assembly=responded, number=3, title="Late buses to the hospital", text="..."
    )
    rec.actions.set([action])
    awaiting = AssemblyFactory(title="Assembly not yet answered")
    awaiting.status = Assembly.Status.REPORTED
    awaiting.save(update_fields=["status"])
    Recommendation.objects.create(
        assembly=awaiting, number=1, title="Not public yet", text="..."
    ).actions.set([action])

    page = text(client.get(action.get_absolute_url()))

    assert "Linked consultation outcomes and assembly recommendations" in page
    assert "Consultation outcome" in page and "Buses in Luton" in page
    assert reverse("engagement:outcome", kwargs={"slug": "buses"}) in page
    assert "Trams in Luton" not in page
    assert "Assembly on the cost of living, recommendation 3: Late buses to the hospital" in page
    assert f"{responded.get_absolute_url()}#recommendation-{rec.pk}" in page
    assert "Not public yet" not in page


def test_an_action_with_nothing_linked_has_no_such_section(client: Client) -> None:
    action = ActionFactory(reference="FT-025", title="Warm spaces")
    page = text(client.get(action.get_absolute_url()))
    assert "Linked consultation outcomes and assembly recommendations" not in page


def test_the_action_page_costs_the_same_queries_however_many_are_linked(
    client: Client, staff: User
) -> None:
    action = ActionFactory(reference="FT-026", title="Food First pantries")
    assembly = AssemblyFactory()
    assembly.status = Assembly.Status.RESPONDED
    assembly.save(update_fields=["status"])

    def link(number: int) -> None:
        _published_outcome(staff, slug=f"c{number}", title=f"Consultation {number}", action=action)
        Recommendation.objects.create(
            assembly=assembly, number=number, title=f"Recommendation {number}", text="..."
        ).actions.set([action])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(action.get_absolute_url()).status_code == 200
        return len(captured)

    link(1)
    one = queries()
    for number in (2, 3, 4):
        link(number)
    assert queries() == one
