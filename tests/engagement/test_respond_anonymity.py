"""Anonymity proven in the database: after an anonymous response with equality answers, a
receipt and a request to hear back, nothing stored joins what was said to who said it.

What is inspected: the response row, its answers, the equality row, the outcome request, the
outbox rows, the session, the audit log, and every text column of every table (for the IP
address)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from engagement.models import Answer, EqualityMonitoring, OutcomeRequest, Response
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification

from .test_respond_forms import make_survey
from .test_respond_journey import answer_every_page, url

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
EMAIL = "amina.anon@example.org"


@pytest.fixture(autouse=True)
def _empty_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'inet')
            """
        )
        return list(cursor.fetchall())


def rows_containing(needle: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s',  # noqa: S608  names from the catalogue
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def test_an_anonymous_response_has_no_link_to_the_person(
    django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    survey = make_survey(allow_anonymous=True, one_response_per_person=False)
    browser = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="Mozilla/5.0 (anonymity test)")
    answer_every_page(browser, survey)
    browser.post(url(survey, "respond-equality"), {"age_band": "35-49", "sex": "female"})
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(
            url(survey, "respond-check"),
            {"receipt": "on", "hear_back": "on", "email": EMAIL},
        )
    assert done["Location"] == url(survey, "respond-sent")
    assert len(mailoutbox) == 1  # the receipt was sent

    # The response: no person, no IP, no email, the day only.
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.respondent_id is None
    assert response.entered_by_id is None
    assert response.hub_id is None
    assert response.submitted_on == timezone.localdate()
    assert response.submitted_at is None
    assert response.updated_at is None
    row = Response.objects.filter(pk=response.pk).values()[0]
    assert not any(IP in str(v) or EMAIL in str(v).lower() for v in row.values()), row

    # Its answers hold what was said, and nothing about the person.
    for answer in Answer.objects.filter(response=response).values():
        assert not any(IP in str(v) or EMAIL in str(v).lower() for v in answer.values())

    # Equality answers and the outcome request: no key to the response.
    equality = EqualityMonitoring.objects.get()
    assert (equality.age_band, equality.sex) == ("35-49", "female")
    assert not [f for f in EqualityMonitoring._meta.get_fields() if f.related_model is Response]
    assert not [f for f in OutcomeRequest._meta.get_fields() if f.related_model is Response]
    request = OutcomeRequest.objects.get()
    assert (request.user_id, request.email) == (None, EMAIL)

    # The outbox row (the receipt): to the address given, with no account, no response id
    # in its key, and no copy of the answers.
    (receipt,) = Notification.objects.all()
    assert receipt.user_id is None
    assert receipt.to == EMAIL
    assert f"response:{response.pk}" not in receipt.idempotency_key
    assert "response" not in {key.lower() for key in receipt.context}
    assert receipt.context["answers"] == []
    assert "Park Street" not in str(receipt.context)

    # No audit event about the response.
    assert not AuditEvent.objects.filter(content_type__model="response").exists()

    # The session: nobody signed in, no address, no email.
    (session,) = Session.objects.all()
    data = session.get_decoded()
    assert "_auth_user_id" not in data
    assert IP not in str(data) and EMAIL not in str(data).lower()

    # Anywhere in the database: the IP address is nowhere.
    assert rows_containing(IP) == []
    # The email address is only where the person asked us to use it: the message sent to them
    # and the request to hear back, neither of which has a key to the response.
    assert sorted(rows_containing(EMAIL)) == [
        "engagement_outcomerequest.email",
        "notifications_notification.idempotency_key",  # "<random event>:email:<address>"
        "notifications_notification.to",
    ]


def test_a_named_response_records_who_and_when(client: Client, resident: Any) -> None:
    """The contrast: a signed-in respondent's response is theirs, with the time it was sent."""
    survey = make_survey()
    client.force_login(resident)
    answer_every_page(client, survey)
    client.post(url(survey, "respond-check"), {})
    response = Response.objects.get()
    assert response.respondent == resident
    assert response.submitted_at is not None
