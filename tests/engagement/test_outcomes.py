""" "We asked, you said, we did": staff write the outcome and its decisions, link published
taskforce actions or create new ones through the taskforce's service, and publish it once the
consultation has closed (with a reason if later than 12 weeks); publishing tells the people who
asked and the followers, each once; the public outcome page and the list of outcomes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement import kinds
from engagement.models import (
    Consultation,
    ConsultationOutcome,
    Decision,
    OutcomeDecision,
    OutcomeRequest,
)
from engagement.services import outcomes as services
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.notifications.models import Notification, Preference, Subscription
from taskforce.models import Action
from taskforce.services.actions import action_review

from ..factories import (
    ActionFactory,
    ConsultationFactory,
    OutcomeFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def consultation_closed(days_ago: int = 10, **kwargs: Any) -> Consultation:
    # London time, so "N days ago" is N calendar days ago whatever the hour: in UTC, late in
    # a winter evening N * 24 hours back lands on the next day in summer time.
    now = timezone.localtime()
    kwargs.setdefault("status", Consultation.Status.AWAITING_OUTCOME)
    kwargs.setdefault("slug", "buses")
    kwargs.setdefault("title", "Buses in Luton")
    return ConsultationFactory(
        opens_at=now - datetime.timedelta(days=days_ago + 42),
        closes_at=now - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def written_outcome(consultation: Consultation, **kwargs: Any) -> ConsultationOutcome:
    return ConsultationOutcome.objects.create(
        consultation=consultation,
        we_asked=kwargs.pop("we_asked", "Which bus routes matter most to you?"),
        you_said=kwargs.pop("you_said", "Most of you said route 24 in the evenings."),
        we_did=kwargs.pop("we_did", "We will keep route 24 running until 11pm."),
        **kwargs,
    )


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": "buses", **kwargs})


# --- Writing the outcome ------------------------------------------------------------------------


def test_staff_write_the_outcome(client: Client, staff: User) -> None:
    consultation = consultation_closed()
    client.force_login(staff)
    response = client.post(
        url("engagement-staff:outcome-edit"),
        {
            "we_asked": "Which routes matter?",
            "you_said": "Route 24.",
            "we_did": "Kept route 24.",
            "late_reason": "",
        },
    )
    assert response.status_code == 302
    outcome = ConsultationOutcome.objects.get(consultation=consultation)
    assert (outcome.we_asked, outcome.you_said, outcome.we_did) == (
        "Which routes matter?",
        "Route 24.",
        "Kept route 24.",
    )
    assert outcome.published_at is None
    assert AuditEvent.objects.filter(verb="outcome.created", actor=staff).exists()
    page = text(client.get(url("engagement-staff:outcome-edit")))
    assert "Kept route 24." in page
    assert "Add a decision" in page


def test_a_missing_part_is_an_error_with_the_rest_kept(client: Client, staff: User) -> None:
    consultation_closed()
    client.force_login(staff)
    response = client.post(
        url("engagement-staff:outcome-edit"),
        {"we_asked": "Which routes matter?", "you_said": "", "we_did": "Kept route 24."},
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert '<a href="#id_you_said">Enter what people said</a>' in page
    assert "Which routes matter?" in page
    assert not ConsultationOutcome.objects.exists()


@pytest.mark.parametrize("persona", ["resident", "outsider", "taskforce_lead", "org_editor"])
def test_only_staff_write_and_publish(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    consultation = consultation_closed()
    outcome = written_outcome(consultation)
    decision = OutcomeDecision.objects.create(outcome=outcome, text="Keep route 24")
    client.force_login(request.getfixturevalue(persona))
    for name, kwargs in (
        ("engagement-staff:outcome-edit", {}),
        ("engagement-staff:outcome-publish", {}),
        ("engagement-staff:outcome-decision-add", {}),
        ("engagement-staff:outcome-decision-edit", {"decision": decision.pk}),
        ("engagement-staff:outcome-decision-delete", {"decision": decision.pk}),
        ("engagement-staff:outcome-decision-new-action", {"decision": decision.pk}),
    ):
        assert client.get(url(name, **kwargs)).status_code == 403, name
        assert client.post(url(name, **kwargs), {"we_asked": "x"}).status_code == 403, name
    outcome.refresh_from_db()
    assert outcome.published_at is None
    assert OutcomeDecision.objects.filter(pk=decision.pk).exists()


def test_anonymous_and_staff_without_mfa_are_turned_back(
    client: Client, staff_without_mfa: User
) -> None:
    written_outcome(consultation_closed())
    response = client.post(url("engagement-staff:outcome-publish"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(staff_without_mfa)
    response = client.post(url("engagement-staff:outcome-publish"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert not ConsultationOutcome.objects.filter(published_at__isnull=False).exists()


# --- Decisions and taskforce actions ----------------------------------------------------------


def test_a_decision_links_published_actions_only(client: Client, staff: User) -> None:
    outcome = written_outcome(consultation_closed())
    published = ActionFactory(reference="FT-024", title="Evening buses")
    draft = ActionFactory(reference="FT-025", title="Half-written", review="draft")
    client.force_login(staff)
    form = text(client.get(url("engagement-staff:outcome-decision-add")))
    assert "FT-024: Evening buses" in form
    assert "Half-written" not in form

    refused = client.post(
        url("engagement-staff:outcome-decision-add"),
        {"text": "Keep route 24", "decision": "accepted", "actions": [draft.pk]},
    )
    assert refused.status_code == 400
    assert "Choose actions from the list" in text(refused)

    response = client.post(
        url("engagement-staff:outcome-decision-add"),
        {"text": "Keep route 24", "decision": "accepted", "actions": [published.pk]},
    )
    assert response.status_code == 302
    decision = OutcomeDecision.objects.get(outcome=outcome)
    assert (decision.text, decision.decision) == ("Keep route 24", Decision.ACCEPTED)
    assert list(decision.actions.all()) == [published]
    assert AuditEvent.objects.filter(verb="outcome_decision.added", actor=staff).exists()


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("accepted-in-part", "Say why it was accepted in part"),
        ("rejected", "Say why it was not accepted"),
    ],
)
def test_a_decision_not_fully_accepted_needs_a_reason(
    client: Client, staff: User, decision: str, message: str
) -> None:
    written_outcome(consultation_closed())
    client.force_login(staff)
    response = client.post(
        url("engagement-staff:outcome-decision-add"),
        {"text": "Free parking", "decision": decision, "reason": " "},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not OutcomeDecision.objects.exists()


def test_a_new_action_is_created_through_the_taskforce_service(
    client: Client, staff: User, taskforce_lead: User, django_capture_on_commit_callbacks: Any
) -> None:
    outcome = written_outcome(consultation_closed())
    decision = OutcomeDecision.objects.create(outcome=outcome, text="Keep route 24")
    target = OutcomeFactory(short_name="Fairness")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("engagement-staff:outcome-decision-new-action", decision=decision.pk),
            {
                "title": "Evening buses on route 24",
                "summary": "Run route 24 until 11pm.",
                "outcomes": [target.pk],
                "due_date": "31/3/2027",
            },
        )
    assert response.status_code == 302
    action = decision.actions.get()
    assert action.title == "Evening buses on route 24"
    assert action.reference.startswith("FT-")
    assert action.review == Action.Review.SUBMITTED
    assert action.due_date == datetime.date(2027, 3, 31)
    assert list(action.outcomes.all()) == [target]
    assert "Buses in Luton" in action.description
    # Only the taskforce's own service writes these: proof it was created through it.
    verbs = set(
        AuditEvent.objects.filter(object_id=str(action.pk), actor=staff).values_list(
            "verb", flat=True
        )
    )
    assert {"action.created", "action.submitted"} <= verbs
    # The taskforce's leads are asked to review it.
    assert Notification.objects.filter(kind="taskforce.action_review_needed").exists()

    # Saving the decision again keeps the link to the action still in review.
    client.post(
        url("engagement-staff:outcome-decision-edit", decision=decision.pk),
        {"text": "Keep route 24 in the evenings", "decision": "accepted"},
    )
    assert list(decision.actions.all()) == [action]

    # In public, it shows once the taskforce publishes it.
    services.outcome_publish(consultation=outcome.consultation, by=staff)
    client.logout()
    page = text(client.get(url("engagement:outcome")))
    assert "Evening buses on route 24" not in page
    assert "The Fairness Taskforce is setting up more actions for this." in page
    action_review(action=action, by=taskforce_lead, decision="publish")
    page = text(client.get(url("engagement:outcome")))
    action_url = reverse("taskforce:action-detail", kwargs={"reference": action.reference})
    assert f'href="{action_url}"' in page
    assert "setting up more actions" not in page


def test_a_new_action_form_keeps_input_on_errors(client: Client, staff: User) -> None:
    outcome = written_outcome(consultation_closed())
    decision = OutcomeDecision.objects.create(outcome=outcome, text="Keep route 24")
    client.force_login(staff)
    response = client.post(
        url("engagement-staff:outcome-decision-new-action", decision=decision.pk),
        {"title": "Evening buses", "summary": "", "due_date": "31/2/2027"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Enter a summary of the action" in page
    assert "Select at least one target outcome" in page
    assert "The due date must be a real date, like 31/3/2027" in page
    assert 'value="Evening buses"' in page
    assert not Action.objects.exists()


def test_removing_a_decision_leaves_its_actions(client: Client, staff: User) -> None:
    outcome = written_outcome(consultation_closed())
    action = ActionFactory()
    decision = OutcomeDecision.objects.create(outcome=outcome, text="Keep route 24")
    decision.actions.add(action)
    client.force_login(staff)
    assert "Remove this decision?" in text(
        client.get(url("engagement-staff:outcome-decision-delete", decision=decision.pk))
    )
    response = client.post(url("engagement-staff:outcome-decision-delete", decision=decision.pk))
    assert response.status_code == 302
    assert not OutcomeDecision.objects.exists()
    assert Action.objects.filter(pk=action.pk).exists()


def test_a_decision_of_another_consultation_is_404(client: Client, staff: User) -> None:
    other = written_outcome(consultation_closed(slug="other"))
    written_outcome(consultation_closed())
    decision = OutcomeDecision.objects.create(outcome=other, text="Elsewhere")
    client.force_login(staff)
    assert (
        client.get(url("engagement-staff:outcome-decision-edit", decision=decision.pk)).status_code
        == 404
    )


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_waits_for_the_consultation_to_close(client: Client, staff: User) -> None:
    now = timezone.now()
    consultation = ConsultationFactory(
        slug="buses", status="open", closes_at=now + datetime.timedelta(days=3)
    )
    written_outcome(consultation)
    client.force_login(staff)
    assert "You can publish the outcome once the consultation has closed" in text(
        client.get(url("engagement-staff:outcome-publish"))
    )
    response = client.post(url("engagement-staff:outcome-publish"))
    assert response.status_code == 400
    assert "You can publish the outcome once the consultation has closed" in text(response)
    consultation.refresh_from_db()
    assert consultation.status == "open"
    assert consultation.outcome.published_at is None


def test_publishing_needs_a_written_outcome(client: Client, staff: User) -> None:
    consultation = consultation_closed()
    with pytest.raises(services.OutcomeError):
        services.outcome_publish(consultation=consultation, by=staff)
    client.force_login(staff)
    response = client.post(url("engagement-staff:outcome-publish"))
    assert response["Location"] == url("engagement-staff:outcome-edit")


def test_later_than_12_weeks_needs_a_reason(client: Client, staff: User) -> None:
    consultation = consultation_closed(days_ago=13 * 7)
    written_outcome(consultation)
    client.force_login(staff)
    page = text(client.get(url("engagement-staff:outcome-publish")))
    assert "This is later than 12 weeks after the consultation closed" in page

    response = client.post(url("engagement-staff:outcome-publish"), {"late_reason": "  "})
    assert response.status_code == 400
    assert "Say why the outcome is published more than 12 weeks after closing" in text(response)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.AWAITING_OUTCOME
    with pytest.raises(services.OutcomeError):
        services.outcome_publish(consultation=consultation, by=staff)

    response = client.post(
        url("engagement-staff:outcome-publish"),
        {"late_reason": "The budget meeting moved to March."},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OUTCOME_PUBLISHED
    public = text(client.get(url("engagement:outcome")))
    assert "13 weeks after closing: later than the 12 weeks we aim for." in public
    assert "The budget meeting moved to March." in public


def test_on_time_says_so(client: Client, staff: User) -> None:
    consultation = consultation_closed(days_ago=20)
    written_outcome(consultation)
    services.outcome_publish(consultation=consultation, by=staff)
    page = text(client.get(url("engagement:outcome")))
    assert "Within 12 weeks of closing" in page
    event = AuditEvent.objects.get(verb="consultation.outcome_published")
    assert event.actor == staff
    assert event.changes["status"] == ["awaiting-outcome", "outcome-published"]


@pytest.fixture
def audience(resident: User) -> dict[str, Any]:
    """A consultation with its outcome written; two respondents who asked to hear back (one
    by account, one by address), an account that both asked and follows, and two followers
    (an account and a confirmed address)."""
    consultation = consultation_closed()
    written_outcome(consultation)
    follower = UserFactory(email="fola.follower@example.org")
    both = UserFactory(email="bea.both@example.org")
    today = timezone.localdate()
    OutcomeRequest.objects.create(consultation=consultation, user=resident, created_on=today)
    OutcomeRequest.objects.create(
        consultation=consultation, email="paper.respondent@example.org", created_on=today
    )
    OutcomeRequest.objects.create(consultation=consultation, user=both, created_on=today)
    now = timezone.now()
    for who in ({"user": follower}, {"user": both}, {"email": "ed.email@example.org"}):
        Subscription.objects.create(target=consultation, confirmed_at=now, **who)
    # Someone else's consultation's request is not this one's.
    OutcomeRequest.objects.create(
        consultation=consultation_closed(slug="other"), email="x@example.org", created_on=today
    )
    return {"consultation": consultation}


def test_publishing_tells_respondents_and_followers_once_each(
    client: Client,
    staff: User,
    resident: User,
    audience: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("engagement-staff:outcome-publish"))
    assert response.status_code == 302
    assert response["Location"] == url("engagement:outcome")

    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    respondent_subject = "What came of the consultation you responded to: Buses in Luton"
    follower_subject = "Outcome published: Buses in Luton"
    assert sent == sorted(
        [
            (resident.email, respondent_subject),
            ("paper.respondent@example.org", respondent_subject),
            ("bea.both@example.org", respondent_subject),  # not a second time as a follower
            ("fola.follower@example.org", follower_subject),
            ("ed.email@example.org", follower_subject),
        ]
    )
    body = next(m for m in mail.outbox if m.to == [resident.email]).body
    assert "We will keep route 24 running until 11pm." in body
    assert "/have-your-say/consultations/buses/outcome/" in body
    requests = OutcomeRequest.objects.filter(consultation=audience["consultation"])
    assert not requests.filter(notified_at__isnull=True).exists()
    assert OutcomeRequest.objects.get(email="x@example.org").notified_at is None
    kinds_sent = set(Notification.objects.values_list("kind", flat=True))
    assert kinds_sent == {kinds.OUTCOME_FOR_RESPONDENT, kinds.OUTCOME_PUBLISHED}


def test_a_respondent_who_switched_everything_off_still_hears_the_outcome(
    staff: User, resident: User, audience: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    Preference.objects.create(user=resident, kind=kinds.OUTCOME_FOR_RESPONDENT, frequency="off")
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_publish(consultation=audience["consultation"], by=staff)
    assert [resident.email] in [m.to for m in mail.outbox]


def test_publishing_twice_or_editing_afterwards_sends_nothing_more(
    client: Client, staff: User, audience: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    consultation = audience["consultation"]
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_publish(consultation=consultation, by=staff)
    first = len(mail.outbox)
    assert first == 5
    published_at = ConsultationOutcome.objects.get().published_at

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_publish(consultation=consultation, by=staff)
        again = client.post(url("engagement-staff:outcome-publish"))
        edited = client.post(
            url("engagement-staff:outcome-edit"),
            {"we_asked": "Which routes?", "you_said": "Route 24.", "we_did": "Kept it."},
        )
    assert again.status_code == 302
    assert edited.status_code == 302
    assert len(mail.outbox) == first
    assert Notification.objects.count() == 5
    outcome = ConsultationOutcome.objects.get()
    assert outcome.published_at == published_at
    assert outcome.we_did == "Kept it."
    assert AuditEvent.objects.filter(verb="outcome.edited_after_publication").count() == 1
    assert AuditEvent.objects.filter(verb="consultation.outcome_published").count() == 1


# --- The public pages ---------------------------------------------------------------------------


def test_the_public_outcome_page(client: Client, staff: User, settings: Any) -> None:
    settings.ENGAGEMENT_SUPPRESS_BELOW = 10
    consultation = consultation_closed(days_ago=30, publish_results=True)
    outcome = written_outcome(consultation)
    action = ActionFactory(reference="FT-024", title="Evening buses", progress=40)
    hidden = ActionFactory(reference="FT-099", title="Internal review", visibility="internal")
    kept = OutcomeDecision.objects.create(
        outcome=outcome, text="Keep route 24", decision=Decision.ACCEPTED, position=0
    )
    kept.actions.set([action, hidden])
    OutcomeDecision.objects.create(
        outcome=outcome,
        text="Free parking in the town centre",
        decision=Decision.REJECTED,
        reason="It would cost £2m a year.",
        position=1,
    )
    for channel, count in (("online", 30), ("paper", 12), ("phone", 4)):
        for _ in range(count):
            ResponseFactory(consultation=consultation, channel=channel)
    services.outcome_publish(consultation=consultation, by=staff)

    page = text(client.get(url("engagement:outcome")))
    for part in (
        "Which bus routes matter most to you?",
        "Most of you said route 24 in the evenings.",
        "We will keep route 24 running until 11pm.",
        "Keep route 24",
        "Accepted",
        "Free parking in the town centre",
        "Not accepted",
        "It would cost £2m a year.",
        "FT-024: Evening buses",
        "40% complete",
        "In progress",
        "We had 46 responses.",
        "Within 12 weeks of closing",
    ):
        assert part in page, part
    assert "Internal review" not in page
    # 4 by phone is too few to show, and so is 12 by paper (or 4 = 46 - 30 - 12).
    assert (
        '<th scope="row" class="govuk-table__header">Online</th>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">30</td>' in page
    )
    assert page.count("fewer than 10") == 2
    assert reverse("engagement:results", kwargs={"slug": "buses"}) in page


def test_an_unpublished_outcome_is_hidden_but_staff_may_preview(
    client: Client, staff: User, resident: User
) -> None:
    written_outcome(consultation_closed())
    assert client.get(url("engagement:outcome")).status_code == 404
    client.force_login(resident)
    assert client.get(url("engagement:outcome")).status_code == 404
    client.force_login(staff)
    preview = client.get(url("engagement:outcome"))
    assert preview.status_code == 200
    assert "Preview: this outcome is not published yet" in text(preview)


def test_no_outcome_is_404(client: Client) -> None:
    consultation_closed()
    assert client.get(url("engagement:outcome")).status_code == 404
    assert client.get(reverse("engagement:outcome", kwargs={"slug": "nope"})).status_code == 404


def test_the_list_of_outcomes_published_and_awaited(client: Client, staff: User) -> None:
    published = consultation_closed(slug="parks", title="Parks", days_ago=40)
    written_outcome(published)
    services.outcome_publish(consultation=published, by=staff)
    consultation_closed(slug="libraries", title="Libraries", days_ago=100)
    consultation_closed(slug="bins", title="Bins", days_ago=5, status="closed")
    ConsultationFactory(slug="open-one", title="Still open")

    page = text(client.get(reverse("engagement:outcome-list")))
    assert "Parks" in page
    assert "Still open" not in page
    awaiting = page[page.index("Waiting for an outcome") : page.index("Published outcomes")]
    # The longest waiting first, with days since closing and the date due.
    assert awaiting.index("Libraries") < awaiting.index("Bins")
    assert "100 days ago" in awaiting
    assert "5 days ago" in awaiting
    assert awaiting.count("Overdue") == 1
    due = timezone.localdate() - datetime.timedelta(days=100) + datetime.timedelta(weeks=12)
    assert due.strftime("%-d %b %Y") in awaiting


def _many_outcomes(n: int, staff: User) -> None:
    for i in range(n):
        consultation = consultation_closed(slug=f"c{i}", title=f"Consultation {i}")
        outcome = written_outcome(consultation)
        decision = OutcomeDecision.objects.create(outcome=outcome, text="Do it")
        decision.actions.add(ActionFactory())
        services.outcome_publish(consultation=consultation, by=staff)
        consultation_closed(slug=f"w{i}", title=f"Waiting {i}")


@pytest.mark.parametrize("size", [2, 12])
def test_outcome_pages_take_the_same_queries_at_any_size(
    client: Client, staff: User, django_assert_num_queries: Any, size: int
) -> None:
    _many_outcomes(size, staff)
    # The page of published outcomes with their decision counts (and its count), the
    # consultations waiting
    with django_assert_num_queries(3):
        assert client.get(reverse("engagement:outcome-list")).status_code == 200
    # One outcome with `size` decisions, each with an action.
    outcome = ConsultationOutcome.objects.get(consultation__slug="c0")
    for _ in range(size):
        OutcomeDecision.objects.create(outcome=outcome, text="More").actions.add(ActionFactory())
    # consultation with outcome, decisions, their published actions with status, the
    # channel counts
    with django_assert_num_queries(4):
        assert client.get(reverse("engagement:outcome", kwargs={"slug": "c0"})).status_code == 200
    client.force_login(staff)
    edit = reverse("engagement-staff:outcome-edit", kwargs={"slug": "c0"})
    client.get(edit)
    # session, user, role groups, MFA (once a request), consultation; consultation with outcome,
    # decisions, published actions, all actions, their statuses
    with django_assert_num_queries(10):
        assert client.get(edit).status_code == 200
