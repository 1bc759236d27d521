"""A signed-in person sees and downloads everything the portal holds about them, and nothing
about anyone else."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from engagement.models import Response
from luton2040.audit.models import AuditEvent
from tests.factories import ActionUpdateFactory, UserFactory

from .personal_data_fixtures import give_data

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:your-data")
DOWNLOAD = reverse("accounts:your-data-json")


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_signed_out_people_are_sent_to_sign_in(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_shows_each_kind_of_record_by_category(client, resident) -> None:  # type: ignore[no-untyped-def]
    data = give_data(resident)
    client.force_login(resident)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Your account",
        resident.email,
        resident.full_name,
        "Consultations you took part in",
        data.consultation.title,
        data.choice.text,
        "LU1 3AB",
        "What you follow and how we contact you",
        "Progress note 0",
        "Problems you reported with a listing",
        "Assemblies you registered for",
        "Download your data as a JSON file",
    ):
        assert escape(text) in page, text
    # Never secrets: not the password hash, nor the response's resume-link hash.
    assert resident.password not in page


def test_the_download_is_json_with_iso_dates(client, resident) -> None:  # type: ignore[no-untyped-def]
    give_data(resident)
    client.force_login(resident)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="luton2040-your-data-')
    document = json.loads(response.content)
    assert document["about"] == resident.email
    categories = {category["category"]: category for category in document["categories"]}
    account = categories["Your account"]["sections"][0]["rows"][0]
    assert account["Email address"] == resident.email
    assert datetime.datetime.fromisoformat(account["Account created"]).tzinfo is not None
    responses = next(
        section
        for section in categories["Consultations you took part in"]["sections"]
        if section["section"] == "Your answers"
    )
    assert {row["Your answer"] for row in responses["rows"]} == {"Yes", "LU1 3AB"}


def test_nobody_else_s_data_is_in_it(client, resident, outsider, taskforce_lead) -> None:  # type: ignore[no-untyped-def]
    mine = give_data(resident)
    give_data(outsider, consultation=mine.consultation)
    # Someone else reviewed the resident's update, and posted on the action they lead.
    update = mine.updates[0]
    update.reviewed_by = taskforce_lead
    update.save()
    ActionUpdateFactory(action=mine.action, author=outsider, body="Outsider's note")
    client.force_login(resident)
    for url in (PAGE, DOWNLOAD):
        content = client.get(url).content.decode()
        for theirs in (outsider.email, outsider.full_name, taskforce_lead.email, "Outsider's note"):
            assert theirs not in content and escape(theirs) not in content, (url, theirs)
        assert "Progress note 0" in content


def test_the_query_count_does_not_grow_with_the_rows(client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    few: Any = UserFactory()
    many: Any = UserFactory()
    give_data(few, times=1)
    give_data(many, times=4)
    client.force_login(few)
    client.get(PAGE)  # caches (content types, sessions) warmed alike for both
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)
    # Read now: the next request empties the connection's query log the context slices.
    few_queries = len(queries)
    client.force_login(many)
    client.get(PAGE)
    with django_assert_num_queries(few_queries):
        response = client.get(PAGE)
    assert response.content.decode().count("Progress note") == 4


def test_each_export_is_audited_without_the_data(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    client.get(PAGE)
    client.get(DOWNLOAD)
    events = AuditEvent.objects.filter(verb="account.data_exported", actor=resident)
    assert sorted(event.changes["format"] for event in events) == ["html", "json"]
    assert all(set(event.changes) == {"format"} for event in events)


def test_the_account_page_links_to_your_data_and_delete(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert PAGE in page
    assert reverse("accounts:delete") in page


def test_staff_see_the_work_they_did_but_not_the_residents_in_it(client, staff, resident) -> None:  # type: ignore[no-untyped-def]
    data = give_data(resident)
    typed_in = Response.objects.filter(respondent=resident).first()
    assert typed_in is not None
    typed_in.entered_by = staff
    typed_in.channel = "paper"
    typed_in.save()
    data.consultation.contact_email = staff.email
    data.consultation.save()
    client.force_login(staff)
    content = client.get(DOWNLOAD).content.decode()
    document = json.loads(content)
    sections = {
        section["section"]: section["rows"]
        for category in document["categories"]
        for section in category["sections"]
    }
    assert sections["Responses you typed in for residents"] == [
        {
            "Consultation": data.consultation.title,
            "How it was given": "Paper form",
            "Sent": str(typed_in.submitted_on),
        }
    ]
    assert sections["Consultations that give your email address for questions"] == [
        {"Consultation": data.consultation.title, "Email for questions about it": staff.email}
    ]
    assert resident.email not in content and "LU1 3AB" not in content
