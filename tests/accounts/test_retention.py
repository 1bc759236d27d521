"""Retention: each rule removes exactly what is past its period, once, audited, on its own."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any, cast

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import checks
from django.utils import timezone

from engagement.models import (
    Assembly,
    Consultation,
    OutcomeRequest,
    Response,
    SelectionRun,
    Volunteer,
)
from hubs.models import ListingReport
from luton2040.accounts import retention
from luton2040.accounts.models import User
from luton2040.accounts.retention import RetentionRule, retention_apply
from luton2040.accounts.roles import Role
from luton2040.audit.models import AuditEvent
from luton2040.celery import app as celery_app
from luton2040.notifications.models import Notification, Subscription
from tests.factories import (
    AnswerFactory,
    AssemblyFactory,
    ConsultationFactory,
    ListingReportFactory,
    ResponseFactory,
    UserFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def _ago(days: float) -> datetime.datetime:
    # London time, so whole days back are calendar days, as the periods are: in UTC, late in a
    # winter evening 91 * 24 hours back lands on the next day of summer time.
    return timezone.localtime() - datetime.timedelta(days=days)


def _signup(email: str, *, joined_days_ago: float, verified: bool = False, **kw: Any) -> User:
    """A self-service sign-up: an EmailAddress row (verified or not) and no role."""
    user = cast(User, UserFactory(email=email, roles=kw.pop("roles", []), **kw))
    EmailAddress.objects.filter(user=user).update(verified=verified)
    User.objects.filter(pk=user.pk).update(date_joined=_ago(joined_days_ago))
    return user


def _notification(status: str, *, days_ago: float, to: str = "sent@example.org") -> Notification:
    row = Notification.objects.create(
        kind="test.kind",
        to=to,
        idempotency_key=f"test:{status}:{days_ago}:{to}",
        status=status,
    )
    Notification.objects.filter(pk=row.pk).update(created_at=_ago(days_ago))
    return row


def _follow(email: str, *, days_ago: float, confirmed: bool = False) -> Subscription:
    row = Subscription.objects.create(
        email=email, topic="food", confirmed_at=timezone.now() if confirmed else None
    )
    Subscription.objects.filter(pk=row.pk).update(created_at=_ago(days_ago))
    return row


def _resolved_report(email: str, *, resolved_days_ago: float | None) -> ListingReport:
    report = cast(ListingReport, ListingReportFactory(email=email))
    if resolved_days_ago is not None:
        ListingReport.objects.filter(pk=report.pk).update(
            status=ListingReport.Status.FIXED, resolved_at=_ago(resolved_days_ago)
        )
    return report


def _closed_consultation(*, closed_days_ago: float, **kw: Any) -> Consultation:
    consultation = ConsultationFactory(
        status=kw.pop("status", Consultation.Status.CLOSED),
        opens_at=_ago(closed_days_ago + 30),
        closes_at=_ago(closed_days_ago),
        **kw,
    )
    return cast(Consultation, consultation)


def _finished_assembly(*, ended_days_ago: int) -> Assembly:
    today = timezone.localdate()
    ends_on = today - datetime.timedelta(days=ended_days_ago)
    return cast(
        Assembly,
        AssemblyFactory(
            status=Assembly.Status.RESPONDED,
            starts_on=ends_on - datetime.timedelta(days=30),
            ends_on=ends_on,
            recruitment_closes_on=ends_on - datetime.timedelta(days=60),
        ),
    )


# --- Each rule: past its period goes, a day newer stays ----------------------------------------


def test_unconfirmed_sign_ups_are_deleted_after_30_days_and_no_one_else() -> None:
    gone = _signup("never.confirmed@example.org", joined_days_ago=31)
    recent = _signup("still.time@example.org", joined_days_ago=29)
    verified = _signup("confirmed@example.org", joined_days_ago=400, verified=True)
    given_a_role = _signup("staff.made@example.org", joined_days_ago=400, roles=[Role.RESIDENT])
    signed_in = _signup("signed.in@example.org", joined_days_ago=400, last_login=_ago(300))
    made_by_command = cast(User, UserFactory(email="superuser@example.org", roles=[]))
    EmailAddress.objects.filter(user=made_by_command).delete()
    User.objects.filter(pk=made_by_command.pk).update(date_joined=_ago(400))

    assert retention_apply()["unverified_signups"] == 1

    assert not User.objects.filter(pk=gone.pk).exists()
    assert not EmailAddress.objects.filter(email=gone.email).exists()
    kept = {recent, verified, given_a_role, signed_in, made_by_command}
    assert set(User.objects.filter(pk__in=[u.pk for u in kept])) == kept


def test_sessions_are_deleted_a_day_after_they_expire() -> None:
    def session(expires: datetime.datetime) -> str:
        store = SessionStore()
        store["_auth_user_id"] = "1"
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
        return str(store.session_key)

    long_expired = session(_ago(2))
    just_expired = session(_ago(1 / 24))
    live = session(timezone.now() + datetime.timedelta(days=14))

    assert retention_apply()["expired_sessions"] == 1

    assert set(Session.objects.values_list("session_key", flat=True)) == {just_expired, live}
    assert long_expired not in set(Session.objects.values_list("session_key", flat=True))


def test_finished_notifications_are_deleted_after_a_year_and_unsent_ones_never() -> None:
    sent_old = _notification(Notification.Status.SENT, days_ago=366)
    failed_old = _notification(Notification.Status.FAILED, days_ago=366)
    digested_old = _notification(Notification.Status.DIGESTED, days_ago=366)
    sent_recent = _notification(Notification.Status.SENT, days_ago=364)
    pending_old = _notification(Notification.Status.PENDING, days_ago=400)
    held_old = _notification(Notification.Status.HELD, days_ago=400)

    assert retention_apply()["sent_notifications"] == 3

    assert not Notification.objects.filter(pk__in=[sent_old.pk, failed_old.pk, digested_old.pk])
    assert set(Notification.objects.all()) == {sent_recent, pending_old, held_old}


def test_follows_never_confirmed_are_deleted_after_30_days() -> None:
    unconfirmed_old = _follow("old@example.org", days_ago=31)
    unconfirmed_recent = _follow("recent@example.org", days_ago=29)
    confirmed_old = _follow("confirmed@example.org", days_ago=400, confirmed=True)
    account_follow = Subscription.objects.create(user=cast(User, UserFactory()), topic="food")
    Subscription.objects.filter(pk=account_follow.pk).update(created_at=_ago(400))

    assert retention_apply()["unconfirmed_follows"] == 1

    assert not Subscription.objects.filter(pk=unconfirmed_old.pk).exists()
    assert set(Subscription.objects.all()) == {unconfirmed_recent, confirmed_old, account_follow}


def test_report_emails_are_removed_30_days_after_resolution_and_the_report_stays() -> None:
    old = _resolved_report("old.reporter@example.org", resolved_days_ago=31)
    recent = _resolved_report("recent.reporter@example.org", resolved_days_ago=29)
    open_report = _resolved_report("waiting@example.org", resolved_days_ago=None)
    ListingReport.objects.filter(pk=open_report.pk).update(created_at=_ago(400))

    assert retention_apply()["listing_report_emails"] == 1

    old.refresh_from_db()
    assert old.email == ""
    assert old.details == "They now open at 11."  # the report itself is kept
    assert ListingReport.objects.get(pk=recent.pk).email == "recent.reporter@example.org"
    assert ListingReport.objects.get(pk=open_report.pk).email == "waiting@example.org"


def test_volunteers_are_deleted_a_year_after_the_last_session() -> None:
    old = _finished_assembly(ended_days_ago=366)
    VolunteerFactory.create_batch(3, assembly=old)
    recent = _finished_assembly(ended_days_ago=364)
    VolunteerFactory.create_batch(2, assembly=recent)

    assert retention_apply()["assembly_volunteers"] == 3

    assert not Volunteer.objects.filter(assembly=old).exists()
    assert Volunteer.objects.filter(assembly=recent).count() == 2
    # Each assembly's own record still says how many of its volunteers went.
    event = AuditEvent.objects.get(verb="assembly.volunteers_erased")
    assert (event.object_id, event.changes) == (str(old.pk), {"rows": 3})


def test_responses_never_sent_are_deleted_30_days_after_the_consultation_closed() -> None:
    closed_long_ago = _closed_consultation(closed_days_ago=31)
    abandoned = ResponseFactory(
        consultation=closed_long_ago, status=Response.Status.IN_PROGRESS, respondent=None
    )
    AnswerFactory(response=abandoned)
    sent = ResponseFactory(consultation=closed_long_ago)
    closed_recently = _closed_consultation(closed_days_ago=29)
    still_in_time = ResponseFactory(
        consultation=closed_recently, status=Response.Status.IN_PROGRESS, respondent=None
    )

    assert retention_apply()["abandoned_responses"] == 1

    assert set(Response.objects.all()) == {sent, still_in_time}


def test_outcome_requests_are_deleted_90_days_after_the_person_was_told() -> None:
    published = _closed_consultation(
        closed_days_ago=200, status=Consultation.Status.OUTCOME_PUBLISHED
    )

    def request(email: str, notified_days_ago: float | None) -> OutcomeRequest:
        return OutcomeRequest.objects.create(
            consultation=published,
            email=email,
            created_on=timezone.localdate() - datetime.timedelta(days=200),
            notified_at=None if notified_days_ago is None else _ago(notified_days_ago),
        )

    told_long_ago = request("told.long.ago@example.org", 91)
    told_recently = request("told.recently@example.org", 89)
    not_told = request("not.told@example.org", None)

    assert retention_apply()["outcome_requests"] == 1

    assert not OutcomeRequest.objects.filter(pk=told_long_ago.pk).exists()
    assert set(OutcomeRequest.objects.all()) == {told_recently, not_told}


# --- The runner ----------------------------------------------------------------------------------


def _one_of_each_past_its_period() -> None:
    _signup("never.confirmed@example.org", joined_days_ago=31)
    _notification(Notification.Status.SENT, days_ago=366, to="someone@example.org")
    _follow("follower@example.org", days_ago=31)
    _resolved_report("reporter@example.org", resolved_days_ago=31)
    VolunteerFactory(assembly=_finished_assembly(ended_days_ago=366), name="Vera Volunteer")
    ResponseFactory(
        consultation=_closed_consultation(closed_days_ago=31),
        status=Response.Status.IN_PROGRESS,
        respondent=None,
    )


def test_a_period_set_in_settings_is_the_one_applied(settings: Any) -> None:
    settings.RETENTION_DAYS = {"unverified_signups": 5, "listing_report_emails": 60}
    six_days = _signup("six.days@example.org", joined_days_ago=6)
    four_days = _signup("four.days@example.org", joined_days_ago=4)
    report = _resolved_report("reporter@example.org", resolved_days_ago=31)

    changed = retention_apply()

    assert changed["unverified_signups"] == 1
    assert not User.objects.filter(pk=six_days.pk).exists()
    assert User.objects.filter(pk=four_days.pk).exists()
    assert changed["listing_report_emails"] == 0  # 31 days is inside the longer period
    assert ListingReport.objects.get(pk=report.pk).email == "reporter@example.org"


def test_a_second_run_the_same_day_changes_nothing_and_records_nothing() -> None:
    _one_of_each_past_its_period()
    first = retention_apply()
    assert sum(first.values()) >= 6
    events = AuditEvent.objects.count()

    second = retention_apply()

    assert set(second) == set(first)
    assert all(rows == 0 for rows in second.values())
    assert AuditEvent.objects.count() == events


def test_each_rule_that_changed_rows_is_audited_with_counts_and_no_personal_data() -> None:
    _one_of_each_past_its_period()

    changed = retention_apply()

    events = {e.changes["kind"]: e for e in AuditEvent.objects.filter(verb="retention.applied")}
    assert set(events) == {key for key, rows in changed.items() if rows}
    for key, event in events.items():
        rule = next(r for r in retention.rules() if r.key == key)
        assert event.changes["rows"] == changed[key]
        assert event.changes["days"] == rule.days
        assert event.actor is None
        # The event is about the kind of record (its content type), not about a person.
        assert ContentType.objects.get(pk=event.object_id).model_class() == rule.model
        recorded = json.dumps(event.changes) + event.object_repr + event.actor_label
        for personal in ("example.org", "Vera", "never.confirmed", "reporter", "follower"):
            assert personal not in recorded


def test_a_failing_rule_is_logged_rolled_back_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    victim = _notification(Notification.Status.PENDING, days_ago=1, to="victim@example.org")

    def half_done_then_broken(cutoff: datetime.datetime) -> int:
        Notification.objects.filter(pk=victim.pk).delete()
        raise RuntimeError("the disk is full")

    broken = RetentionRule(
        key="broken",
        kind="Broken",
        what_happens="Never %(period)s",
        model_label="notifications.Notification",
        default_days=0,
        apply=half_done_then_broken,
    )
    # First in line, so the others run after it fails.
    monkeypatch.setattr(retention, "_rules", {"broken": broken, **retention._rules})
    gone = _signup("never.confirmed@example.org", joined_days_ago=31)

    with caplog.at_level(logging.ERROR, logger="luton2040.accounts.retention"):
        changed = retention_apply()

    assert "broken" not in changed
    assert changed["unverified_signups"] == 1
    assert not User.objects.filter(pk=gone.pk).exists()
    assert Notification.objects.filter(pk=victim.pk).exists()  # its half-done work undone
    assert "Retention rule broken failed" in caplog.text


def test_the_beat_job_names_a_registered_task_and_the_task_applies_the_rules() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["accounts.apply_retention"]
    celery_app.loader.import_default_modules()
    task = celery_app.tasks[str(entry["task"])]
    # One mechanism: the volunteers' own job has gone.
    assert not any(
        "erase_expired" in str(e["task"]) for e in settings.CELERY_BEAT_SCHEDULE.values()
    )
    gone = _signup("never.confirmed@example.org", joined_days_ago=31)

    result = task.delay().get()

    assert result["unverified_signups"] == 1
    assert not User.objects.filter(pk=gone.pk).exists()


def test_a_misspelt_period_in_settings_is_reported(settings: Any) -> None:
    settings.RETENTION_DAYS = {"unverified_sigups": 5}

    warnings = retention.check_retention_settings()

    assert [w.id for w in warnings] == ["accounts.W001"]
    assert "unverified_sigups" in warnings[0].msg
    assert warnings[0].level == checks.WARNING
    settings.RETENTION_DAYS = {"unverified_signups": 5}
    assert retention.check_retention_settings() == []


def test_volunteers_not_chosen_lose_their_name_and_contact_90_days_after_the_draw() -> None:
    assembly = AssemblyFactory()
    drawn = SelectionRun.objects.create(
        assembly=assembly,
        seed=1,
        algorithm=Assembly.Algorithm.MAXIMIN,
        status=SelectionRun.Status.DONE,
        confirmed=True,
        finished_at=_ago(91),
    )
    not_chosen = VolunteerFactory(
        assembly=assembly, status=Volunteer.Status.NOT_SELECTED, name="Nora Notchosen"
    )
    reserve = VolunteerFactory(
        assembly=assembly, status=Volunteer.Status.NOT_SELECTED, reserve_rank=1
    )
    member = VolunteerFactory(assembly=assembly, status=Volunteer.Status.SELECTED)
    recent = AssemblyFactory()
    SelectionRun.objects.create(
        assembly=recent,
        seed=2,
        algorithm=Assembly.Algorithm.MAXIMIN,
        status=SelectionRun.Status.DONE,
        confirmed=True,
        finished_at=_ago(89),
    )
    not_chosen_lately = VolunteerFactory(assembly=recent, status=Volunteer.Status.NOT_SELECTED)

    assert retention_apply()["assembly_volunteers_not_selected"] == 1

    not_chosen.refresh_from_db()
    assert (not_chosen.name, not_chosen.phone, not_chosen.postcode, not_chosen.user) == (
        "",
        "",
        "",
        None,
    )
    assert not_chosen.email == f"volunteer-{not_chosen.pk}@erased.invalid"
    # Still in the pool the draw is replayed from, with its features.
    assert Volunteer.objects.filter(assembly=assembly).count() == 3
    for kept in (reserve, member, not_chosen_lately):
        assert Volunteer.objects.get(pk=kept.pk).name == kept.name
    assert SelectionRun.objects.get(pk=drawn.pk).confirmed  # the draw itself is untouched
    assert retention_apply()["assembly_volunteers_not_selected"] == 0
