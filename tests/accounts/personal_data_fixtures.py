"""A person with something in every kind of record the registry knows, for the export and
erasure tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from engagement.models import ConsultationOutcome, OutcomeRequest
from luton2040 import audit
from luton2040.accounts.models import User
from luton2040.notifications.models import Notification, Preference, Subscription
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AnswerFactory,
    ConsultationFactory,
    FeatureCategoryFactory,
    ListingReportFactory,
    QuestionFactory,
    ResponseFactory,
    VolunteerFactory,
)


@dataclass
class PersonsData:
    consultation: Any
    choice: Any  # a single-choice question
    postcode: Any  # a postcode question
    action: Any
    volunteers: list[Any]
    reports: list[Any]
    updates: list[Any]


def give_data(user: User, *, times: int = 1, consultation: Any = None) -> PersonsData:
    """`times` of each kind of record about `user` (so query counts can be compared)."""
    consultation = consultation or ConsultationFactory(one_response_per_person=False)
    choice = QuestionFactory(
        section__consultation=consultation, kind="single-choice", options=["Yes", "No"]
    )
    postcode = QuestionFactory(section=choice.section, kind="postcode")
    yes = choice.options.get(label="Yes")
    action: Any = ActionFactory(lead_member=user)
    action_type = ContentType.objects.get_for_model(action)
    volunteers, reports, updates = [], [], []
    for n in range(times):
        response = ResponseFactory(consultation=consultation, respondent=user)
        AnswerFactory(response=response, question=choice, option_ids=[yes.pk])
        AnswerFactory(response=response, question=postcode, postcode="LU1 3AB")
        Subscription.objects.create(
            user=user,
            target_type=action_type,
            target_id=str(ActionFactory().pk),  # type: ignore[attr-defined]
            confirmed_at=timezone.now(),
        )
        Notification.objects.create(
            kind="action.updated",
            user=user,
            to=user.email,
            context={"title": f"Update {n}"},
            idempotency_key=f"test:{user.pk}:{n}",
            status=Notification.Status.SENT,
        )
        updates.append(ActionUpdateFactory(action=action, author=user, body=f"Progress note {n}"))
        reports.append(ListingReportFactory(email=user.email.upper()))
        volunteer: Any = VolunteerFactory(user=user, name=user.full_name, email=user.email)
        volunteer.categories.add(FeatureCategoryFactory(feature__assembly=volunteer.assembly))
        volunteers.append(volunteer)
        OutcomeRequest.objects.create(
            consultation=ConsultationFactory(),  # type: ignore[misc]
            user=user,
            created_on=timezone.localdate() - datetime.timedelta(days=n),
        )
        audit.record(actor=user, obj=action, verb="test.changed", changes={"n": n})
    Preference.objects.create(user=user, kind="action.updated", frequency="daily")
    return PersonsData(consultation, choice, postcode, action, volunteers, reports, updates)


def publish_outcome(consultation: Any, by: User) -> ConsultationOutcome:
    return ConsultationOutcome.objects.create(
        consultation=consultation,
        we_asked="Which routes matter?",
        you_said="Route 31.",
        we_did="Kept route 31.",
        published_at=timezone.now(),
        published_by=by,
    )
