"""Residents' consultation pages: the list (in the order they read it, filtered, paginated, in
a constant number of queries), each consultation's page, and its documents as downloads."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Consultation
from engagement.services.consultations import document_add
from luton2040.accounts.models import User
from luton2040.places.models import Ward

from ..factories import ConsultationFactory

pytestmark = pytest.mark.django_db

Status = Consultation.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# London time, so NOW - N * DAY is N calendar days ago whatever the hour (in UTC, late in a
# winter evening it lands on the next day of summer time).
NOW = timezone.localtime()
DAY = datetime.timedelta(days=1)


def _text(response: Any) -> str:
    return response.content.decode().replace("&#x27;", "'")


def _titles(page: str) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-m govuk-!-margin-bottom-2"><a [^>]+>([^<]+)</a>', page
    )


def _open(title: str, closes_in_days: float, **kwargs: Any) -> Consultation:
    return ConsultationFactory(
        title=title, status=Status.OPEN, closes_at=NOW + closes_in_days * DAY, **kwargs
    )


def _forthcoming(title: str, opens_in_days: float, **kwargs: Any) -> Consultation:
    return ConsultationFactory(
        title=title,
        status=Status.FORTHCOMING,
        opens_at=NOW + opens_in_days * DAY,
        closes_at=NOW + (opens_in_days + 28) * DAY,
        **kwargs,
    )


def _closed(
    title: str, closed_days_ago: float, status: str = Status.AWAITING_OUTCOME, **kwargs: Any
) -> Consultation:
    return ConsultationFactory(
        title=title,
        status=status,
        opens_at=NOW - (closed_days_ago + 28) * DAY,
        closes_at=NOW - closed_days_ago * DAY,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


# --- The list --------------------------------------------------------------------------------


def test_open_first_closing_soonest_then_forthcoming_then_closed_latest_first(
    client: Client,
) -> None:
    _closed("Closed long ago", 200, status=Status.OUTCOME_PUBLISHED)
    _forthcoming("Opens in a week", 7)
    _open("Closes in a month", 30)
    _closed("Closed last week", 7, status=Status.CLOSED)
    _forthcoming("Opens tomorrow", 1)
    _open("Closes in 5 days", 5.5)
    ConsultationFactory(title="A draft", status=Status.DRAFT, published_at=None)
    page = _text(client.get(reverse("engagement:index")))
    assert _titles(page) == [
        "Closes in 5 days",
        "Closes in a month",
        "Opens tomorrow",
        "Opens in a week",
        "Closed last week",
        "Closed long ago",
    ]
    assert "A draft" not in page
    assert "6 consultations" in page


def test_each_card_says_where_it_stands_in_plain_words(client: Client) -> None:
    _open("Soon", 5.5)
    published = _closed("Done", 200, status=Status.OUTCOME_PUBLISHED)
    awaiting = _closed("Waiting", 23)
    overdue = _closed("Late", 100)
    page = _text(client.get(reverse("engagement:index")))
    assert re.search(r"Closes in [56] days, at ", page)  # 5.5 days: 5 or 6 calendar days
    assert f'href="{reverse("engagement:outcome", args=[published.slug])}"' in page
    assert "Outcome published" in page
    due = awaiting.outcome_due.strftime("%-d %B %Y")
    assert f"Awaiting outcome: closed 23 days ago, outcome due by {due} (12 weeks)." in page
    late_due = overdue.outcome_due.strftime("%-d %B %Y")
    assert re.search(
        r'<strong class="govuk-tag govuk-tag--red">Overdue</strong>\s*Awaiting outcome: '
        rf"closed 100 days ago, outcome due by {late_due} \(12 weeks\)",
        page,
    )
    assert page.count(">Overdue</strong>") == 1


def test_the_list_links_to_outcomes_and_assemblies(client: Client) -> None:
    page = _text(client.get(reverse("engagement:index")))
    assert f'href="{reverse("engagement:outcome-list")}"' in page
    assert "We asked, you said, we did" in page
    assert f'href="{reverse("engagement:assembly-list")}"' in page


def test_filter_by_status(client: Client) -> None:
    _open("Open one", 10)
    _forthcoming("Coming one", 3)
    _closed("Waiting one", 10, status=Status.CLOSED)
    _closed("Waiting two", 30)
    _closed("Done one", 200, status=Status.OUTCOME_PUBLISHED)
    url = reverse("engagement:index")
    assert _titles(_text(client.get(url + "?status=open"))) == ["Open one"]
    assert _titles(_text(client.get(url + "?status=closed"))) == ["Waiting one", "Waiting two"]
    both = _text(client.get(url + "?status=forthcoming&status=outcome-published"))
    assert _titles(both) == ["Coming one", "Done one"]
    # Each choice is a tag that removes only itself.
    assert '<a class="moj-filter__tag" href="?status=outcome-published">' in both
    assert '<a class="moj-filter__tag" href="?status=forthcoming">' in both


def test_filter_by_ward_includes_consultations_about_the_whole_town(client: Client) -> None:
    biscot, saints = Ward.objects.get(slug="biscot"), Ward.objects.get(slug="saints")
    _open("In Biscot", 3).wards.set([biscot])
    _open("In Biscot and Saints", 4).wards.set([biscot, saints])
    _open("In Saints", 5).wards.set([saints])
    _open("Whole town", 6)
    url = reverse("engagement:index")
    assert _titles(_text(client.get(url + "?ward=biscot"))) == [
        "In Biscot",
        "In Biscot and Saints",
        "Whole town",
    ]
    # Two wards chosen: a consultation in both is listed once.
    page = _text(client.get(url + "?ward=biscot&ward=saints"))
    assert _titles(page) == ["In Biscot", "In Biscot and Saints", "In Saints", "Whole town"]
    assert "4 consultations" in page


def test_filter_by_topic(client: Client) -> None:
    _open("Housing", 3, topics=["housing"])
    _open("Housing and jobs", 4, topics=["housing", "jobs"])
    _open("Transport", 5, topics=["transport"])
    url = reverse("engagement:index")
    assert _titles(_text(client.get(url + "?topic=jobs"))) == ["Housing and jobs"]
    assert _titles(_text(client.get(url + "?topic=jobs&topic=transport"))) == [
        "Housing and jobs",
        "Transport",
    ]
    combined = _text(client.get(url + "?topic=housing&status=forthcoming"))
    assert _titles(combined) == []
    assert "No consultations match these filters." in combined


def test_a_filter_value_that_does_not_exist_is_explained_not_a_crash(client: Client) -> None:
    _open("Open one", 10)
    response = client.get(reverse("engagement:index") + "?ward=atlantis&status=sideways")
    page = _text(response)
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in page
    assert "Select a valid choice" in page
    assert "Fix the filters to see consultations." in page
    assert _titles(page) == []


def test_the_filters_are_checkboxes_in_a_form_that_works_without_javascript(
    client: Client,
) -> None:
    page = _text(client.get(reverse("engagement:index") + "?topic=housing"))
    assert '<form method="get" action="/have-your-say/"' in page
    assert 'type="checkbox" value="housing" checked' in page
    assert 'name="ward" type="checkbox" value="biscot"' in page
    assert 'name="status" type="checkbox" value="open"' in page
    assert '<button type="submit" class="govuk-button"' in page


def test_the_list_is_paginated(client: Client) -> None:
    for number in range(25):
        _open(f"Consultation {number:02d}", 1 + number)
    url = reverse("engagement:index")
    first = _text(client.get(url))
    assert len(_titles(first)) == 20 and "25 consultations" in first
    second = _text(client.get(url + "?page=2"))
    assert _titles(second) == [f"Consultation {number:02d}" for number in range(20, 25)]


@pytest.mark.parametrize("count", [2, 9])
def test_the_public_list_costs_the_same_queries_however_many_rows(
    client: Client, django_assert_num_queries: Any, count: int
) -> None:
    biscot = Ward.objects.get(slug="biscot")
    for number in range(count):
        _open(f"Open {number}", 3 + number, topics=["housing"]).wards.set([biscot])
        _closed(f"Closed {number}", 3 + number)
    # The count, the page of consultations, their wards, the wards to filter by; with a ward
    # filter, one more to look up the wards chosen.
    with django_assert_num_queries(4):
        response = client.get(reverse("engagement:index"))
    assert len(_titles(_text(response))) == 2 * count
    with django_assert_num_queries(5):
        response = client.get(reverse("engagement:index") + "?ward=biscot&topic=housing")
    assert len(_titles(_text(response))) == count  # the closed ones have no topic


# --- A consultation's page -------------------------------------------------------------------


def test_an_open_consultation_invites_a_response(client: Client) -> None:
    consultation = _open(
        "Bus routes",
        5.5,
        summary="Tell us which routes matter.",
        description="First paragraph.\n\nSecond paragraph.",
        contact_email="buses@luton.gov.uk.example",
        topics=["transport"],
    )
    consultation.wards.set([Ward.objects.get(slug="south")])
    page = _text(client.get(consultation.get_absolute_url()))
    assert '<h1 class="govuk-heading-xl">Bus routes</h1>' in page
    assert '<strong class="govuk-tag govuk-tag--green">Open</strong>' in page
    assert "Tell us which routes matter." in page
    assert "<p>First paragraph.</p>" in page
    assert "South" in page and "Transport and streets" in page
    respond = reverse("engagement:respond", args=[consultation.slug])
    assert f'href="{respond}" role="button"' in page and "Start now" in page
    assert re.search(r"This consultation closes in [56] days, at ", page)
    assert "respond on paper, by phone, or with help from staff at a" in page
    assert f'href="{reverse("hubs:hub-list")}"' in page
    assert "mailto:buses@luton.gov.uk.example" in page


def test_someone_who_has_responded_is_offered_a_change_instead_of_a_start(
    client: Client, resident: User
) -> None:
    from ..factories import ResponseFactory

    consultation = _open("Bus routes", 5.5)
    ResponseFactory(consultation=consultation, respondent=resident)
    client.force_login(resident)
    page = _text(client.get(consultation.get_absolute_url()))
    assert "Start now" not in page
    assert "Change your response" in page
    assert reverse("engagement:respond-change", args=[consultation.slug]) in page


def test_a_forthcoming_consultation_says_when_it_opens_and_offers_no_start_button(
    client: Client,
) -> None:
    consultation = ConsultationFactory(
        status=Status.FORTHCOMING,
        opens_at=datetime.datetime(2030, 6, 3, 8, 0, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2030, 7, 1, 22, 59, tzinfo=datetime.UTC),
    )
    page = _text(client.get(consultation.get_absolute_url()))
    assert "This consultation opens at 9am on Monday 3 June 2030." in page
    assert "11:59pm on Monday 1 July 2030" in page
    assert "Start now" not in page


def test_a_closed_consultation_says_how_long_ago_and_when_the_outcome_is_due(
    client: Client,
) -> None:
    consultation = _closed("Waiting", 23, publish_results=True)
    page = _text(client.get(consultation.get_absolute_url()))
    assert "Start now" not in page
    assert "This consultation closed at" in page
    due = consultation.outcome_due.strftime("%-d %B %Y")
    assert f"closed 23 days ago, outcome due by {due} (12 weeks)" in page
    assert f'href="{reverse("engagement:results", args=[consultation.slug])}"' in page
    assert reverse("engagement:outcome", args=[consultation.slug]) not in page


def test_results_are_linked_only_when_staff_chose_to_publish_them(client: Client) -> None:
    consultation = _closed("Private results", 10, publish_results=False)
    page = _text(client.get(consultation.get_absolute_url()))
    assert reverse("engagement:results", args=[consultation.slug]) not in page


def test_a_published_outcome_is_linked(client: Client) -> None:
    consultation = _closed("Done", 40, status=Status.OUTCOME_PUBLISHED)
    page = _text(client.get(consultation.get_absolute_url()))
    assert f'href="{reverse("engagement:outcome", args=[consultation.slug])}"' in page
    assert "Overdue" not in page


def test_the_page_offers_get_updates_through_the_follow_form(
    client: Client, resident: User
) -> None:
    consultation = _open("Bus routes", 10)
    page = _text(client.get(consultation.get_absolute_url()))
    assert f'action="{reverse("notifications:follow")}"' in page
    assert f'name="target" value="engagement.consultation:{consultation.pk}"' in page
    assert "Get updates" in page
    # Following it works: the form's target is one the follow view accepts.
    client.force_login(resident)
    response = client.post(
        reverse("notifications:follow"),
        {"target": f"engagement.consultation:{consultation.pk}", "next": "/"},
    )
    assert response.status_code == 302
    assert resident.subscriptions.get().target == consultation


# Staff without two-factor have a resident's powers (luton2040/accounts/rules.py staff_with_mfa).
@pytest.mark.parametrize(
    "persona", [None, "resident", "outsider", "org_editor", "staff_without_mfa"]
)
def test_a_draft_is_404_for_anyone_but_council_staff(
    client: Client, request: pytest.FixtureRequest, persona: str | None
) -> None:
    draft = ConsultationFactory(status=Status.DRAFT, published_at=None)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_council_staff_preview_a_draft_marked_as_not_published(client: Client, staff: Any) -> None:
    draft = ConsultationFactory(status=Status.DRAFT, published_at=None)
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    page = _text(response)
    assert response.status_code == 200
    assert "This consultation is a draft: only council staff can see this page." in page
    assert 'name="target"' not in page  # nobody can follow a draft


def test_a_missing_consultation_is_404(client: Client) -> None:
    assert client.get(reverse("engagement:consultation", args=["nothing-here"])).status_code == 404


# --- Documents -------------------------------------------------------------------------------


def _document(consultation: Consultation, staff: User, title: str = "The proposal") -> Any:
    return document_add(
        consultation=consultation,
        by=staff,
        title=title,
        upload=io.BytesIO(PDF),
        file_name="Proposal FINAL v2.pdf",
    )


def test_documents_are_listed_and_download_as_attachments(client: Client, staff: User) -> None:
    consultation = _open("Bus routes", 10)
    document = _document(consultation, staff, title="Proposed bus routes (map)")
    url = reverse("engagement:consultation-document", args=[consultation.slug, document.pk])
    page = _text(client.get(consultation.get_absolute_url()))
    assert f'href="{url}" download>Proposed bus routes (map)</a>' in page
    assert "(Consultation document, PDF, 45\xa0bytes)" in page

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="proposed-bus-routes-map.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_drafts_documents_are_hidden_like_the_draft(client: Client, staff: User) -> None:
    draft = ConsultationFactory(status=Status.DRAFT, published_at=None)
    document = _document(draft, staff)
    url = reverse("engagement:consultation-document", args=[draft.slug, document.pk])
    assert client.get(url).status_code == 404
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_document_is_only_reached_through_its_own_consultation(
    client: Client, staff: User
) -> None:
    mine, other = _open("Mine", 10), _open("Other", 10)
    document = _document(other, staff)
    url = reverse("engagement:consultation-document", args=[mine.slug, document.pk])
    assert client.get(url).status_code == 404
