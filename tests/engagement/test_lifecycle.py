"""The lifecycle beat job: consultations open, close and wait for their outcome by their dates
(London time), followers are told once when one opens and reminded once before it closes, and
running the job twice, or late, does no harm."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from engagement import kinds
from engagement.models import Consultation
from engagement.services.consultations import (
    consultation_publish,
    consultation_update,
    consultations_advance,
    status_for_dates,
)
from engagement.tasks import advance_consultations
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification, Subscription
from luton2040.notifications.subscriptions import subscription_follow
from luton2040.places.models import Ward

from ..factories import ConsultationFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
Status = Consultation.Status


def _london(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def _ward(slug: str) -> Ward:
    return Ward.objects.get(slug=slug)


def _status(consultation: Consultation) -> str:
    consultation.refresh_from_db()
    return consultation.status


def _forthcoming(**kwargs: Any) -> Consultation:
    defaults = {
        "status": Status.FORTHCOMING,
        "opens_at": _london(2026, 6, 1, 9, 0),
        "closes_at": _london(2026, 6, 30, 23, 59),
    }
    return ConsultationFactory(**{**defaults, **kwargs})


# --- Transitions by date ----------------------------------------------------------------------


def test_forthcoming_opens_at_its_opening_time_and_not_a_minute_before() -> None:
    consultation = _forthcoming()
    consultations_advance(now=_london(2026, 6, 1, 8, 59))
    assert _status(consultation) == Status.FORTHCOMING
    assert consultations_advance(now=_london(2026, 6, 1, 9, 0)).moved == 1
    assert _status(consultation) == Status.OPEN
    event = AuditEvent.objects.get(verb="consultation.opened")
    assert event.changes["status"] == {"from": "forthcoming", "to": "open"}
    assert event.actor is None


def test_closing_at_2359_in_summer_time_closes_at_2259_utc() -> None:
    # 30 June is British Summer Time (UTC+1): 23:59 in Luton is 22:59 UTC.
    consultation = _forthcoming(status=Status.OPEN)
    consultations_advance(now=datetime.datetime(2026, 6, 30, 22, 58, 59, tzinfo=UTC))
    assert _status(consultation) == Status.OPEN
    consultations_advance(now=datetime.datetime(2026, 6, 30, 22, 59, tzinfo=UTC))
    assert _status(consultation) == Status.CLOSED


def test_closing_at_2359_in_winter_closes_at_2359_utc() -> None:
    # 15 December is GMT (UTC+0): a job that took London as UTC+1 all year would close it at
    # 22:59 UTC, an hour early.
    consultation = _forthcoming(
        status=Status.OPEN,
        opens_at=_london(2026, 11, 16, 9, 0),
        closes_at=_london(2026, 12, 15, 23, 59),
    )
    consultations_advance(now=datetime.datetime(2026, 12, 15, 23, 30, tzinfo=UTC))
    assert _status(consultation) == Status.OPEN
    consultations_advance(now=datetime.datetime(2026, 12, 15, 23, 59, tzinfo=UTC))
    assert _status(consultation) == Status.CLOSED


def test_closed_waits_for_postal_responses_then_awaits_its_outcome(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENGAGEMENT_POSTAL_GRACE_DAYS = 7
    consultation = _forthcoming(status=Status.CLOSED)
    consultations_advance(now=_london(2026, 7, 7, 23, 58))
    assert _status(consultation) == Status.CLOSED
    consultations_advance(now=_london(2026, 7, 7, 23, 59))
    assert _status(consultation) == Status.AWAITING_OUTCOME
    assert AuditEvent.objects.filter(verb="consultation.awaiting_outcome").count() == 1


def test_drafts_and_published_outcomes_are_never_moved() -> None:
    draft = _forthcoming(status=Status.DRAFT, published_at=None)
    done = _forthcoming(status=Status.OUTCOME_PUBLISHED)
    assert consultations_advance(now=_london(2027, 6, 1, 9, 0)).moved == 0
    assert _status(draft) == Status.DRAFT
    assert _status(done) == Status.OUTCOME_PUBLISHED


def test_one_whose_dates_have_passed_skips_to_the_right_state_without_an_opened_email(
    resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(user=resident, topic="housing")
    recent = _forthcoming(topics=["housing"])
    long_ago = _forthcoming(
        topics=["housing"],
        opens_at=_london(2026, 1, 5, 9, 0),
        closes_at=_london(2026, 2, 5, 23, 59),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = consultations_advance(now=_london(2026, 7, 2, 12, 0))
    assert (result.moved, result.opened_notices) == (2, 0)
    assert _status(recent) == Status.CLOSED
    assert _status(long_ago) == Status.AWAITING_OUTCOME
    assert recent.opening_notified_at is None
    assert mail.outbox == []


def test_status_for_dates_at_each_boundary(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENGAGEMENT_POSTAL_GRACE_DAYS = 7
    opens, closes = _london(2026, 6, 1, 9, 0), _london(2026, 6, 30, 23, 59)
    at = datetime.timedelta
    assert status_for_dates(opens_at=opens, closes_at=closes, now=opens - at(seconds=1)) == (
        Status.FORTHCOMING
    )
    assert status_for_dates(opens_at=opens, closes_at=closes, now=opens) == Status.OPEN
    assert status_for_dates(opens_at=opens, closes_at=closes, now=closes) == Status.CLOSED
    assert (
        status_for_dates(opens_at=opens, closes_at=closes, now=closes + at(days=7))
        == Status.AWAITING_OUTCOME
    )


# --- Who is told, and only once ------------------------------------------------------------------


@pytest.fixture
def followers(db: None) -> dict[str, Any]:
    """People following different things: only some of them care about a Biscot housing
    consultation."""
    people = {
        name: UserFactory(email=f"{name}@example.org")
        for name in ("of_it", "biscot", "saints", "housing", "jobs")
    }
    return people


def _follow_all(consultation: Consultation, people: dict[str, Any]) -> None:
    subscription_follow(user=people["of_it"], target=consultation)
    subscription_follow(user=people["biscot"], ward=_ward("biscot"))
    subscription_follow(user=people["saints"], ward=_ward("saints"))
    subscription_follow(user=people["housing"], topic="housing")
    subscription_follow(user=people["jobs"], topic="jobs")
    # Someone following by email alone, confirmed, and someone who never confirmed.
    Subscription.objects.create(
        email="confirmed@example.org", target=consultation, confirmed_at=timezone.now()
    )
    Subscription.objects.create(email="unconfirmed@example.org", target=consultation)


def _recipients(subject_start: str) -> set[str]:
    return {
        address
        for message in mail.outbox
        if message.subject.startswith(subject_start)
        for address in message.to
    }


def test_opening_tells_followers_of_it_its_wards_and_its_topics_once(
    followers: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    consultation = _forthcoming(title="Biscot housing plan", topics=["housing"])
    consultation.wards.set([_ward("biscot")])
    _follow_all(consultation, followers)

    with django_capture_on_commit_callbacks(execute=True):
        first = consultations_advance(now=_london(2026, 6, 1, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        second = consultations_advance(now=_london(2026, 6, 1, 9, 1))

    assert (first.moved, first.opened_notices) == (1, 1)
    assert (second.moved, second.opened_notices, second.closing_reminders) == (0, 0, 0)
    assert _recipients("Consultation open: Biscot housing plan") == {
        "of_it@example.org",
        "biscot@example.org",
        "housing@example.org",
        "confirmed@example.org",
    }
    assert len(mail.outbox) == 4  # one each, the job run twice
    message = mail.outbox[0]
    assert "It closes at 11:59pm on Tuesday 30 June 2026." in message.body
    assert consultation.get_absolute_url() in message.body
    assert Notification.objects.filter(kind=kinds.CONSULTATION_OPENED).count() == 4


def test_a_whole_town_consultation_is_not_sent_to_every_ward_follower(
    followers: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    consultation = _forthcoming(title="Town-wide budget", topics=["housing"])
    _follow_all(consultation, followers)
    with django_capture_on_commit_callbacks(execute=True):
        consultations_advance(now=_london(2026, 6, 1, 9, 0))
    assert _recipients("Consultation open") == {
        "of_it@example.org",
        "housing@example.org",
        "confirmed@example.org",
    }


def test_closing_reminder_goes_once_a_few_days_before_closing(
    settings: Any, followers: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    settings.ENGAGEMENT_CLOSING_REMINDER_DAYS = 3
    consultation = _forthcoming(
        status=Status.OPEN, topics=["jobs"], opening_notified_at=_london(2026, 6, 1, 9, 0)
    )
    consultation.wards.set([_ward("saints")])
    _follow_all(consultation, followers)

    with django_capture_on_commit_callbacks(execute=True):
        early = consultations_advance(now=_london(2026, 6, 27, 23, 58))
    assert early.closing_reminders == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert consultations_advance(now=_london(2026, 6, 27, 23, 59)).closing_reminders == 1
        assert consultations_advance(now=_london(2026, 6, 28, 12, 0)).closing_reminders == 0
    assert _recipients("Closing soon") == {
        "of_it@example.org",
        "saints@example.org",
        "jobs@example.org",
        "confirmed@example.org",
    }
    assert len(mail.outbox) == 4


def test_a_consultation_opening_with_days_to_go_sends_no_separate_reminder(
    resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    consultation = _forthcoming(closes_at=_london(2026, 6, 2, 23, 59))
    subscription_follow(user=resident, target=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        result = consultations_advance(now=_london(2026, 6, 1, 9, 0))
    assert (result.opened_notices, result.closing_reminders) == (1, 0)
    assert [m.subject for m in mail.outbox] == [f"Consultation open: {consultation.title}"]


def test_moving_the_closing_date_later_sends_a_reminder_for_the_new_date(
    staff: User, resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    consultation = _forthcoming(status=Status.OPEN, opening_notified_at=timezone.now())
    subscription_follow(user=resident, target=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        consultations_advance(now=_london(2026, 6, 28, 9, 0))
    consultation.refresh_from_db()
    assert consultation.closing_reminder_sent_at is not None

    later = timezone.now() + datetime.timedelta(weeks=2)
    consultation_update(consultation=consultation, by=staff, changes={"closes_at": later})
    consultation.refresh_from_db()
    assert consultation.closing_reminder_sent_at is None
    with django_capture_on_commit_callbacks(execute=True):
        consultations_advance(now=later - datetime.timedelta(days=1))
    assert [m.subject for m in mail.outbox].count(f"Closing soon: {consultation.title}") == 2


def test_publishing_an_open_consultation_tells_followers_now_and_the_job_does_not_repeat_it(
    staff: User, resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(user=resident, ward=_ward("lewsey"))
    consultation = ConsultationFactory(status=Status.DRAFT, published_at=None)
    consultation.wards.set([_ward("lewsey")])
    QuestionFactory(section__consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_publish(consultation=consultation, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert consultations_advance(now=timezone.now()).opened_notices == 0
    assert _status(consultation) == Status.OPEN
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_publishing_one_that_has_already_closed_sends_nothing(
    staff: User, resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    subscription_follow(user=resident, topic="housing")
    consultation = ConsultationFactory(
        status=Status.DRAFT,
        published_at=None,
        topics=["housing"],
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    QuestionFactory(section__consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_publish(consultation=consultation, by=staff)
        consultations_advance(now=timezone.now())
    assert _status(consultation) == Status.CLOSED
    assert mail.outbox == []


def test_a_move_claimed_by_another_worker_is_not_done_twice() -> None:
    """Two workers read the same due row; the second one's conditional UPDATE finds it moved."""
    from engagement.services.consultations import _move

    consultation = _forthcoming()
    now = _london(2026, 6, 1, 9, 0)
    assert _move(pk=consultation.pk, from_status="forthcoming", to_status="open", now=now) == 1
    assert _move(pk=consultation.pk, from_status="forthcoming", to_status="open", now=now) == 0
    assert AuditEvent.objects.filter(verb="consultation.opened").count() == 1


def test_the_celery_task_runs_the_job_and_reports_what_it_did() -> None:
    ConsultationFactory(
        status=Status.FORTHCOMING,
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
        closes_at=timezone.now() + datetime.timedelta(weeks=4),
    )
    assert advance_consultations.delay().get() == {
        "moved": 1,
        "opened_notices": 1,
        "closing_reminders": 0,
    }
    assert advance_consultations.delay().get() == {
        "moved": 0,
        "opened_notices": 0,
        "closing_reminders": 0,
    }


def test_closing_cuts_the_private_links_in_receipts_and_save_and_return_emails() -> None:
    from ..factories import ResponseFactory

    consultation = ConsultationFactory(
        status=Status.OPEN,
        opens_at=_london(2026, 6, 1, 9, 0),
        closes_at=_london(2026, 6, 30, 23, 59),
        allow_anonymous=True,
        one_response_per_person=False,
    )
    kept = ResponseFactory(consultation=consultation, respondent=None, resume_token_hash="a" * 64)
    other = ResponseFactory(respondent=None, resume_token_hash="b" * 64)  # still open elsewhere

    consultations_advance(now=_london(2026, 6, 30, 23, 58))
    kept.refresh_from_db()
    assert kept.resume_token_hash == "a" * 64  # open until the minute it closes

    consultations_advance(now=_london(2026, 7, 1, 0, 0))
    kept.refresh_from_db()
    other.refresh_from_db()
    assert _status(consultation) == Status.CLOSED
    assert kept.resume_token_hash == ""
    assert other.resume_token_hash == "b" * 64
