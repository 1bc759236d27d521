"""PostgreSQL refuses to change or remove audit events; only erasing an account touches them."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError

from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent

from .factories import AuditEventFactory


def test_raw_sql_update_of_the_verb_is_refused(staff: User) -> None:
    event = AuditEventFactory(actor=staff, verb="organisation.renamed")

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET verb = %s WHERE id = %s",
            ["nothing.happened", event.pk],
        )

    event.refresh_from_db()
    assert event.verb == "organisation.renamed"


def test_queryset_update_is_refused(staff: User) -> None:
    event = AuditEventFactory(actor=staff, object_repr="Luton Foodbank")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="Someone else")

    event.refresh_from_db()
    assert event.object_repr == "Luton Foodbank"


def test_delete_through_the_orm_is_refused(staff: User) -> None:
    event = AuditEventFactory(actor=staff)

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_clearing_the_actor_together_with_another_column_is_refused(staff: User) -> None:
    # The one allowed update is actor -> NULL with nothing else changed; riding another change
    # on it must not slip through.
    event = AuditEventFactory(actor=staff)

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor=None, actor_label="nobody")

    event.refresh_from_db()
    assert event.actor == staff
    assert event.actor_label == "sara.staff@luton.gov.uk.example"


def test_deleting_the_actor_keeps_the_event_and_who_it_was(resident: User) -> None:
    event = AuditEventFactory(actor=resident, verb="feedback.sent")

    resident.delete()

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == "rashida.resident@example.org"
    assert event.verb == "feedback.sent"
