"""An audit event factory for tests that need events at given times (audit.record() stamps now)."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.contenttypes.models import ContentType

from luton2040.audit.models import AuditEvent

from ..factories import OrganisationFactory


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An event about `obj` (an organisation unless given), by `actor` (nobody unless given)."""

    class Meta:
        model = AuditEvent
        exclude = ["obj"]

    obj = factory.SubFactory(OrganisationFactory)
    actor = None
    actor_label = factory.LazyAttribute(lambda e: str(e.actor) if e.actor else "system")
    verb = "organisation.changed"
    content_type = factory.LazyAttribute(lambda e: ContentType.objects.get_for_model(e.obj))
    object_id = factory.LazyAttribute(lambda e: str(e.obj.pk))
    object_repr = factory.LazyAttribute(lambda e: str(e.obj))
    changes: Any = factory.LazyFunction(dict)
