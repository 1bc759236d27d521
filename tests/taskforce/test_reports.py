"""Progress reports: composing a draft, publishing (which freezes its data), corrections as new
versions, the public archive, report pages and CSV, and who may do what."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luton2040.accounts.models import User
from luton2040.notifications import subscriptions
from luton2040.notifications.models import Notification
from luton2040.places.models import Ward
from taskforce import kinds
from taskforce.models import ActionUpdate, ProgressReport, ReportSection
from taskforce.services import reports as services

from ..factories import (
    ActionFactory,
    ActionUpdateFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    OutcomeFactory,
    ProgressReportFactory,
    ReportSectionFactory,
    action_status,
)

pytestmark = pytest.mark.django_db

Kind = ReportSection.Kind
IN_PERIOD = datetime.datetime(2026, 2, 10, 12, 0, tzinfo=datetime.UTC)


def _text(response: Any) -> str:
    return response.content.decode()


def _without_csrf(page: str) -> str:
    """The page's main content. The follow form's CSRF token is masked afresh on every render
    (and script nonces are outside main); nothing else may differ."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def _csv(client: Client, report: ProgressReport) -> str:
    response = client.get(
        reverse("taskforce:report-csv", kwargs={"slug": report.slug, "version": report.version})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def outcome():  # type: ignore[no-untyped-def]
    return OutcomeFactory(short_name="Fairness")


@pytest.fixture
def report_with_blocks(staff: User, outcome):  # type: ignore[no-untyped-def]
    """A draft with a narrative, actions by outcome, changes, an indicator table and chart,
    and consultation outcomes; one action (changed in the period) and one indicator."""
    action = ActionFactory(
        reference="FT-014",
        title="Warm spaces in Lewsey",
        progress=40,
        outcomes=[outcome],
        published_at=IN_PERIOD,
    )
    ActionUpdateFactory(
        action=action,
        status_before=action_status("planned"),
        status_after=action_status("in-progress"),
        progress_before=10,
        progress_after=40,
        published_at=IN_PERIOD,
    )
    indicator = IndicatorFactory(name="Neighbourhood is a good place to live", outcome=outcome)
    IndicatorValueFactory(indicator=indicator, value=84, sample_size=1200)
    ward = Ward.objects.order_by("name").first()
    assert ward is not None
    IndicatorValueFactory(indicator=indicator, ward=ward, value=77, sample_size=4)
    report = services.report_create(
        by=staff,
        title="Spring 2026 progress",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        summary="A good quarter.",
    )
    services.report_section_add(
        report=report, by=staff, kind=Kind.NARRATIVE, heading="Introduction", body="We met."
    )
    services.report_section_add(
        report=report, by=staff, kind=Kind.ACTIONS_BY_OUTCOME, heading="Actions", outcome=outcome
    )
    services.report_section_add(report=report, by=staff, kind=Kind.CHANGES, heading="Changes")
    services.report_section_add(
        report=report, by=staff, kind=Kind.INDICATOR_TABLE, heading="Figures", indicator=indicator
    )
    services.report_section_add(
        report=report, by=staff, kind=Kind.INDICATOR_CHART, heading="Chart", indicator=indicator
    )
    services.report_section_add(
        report=report, by=staff, kind=Kind.CONSULTATION_OUTCOMES, heading="Consultations"
    )
    return {"report": report, "action": action, "indicator": indicator, "ward": ward}


# --- Composing --------------------------------------------------------------------------------


def test_create_makes_a_draft_version_one_with_a_slug_from_the_title(staff: User) -> None:
    first = services.report_create(
        by=staff,
        title="Spring 2026 progress",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    second = services.report_create(
        by=staff,
        title="Spring 2026 progress",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    assert (first.slug, first.version, first.status) == ("spring-2026-progress", 1, "draft")
    assert second.slug == "spring-2026-progress-2"


def test_staff_create_a_report_through_the_form_and_errors_keep_what_was_typed(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    url = reverse("taskforce-staff:report-create")
    response = client.post(
        url, {"title": "Q1", "period_start": "31/3/2026", "period_end": "1/1/2026"}
    )
    assert response.status_code == 400
    assert "The period must end on or after the day it starts" in _text(response)
    assert 'value="Q1"' in _text(response)
    response = client.post(
        url, {"title": "Q1 report", "period_start": "1/1/2026", "period_end": "31/3/2026"}
    )
    report = ProgressReport.objects.get(title="Q1 report")
    assert response.status_code == 302
    assert response["Location"] == reverse("taskforce-staff:report-compose", args=[report.pk])


def test_sections_are_added_moved_and_deleted_on_a_draft(client: Client, staff: User) -> None:
    report = ProgressReportFactory()
    client.force_login(staff)
    add = reverse("taskforce-staff:section-add", args=[report.pk])
    response = client.post(add, {"kind": "indicator-table", "heading": "Figures"})
    assert response.status_code == 400
    assert "Select the indicator to show" in _text(response)
    client.post(add, {"kind": "narrative", "heading": "First", "body": "One."})
    client.post(add, {"kind": "changes", "heading": "Second"})
    first, second = report.sections.order_by("position")
    client.post(
        reverse("taskforce-staff:section-move", args=[report.pk, second.pk]),
        {"direction": "up"},
    )
    assert [s.heading for s in report.sections.order_by("position")] == ["Second", "First"]
    client.post(reverse("taskforce-staff:section-delete", args=[report.pk, first.pk]))
    assert [s.heading for s in report.sections.all()] == ["Second"]
    page = client.get(reverse("taskforce-staff:report-compose", args=[report.pk]))
    assert "What changed since the last report" in _text(page)


def test_a_published_report_refuses_every_change(
    client: Client, staff: User, report_with_blocks: dict[str, Any]
) -> None:
    report = services.report_publish(report=report_with_blocks["report"], by=staff)
    section = report.sections.first()
    assert section is not None
    with pytest.raises(services.ReportPublishedError):
        services.report_section_add(report=report, by=staff, kind=Kind.NARRATIVE, heading="x")
    with pytest.raises(services.ReportPublishedError):
        services.report_section_update(section=section, by=staff, heading="x", body="y")
    with pytest.raises(services.ReportPublishedError):
        services.report_section_move(section=section, by=staff, up=False)
    with pytest.raises(services.ReportPublishedError):
        services.report_section_delete(section=section, by=staff)

    client.force_login(staff)
    compose = _text(client.get(reverse("taskforce-staff:report-compose", args=[report.pk])))
    assert "Add a section" not in compose and "Move down" not in compose
    assert "Publish a correction" in compose
    for name, args in (
        ("section-add", [report.pk]),
        ("section-edit", [report.pk, section.pk]),
        ("section-move", [report.pk, section.pk]),
        ("section-delete", [report.pk, section.pk]),
        ("report-edit", [report.pk]),
    ):
        response = client.post(reverse(f"taskforce-staff:{name}", args=args), {"heading": "x"})
        assert response.status_code == 403, name
    assert report.sections.filter(heading="x").count() == 0


# --- Publishing freezes the data ------------------------------------------------------------


def test_published_report_and_csv_do_not_change_when_the_data_does(
    client: Client, staff: User, report_with_blocks: dict[str, Any]
) -> None:
    report = services.report_publish(report=report_with_blocks["report"], by=staff)
    url = report.get_absolute_url()
    before_page = _text(client.get(url))
    before_csv = _csv(client, report)
    assert "FT-014: Warm spaces in Lewsey" in before_page
    assert "40%" in before_page
    assert "Status: Planned to In progress" in before_page
    assert "84" in before_page
    assert "No consultation outcomes in this period." in before_page
    assert "<svg" in before_page  # the chart, drawn from the snapshot

    action = report_with_blocks["action"]
    action.title = "Renamed action"
    action.progress = 90
    action.status = action_status("done")
    action.save()
    indicator = report_with_blocks["indicator"]
    indicator.values.filter(ward__isnull=True).update(value=12)
    ActionUpdateFactory(
        action=action, progress_before=40, progress_after=90, published_at=IN_PERIOD
    )

    after_page = _text(client.get(url))
    assert _without_csrf(after_page) == _without_csrf(before_page)
    assert "Renamed action" not in after_page
    assert "90%" not in after_page
    assert ">12<" not in after_page
    assert _csv(client, report) == before_csv


def test_a_drafts_preview_shows_live_data_and_says_so(
    client: Client, staff: User, report_with_blocks: dict[str, Any]
) -> None:
    report = report_with_blocks["report"]
    client.force_login(staff)
    preview = reverse("taskforce-staff:report-preview", args=[report.pk])
    page = _text(client.get(preview))
    assert "Preview: figures will be frozen when you publish." in page
    assert "40%" in page
    action = report_with_blocks["action"]
    action.progress = 70
    action.save()
    assert "70%" in _text(client.get(preview))
    assert ReportSection.objects.filter(report=report, snapshot__isnull=False).count() == 0


def test_small_ward_figures_are_stored_suppressed_not_as_the_number(
    client: Client, staff: User, report_with_blocks: dict[str, Any]
) -> None:
    report = services.report_publish(report=report_with_blocks["report"], by=staff)
    table = report.sections.get(kind=Kind.INDICATOR_TABLE)
    ward_name = report_with_blocks["ward"].name
    ward_row = next(r for r in table.snapshot["wards"]["rows"] if r["ward"] == ward_name)
    assert ward_row == {
        "ward": ward_name,
        "period_label": "2024/25",
        "period_start": "2024-04-01",
        "value": None,
        "suppressed": True,
        "sample_size": None,
    }
    assert table.snapshot["series"][0]["value"] == "84"
    assert "77" not in str(table.snapshot)
    csv_text = _csv(client, report)
    assert f"{ward_name}," in csv_text and ",77," not in csv_text


def test_changes_block_covers_the_time_since_the_last_published_report(staff: User) -> None:
    earlier = ProgressReportFactory(
        period_start=datetime.date(2025, 10, 1), period_end=datetime.date(2026, 1, 31)
    )
    services.report_publish(report=earlier, by=staff)
    inside = ActionFactory(title="Inside", published_at=IN_PERIOD)
    ActionFactory(title="Before", published_at=datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC))
    ActionFactory(title="Internal", published_at=IN_PERIOD, visibility="internal")
    ActionUpdateFactory(action=inside, body="No change in figures", published_at=IN_PERIOD)
    ActionUpdateFactory(
        action=inside,
        progress_before=0,
        progress_after=20,
        review=ActionUpdate.Review.SUBMITTED,
        published_at=None,
    )
    report = ProgressReportFactory()
    ReportSectionFactory(report=report, kind=Kind.CHANGES, heading="Changes", body="")
    services.report_publish(report=report, by=staff)
    snapshot = report.sections.get().snapshot
    assert snapshot["since"] == "2026-02-01"
    assert [(c["title"], c["new"]) for c in snapshot["changes"]] == [("Inside", True)]


# --- Notifications ----------------------------------------------------------------------------


def test_publishing_twice_notifies_followers_once(
    staff: User, resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    subscriptions.subscription_follow(user=resident, topic=kinds.REPORTS_TOPIC)
    report = ProgressReportFactory(title="Spring 2026 progress")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, by=staff)
    published_at = ProgressReport.objects.get(pk=report.pk).published_at
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, by=staff)
    sent = Notification.objects.filter(kind=kinds.REPORT_PUBLISHED)
    assert [n.user for n in sent] == [resident]
    assert sent.get().context["url"] == report.get_absolute_url()
    assert ProgressReport.objects.get(pk=report.pk).published_at == published_at


def test_publish_page_asks_then_publishes_by_post(client: Client, staff: User) -> None:
    report = ProgressReportFactory()
    client.force_login(staff)
    url = reverse("taskforce-staff:report-publish", args=[report.pk])
    assert "Publish this report?" in _text(client.get(url))
    assert ProgressReport.objects.get(pk=report.pk).status == "draft"
    response = client.post(url)
    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == "published" and report.published_by == staff


# --- Corrections ------------------------------------------------------------------------------


def test_a_correction_is_a_new_version_and_both_stay_reachable(
    client: Client, staff: User, report_with_blocks: dict[str, Any]
) -> None:
    v1 = services.report_publish(report=report_with_blocks["report"], by=staff)
    client.force_login(staff)
    correct = reverse("taskforce-staff:report-correct", args=[v1.pk])
    response = client.post(correct, {"note": "  "})
    assert response.status_code == 400
    assert "Enter what this correction changes" in _text(response)
    with pytest.raises(ValueError):
        services.report_correct(report=v1, by=staff, note="")

    client.post(correct, {"note": "The Lewsey figure was wrong."})
    v2 = ProgressReport.objects.get(slug=v1.slug, version=2)
    assert v2.status == "draft" and v2.supersedes == v1
    assert [s.heading for s in v2.sections.all()] == [s.heading for s in v1.sections.all()]
    assert v2.sections.filter(snapshot__isnull=False).count() == 0
    assert v2.sections.get(kind=Kind.NARRATIVE).body == "We met."

    client.logout()
    # Until v2 is published, v1 is not superseded and v2 does not exist for the public.
    assert "Superseded by" not in _text(client.get(v1.get_absolute_url()))
    assert client.get(v2.get_absolute_url()).status_code == 404

    action = report_with_blocks["action"]
    action.progress = 55
    action.save()
    services.report_publish(report=v2, by=staff)
    old = _text(client.get(v1.get_absolute_url()))
    new = _text(client.get(v2.get_absolute_url()))
    assert "Superseded by version 2." in old and v2.get_absolute_url() in old
    assert "40%" in old and "55%" not in old
    assert "This version corrects version 1:" in new
    assert "The Lewsey figure was wrong." in new and "55%" in new
    archive = _text(client.get(reverse("taskforce:report-list")))
    assert "Superseded by version 2" in archive and "The Lewsey figure was wrong." in archive


# --- Public pages and permissions ---------------------------------------------------------------


def test_drafts_are_not_found_by_the_public(client: Client, resident: User) -> None:
    report = ProgressReportFactory()
    client.force_login(resident)
    assert client.get(report.get_absolute_url()).status_code == 404
    csv_url = reverse("taskforce:report-csv", kwargs={"slug": report.slug, "version": 1})
    assert client.get(csv_url).status_code == 404
    assert report.title not in _text(client.get(reverse("taskforce:report-list")))


def test_csv_neutralises_formulas_and_carries_the_licence(client: Client, staff: User) -> None:
    ActionFactory(title="=HYPERLINK(evil)", published_at=IN_PERIOD)
    report = ProgressReportFactory()
    ReportSectionFactory(report=report, kind=Kind.CHANGES, heading="Changes")
    services.report_publish(report=report, by=staff)
    text = _csv(client, report)
    assert "'=HYPERLINK(evil)" in text
    assert "Open Government Licence v3.0" in text


@pytest.mark.parametrize("persona", ["resident", "taskforce_member", "taskforce_lead", "outsider"])
def test_only_council_staff_reach_staff_report_pages(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    report = ProgressReportFactory()
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("taskforce-staff:report-list"),
        reverse("taskforce-staff:report-compose", args=[report.pk]),
        reverse("taskforce-staff:report-preview", args=[report.pk]),
        reverse("taskforce-staff:report-publish", args=[report.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("taskforce-staff:report-publish", args=[report.pk])).status_code == 403
    )
    assert ProgressReport.objects.get(pk=report.pk).status == "draft"


def test_anonymous_are_sent_to_sign_in_and_staff_without_mfa_to_set_it_up(
    client: Client, staff_without_mfa: User
) -> None:
    url = reverse("taskforce-staff:report-list")
    assert reverse("account_login") in client.get(url)["Location"]
    client.force_login(staff_without_mfa)
    assert reverse("mfa_activate_totp") in client.get(url)["Location"]


def test_staff_see_drafts_and_published_in_their_list(client: Client, staff: User) -> None:
    ProgressReportFactory(title="Draft one")
    services.report_publish(report=ProgressReportFactory(title="Published one"), by=staff)
    client.force_login(staff)
    page = _text(client.get(reverse("taskforce-staff:report-list")))
    assert "Draft one" in page and "Published one" in page


def test_report_page_has_contents_follow_form_and_print_styles(
    client: Client, staff: User, report_with_blocks: dict[str, Any]
) -> None:
    report = services.report_publish(report=report_with_blocks["report"], by=staff)
    page = _text(client.get(report.get_absolute_url()))
    assert "Contents" in page and 'href="#section-' in page
    assert f'name="topic" value="{kinds.REPORTS_TOPIC}"' in page
    assert "Version" in page and timezone.localdate().strftime("%Y") in page


# --- Query counts -------------------------------------------------------------------------------


def _publish_many(staff: User, count: int, outcome: Any) -> ProgressReport:
    last = None
    for n in range(count):
        report = ProgressReportFactory()
        ReportSectionFactory(report=report)
        ReportSectionFactory(report=report, kind=Kind.ACTIONS_BY_OUTCOME, outcome=outcome)
        last = services.report_publish(report=report, by=staff)
        if n % 2:
            services.report_publish(
                report=services.report_correct(report=last, by=staff, note="Fixed."), by=staff
            )
    assert last is not None
    return last


@pytest.mark.parametrize("size", [1, 6])
def test_archive_query_count_is_constant(
    client: Client, staff: User, outcome: Any, size: int, django_assert_num_queries: Any
) -> None:
    ActionFactory.create_batch(size, outcomes=[outcome])
    _publish_many(staff, size, outcome)
    with django_assert_num_queries(1):
        response = client.get(reverse("taskforce:report-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_report_page_query_count_is_constant(
    client: Client, staff: User, outcome: Any, size: int, django_assert_num_queries: Any
) -> None:
    ActionFactory.create_batch(size, outcomes=[outcome])
    report = ProgressReportFactory()
    for _ in range(size):
        ReportSectionFactory(report=report)
        ReportSectionFactory(report=report, kind=Kind.ACTIONS_BY_OUTCOME, outcome=outcome)
    services.report_publish(report=report, by=staff)
    with django_assert_num_queries(2):
        response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert _text(response).count(f"{size} action") == size
