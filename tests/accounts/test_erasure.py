"""A resident deletes their account: their personal data goes or is made anonymous everywhere,
what others rely on (results, outcomes, the taskforce's record, the audit log) stays right."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from engagement.models import ConsultationOutcome, OutcomeRequest, Response, Volunteer
from engagement.selectors.results import consultation_results
from hubs.models import ListingReport
from luton2040 import audit
from luton2040.accounts.models import User
from luton2040.accounts.services import AccountErasureRefused, account_erase
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification, Preference, Subscription
from taskforce.models import ActionUpdate
from tests.factories import TEST_PASSWORD, ResponseFactory

from .personal_data_fixtures import give_data, publish_outcome

pytestmark = pytest.mark.django_db

DELETE = reverse("accounts:delete")


def _results(consultation):  # type: ignore[no-untyped-def]
    results = consultation_results(consultation=consultation, public=False)
    return (
        results.responses,
        [(q.answered, [(row.label, row.count) for row in q.rows]) for q in results.questions],
    )


def _audit_rows_mentioning(text: str) -> int:
    """Audit rows with `text` in any text column (the JSON changes read as text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM audit_auditevent
            WHERE actor_label ILIKE %(t)s OR verb ILIKE %(t)s OR object_id ILIKE %(t)s
               OR object_repr ILIKE %(t)s OR changes::text ILIKE %(t)s
            """,
            {"t": f"%{text}%"},
        )
        return int(cursor.fetchone()[0])


# --- The pages ----------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(DELETE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_says_what_is_deleted_anonymised_and_kept(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    page = client.get(DELETE).content.decode()
    assert "govuk-warning-text" in page
    for heading, item in (
        ("What we delete", "Things you follow"),
        ("What we keep without your name", "Your answers"),
        ("What we keep", "Named contacts for services"),
    ):
        assert heading in page and item in page
    # From the registry, with its reason.
    assert "Your answers are counted in the consultation" in page


def test_a_wrong_password_deletes_nothing(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    response = client.post(DELETE, {"password": "not-my-password"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_password"' in page
    assert User.objects.filter(pk=resident.pk).exists()


def test_an_empty_password_is_asked_for(client, resident) -> None:  # type: ignore[no-untyped-def]
    client.force_login(resident)
    response = client.post(DELETE, {"password": ""})
    assert response.status_code == 400
    assert "Enter your password" in response.content.decode()


def test_staff_cannot_delete_their_own_account(client, staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    assert client.get(DELETE).status_code == 403
    assert client.post(DELETE, {"password": TEST_PASSWORD}).status_code == 403
    assert User.objects.filter(pk=staff.pk).exists()
    with pytest.raises(AccountErasureRefused):
        account_erase(user=staff, by=staff)
    # Another administrator's command may (by=None).
    assert account_erase(user=staff) is not None
    assert not User.objects.filter(pk=staff.pk).exists()


def test_deleting_signs_out_and_the_account_cannot_sign_in(client, resident) -> None:  # type: ignore[no-untyped-def]
    email = resident.email
    client.force_login(resident)
    response = client.post(DELETE, {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:deleted")
    assert "Your account has been deleted" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(pk=resident.pk).exists()
    # Signed out: the account page asks to sign in again.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert authenticate(email=email, password=TEST_PASSWORD) is None
    assert not client.login(email=email, password=TEST_PASSWORD)


# --- What happens to the data -------------------------------------------------------------


def test_personal_data_goes_and_aggregates_stay_right(resident, outsider, staff) -> None:  # type: ignore[no-untyped-def]
    data = give_data(resident, times=2)
    theirs = give_data(outsider, consultation=data.consultation)
    anonymous: Any = ResponseFactory(
        consultation=data.consultation, respondent=None, submitted_at=None
    )
    outcome = publish_outcome(data.consultation, by=staff)
    before = _results(data.consultation)
    assert before[0] == 4  # two by the resident, one by the outsider, one anonymous

    counts = account_erase(user=resident, by=resident)

    assert counts is not None
    assert counts["engagement.Response"] == 2
    # Results and the published outcome are as they were.
    assert _results(data.consultation) == before
    assert ConsultationOutcome.objects.filter(pk=outcome.pk, published_at__isnull=False).exists()
    # The resident's responses are now like the anonymous one: no person, no time of day.
    mine = Response.objects.exclude(pk=anonymous.pk).filter(respondent__isnull=True)
    assert mine.count() == 2
    assert all(r.submitted_at is None and r.submitted_on and not r.resume_token_hash for r in mine)
    # A postcode answer keeps only its district, so it is still counted as answered.
    assert set(
        mine[0].answers.filter(question=data.postcode).values_list("postcode", flat=True)
    ) == {"LU1"}
    # Taskforce updates still there, without their author.
    assert list(
        ActionUpdate.objects.filter(pk__in=[u.pk for u in data.updates]).values_list(
            "author", flat=True
        )
    ) == [None, None]
    # Listing reports still there for staff to check, without the address.
    assert list(
        ListingReport.objects.filter(pk__in=[r.pk for r in data.reports]).values_list(
            "email", flat=True
        )
    ) == ["", ""]
    # Volunteers made anonymous and, not yet drawn, withdrawn.
    for volunteer in Volunteer.objects.filter(pk__in=[v.pk for v in data.volunteers]):
        assert volunteer.user_id is None
        assert volunteer.name == "Erased volunteer"
        assert volunteer.email == f"volunteer-{volunteer.pk}@erased.invalid"
        assert (volunteer.phone, volunteer.postcode) == ("", "")
        assert volunteer.status == Volunteer.Status.WITHDRAWN
        assert volunteer.categories.count() == 1  # the draw's quotas still add up
    # Follows, preferences, messages and outcome requests are gone.
    assert not Subscription.objects.filter(email__iexact=resident.email).exists()
    assert Subscription.objects.filter(user=outsider).count() == 1
    assert not Notification.objects.filter(to__iexact=resident.email).exists()
    assert not Preference.objects.filter(kind="action.updated", user__isnull=True).exists()
    assert OutcomeRequest.objects.filter(user=outsider).count() == 1
    assert OutcomeRequest.objects.count() == 1

    # The outsider's data is untouched.
    assert Response.objects.filter(respondent=outsider).count() == 1
    assert ActionUpdate.objects.get(pk=theirs.updates[0].pk).author == outsider
    assert ListingReport.objects.get(pk=theirs.reports[0].pk).email == outsider.email.upper()
    assert Volunteer.objects.get(pk=theirs.volunteers[0].pk).name == outsider.full_name
    assert _audit_rows_mentioning(outsider.email) > 0


def test_the_audit_log_keeps_the_events_without_the_person(resident, staff) -> None:  # type: ignore[no-untyped-def]
    give_data(resident)
    # Staff acted on the resident's account: the event names the account.
    audit.record(
        actor=staff, obj=resident, verb="account.role_changed", changes={"roles": ["a", "b"]}
    )
    audit.record(actor=staff, obj=staff, verb="note", changes={"about": resident.email})
    events_before = AuditEvent.objects.count()
    assert _audit_rows_mentioning(resident.email) >= 3

    account_erase(user=resident, by=resident)

    assert _audit_rows_mentioning(resident.email) == 0
    assert _audit_rows_mentioning(resident.full_name) == 0
    # Every event is still there, plus the erasure's own.
    assert AuditEvent.objects.count() == events_before + 1
    erased = AuditEvent.objects.get(verb="account.erased")
    assert erased.actor is None
    assert (
        erased.actor_label == erased.object_repr == f"Erased account {erased.changes['reference']}"
    )
    assert erased.changes["rows"]["engagement.Response"] == 1
    # The resident's earlier events carry the same pseudonym, so they still read as one person's.
    assert set(
        AuditEvent.objects.filter(verb="test.changed").values_list("actor_label", flat=True)
    ) == {erased.actor_label}
    # The staff member's events stay theirs.
    role_change = AuditEvent.objects.get(verb="account.role_changed")
    assert role_change.actor_label == staff.email
    assert role_change.object_repr == erased.actor_label
    assert role_change.changes == {"erased": True}


def test_a_second_erasure_is_harmless(resident) -> None:  # type: ignore[no-untyped-def]
    give_data(resident)
    stale = User.objects.get(pk=resident.pk)
    assert account_erase(user=resident, by=resident)
    events = AuditEvent.objects.count()
    assert account_erase(user=stale, by=stale) is None
    assert AuditEvent.objects.count() == events


# --- The audit log stays append-only --------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"verb": "something.else"},
        {"actor_label": "someone.else@example.org"},
        {"actor_label": "Erased account not-hex!"},
        {"object_repr": "Another name"},
        {"changes": {"roles": "rewritten"}},
        {"actor_label": "Erased account 1a2b3c4d", "verb": "something.else"},
    ],
)
def test_other_changes_to_the_audit_log_are_still_refused(resident, change) -> None:  # type: ignore[no-untyped-def]
    event = audit.record(actor=resident, obj=resident, verb="account.signed_up")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(**change)


def test_deleting_an_audit_event_is_still_refused(resident) -> None:  # type: ignore[no-untyped-def]
    event = audit.record(actor=resident, obj=resident, verb="account.signed_up")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_erased_form_is_let_through(resident) -> None:  # type: ignore[no-untyped-def]
    event = audit.record(actor=resident, obj=resident, verb="account.signed_up", changes={"a": 1})
    AuditEvent.objects.filter(pk=event.pk).update(
        actor_label="Erased account 1a2b3c4d",
        object_repr="Erased account 1a2b3c4d",
        changes={"erased": True},
    )
    event.refresh_from_db()
    assert (event.actor_label, event.verb, event.changes) == (
        "Erased account 1a2b3c4d",
        "account.signed_up",
        {"erased": True},
    )


def test_an_administrator_erases_a_staff_account_by_command(staff) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("erase_account", staff.email.upper(), stdout=out)
    assert not User.objects.filter(pk=staff.pk).exists()
    assert "Account erased." in out.getvalue()
    assert staff.email not in out.getvalue()
    assert _audit_rows_mentioning(staff.email) == 0
    with pytest.raises(CommandError):
        call_command("erase_account", staff.email)
