from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from hubs.models import Organisation
from luton2040 import audit
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent


def test_record_writes_who_did_what_to_which_object(
    staff: User, organisation: Organisation
) -> None:
    audit.record(
        actor=staff,
        obj=organisation,
        verb="organisation.renamed",
        changes={"name": ["Luton Foodbank", "Luton Foodbank (test)"]},
    )

    event = AuditEvent.objects.get()
    assert event.actor == staff
    assert event.actor_label == "sara.staff@luton.gov.uk.example"
    assert event.verb == "organisation.renamed"
    assert event.content_type == ContentType.objects.get_for_model(Organisation)
    assert event.object_id == str(organisation.pk)
    assert event.object_repr == "Luton Foodbank (test)"
    assert event.changes == {"name": ["Luton Foodbank", "Luton Foodbank (test)"]}


def test_record_without_a_person_is_the_system(organisation: Organisation) -> None:
    audit.record(actor=None, obj=organisation, verb="organisation.archived")

    event = AuditEvent.objects.get()
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.changes == {}
