"""The audit log as a CSV download, for staff who must show the record outside the portal."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from luton2040.accounts.models import User
from luton2040.audit.exports import safe_cell

from .factories import AuditEventFactory

URL = reverse("audit:event-list-csv")


def _rows(response: StreamingHttpResponse) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_staff_download_the_filtered_events_with_a_header_row(client: Client, staff: User) -> None:
    AuditEventFactory(
        actor=staff,
        verb="organisation.renamed",
        object_repr="Luton Foodbank",
        created_at=datetime.datetime(2026, 7, 1, 9, 5, tzinfo=datetime.UTC),
        changes={"name": ["Old", "New"]},
    )
    AuditEventFactory(verb="feedback.sent", object_repr="Not asked for")
    client.force_login(staff)

    response = client.get(URL, {"what": "organisation.renamed"})

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="luton2040-audit-log-')
    rows = _rows(response)
    assert rows == [
        [
            "When (UK time)",
            "When (UTC)",
            "Who",
            "What",
            "Object type",
            "Object ID",
            "Object",
            "Changes",
        ],
        [
            "2026-07-01 10:05:00",
            "2026-07-01T09:05:00+00:00",
            "sara.staff@luton.gov.uk.example",
            "organisation.renamed",
            "Organisation",
            rows[1][5],
            "Luton Foodbank",
            '{"name": ["Old", "New"]}',
        ],
    ]
    assert rows[1][5].isdigit()


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    client: Client, staff: User
) -> None:
    AuditEventFactory(
        actor_label="@SUM(1+1)", verb="+thing", object_repr='=HYPERLINK("http://evil.example")'
    )
    AuditEventFactory(object_repr="-2+3", verb="plain.verb")
    client.force_login(staff)

    rows = _rows(client.get(URL))

    by_verb = {row[3]: row for row in rows[1:]}
    assert by_verb["'+thing"][2] == "'@SUM(1+1)"
    assert by_verb["'+thing"][6] == '\'=HYPERLINK("http://evil.example")'
    assert by_verb["plain.verb"][6] == "'-2+3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1582 000000", "'+44 1582 000000"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Luton = fair", "Luton = fair"),
        (None, ""),
    ],
)
def test_safe_cell(value: str | None, expected: str) -> None:
    assert safe_cell(value) == expected


def test_invalid_filters_go_back_to_the_list_to_show_the_error(client: Client, staff: User) -> None:
    client.force_login(staff)

    response = client.get(URL, {"date_from": "31/2/2026"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('audit:event-list')}?date_from=31%2F2%2F2026"


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["resident", "outsider", "org_editor", "taskforce_member"])
def test_people_who_are_not_council_staff_are_refused(
    client: Client, db: None, request: pytest.FixtureRequest, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403


def test_staff_without_mfa_are_sent_to_set_it_up(client: Client, staff_without_mfa: User) -> None:
    client.force_login(staff_without_mfa)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
