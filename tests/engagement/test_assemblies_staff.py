"""Council staff's assembly pages: who may reach them, the volunteer list, the draw's page
while it runs, and recording recommendations and the council's response."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from engagement import kinds
from engagement.models import (
    Assembly,
    AssemblySession,
    Decision,
    FeatureCategory,
    Recommendation,
    SelectionRun,
    Volunteer,
)
from engagement.services import assemblies as services
from luton2040.accounts.models import User
from luton2040.notifications import subscriptions
from luton2040.notifications.models import Notification
from taskforce.models import Action

from ..factories import ActionFactory, AssemblyFactory, OutcomeFactory
from .test_assemblies_support import make_pool

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _objects() -> dict[str, Any]:
    assembly = make_pool(volunteers=4, status=Assembly.Status.MEETING)
    session = AssemblySession.objects.create(
        assembly=assembly,
        title="Session 1",
        starts_at="2027-03-06T10:00:00Z",
        ends_at="2027-03-06T16:00:00Z",
        place="Luton Central Library",
    )
    feature = assembly.features.get(key="sex")
    run = SelectionRun.objects.create(assembly=assembly, seed=42, algorithm="maximin")
    recommendation = Recommendation.objects.create(
        assembly=assembly, number=1, title="Warm buses", text="Run buses to warm spaces."
    )
    return {
        "pk": assembly.pk,
        "session_pk": session.pk,
        "feature_pk": feature.pk,
        "category_pk": feature.categories.first().pk,  # type: ignore[union-attr]
        "run_pk": run.pk,
        "rec_pk": recommendation.pk,
    }


# Every staff page, with the ids its URL needs; POST-only ones are asked with POST.
STAFF_PAGES = [
    ("assembly-list", ()),
    ("assembly-create", ()),
    ("assembly-overview", ("pk",)),
    ("assembly-edit", ("pk",)),
    ("assembly-publish", ("pk",)),
    ("assembly-sessions", ("pk",)),
    ("assembly-session-edit", ("pk", "session_pk")),
    ("assembly-features", ("pk",)),
    ("assembly-category-add", ("pk", "feature_pk")),
    ("assembly-quotas", ("pk",)),
    ("assembly-volunteers", ("pk",)),
    ("assembly-run-create", ("pk",)),
    ("assembly-run", ("pk", "run_pk")),
    ("assembly-run-confirm", ("pk", "run_pk")),
    ("assembly-recommendations", ("pk",)),
    ("assembly-recommendation-edit", ("pk", "rec_pk")),
    ("assembly-recommendation-respond", ("pk", "rec_pk")),
    ("assembly-recommendation-action", ("pk", "rec_pk")),
    ("assembly-recommendations-publish", ("pk",)),
    ("assembly-responses-publish", ("pk",)),
]
POST_ONLY = [
    ("assembly-session-delete", ("pk", "session_pk")),
    ("assembly-feature-delete", ("pk", "feature_pk")),
    ("assembly-category-delete", ("pk", "category_pk")),
]


def _url(name: str, keys: tuple[str, ...], ids: dict[str, Any]) -> str:
    return reverse(f"engagement-staff:{name}", kwargs={key: ids[key] for key in keys})


def test_staff_with_two_factor_authentication_reach_every_page(client: Client, staff: User) -> None:
    ids = _objects()
    client.force_login(staff)
    for name, keys in STAFF_PAGES:
        assert client.get(_url(name, keys, ids)).status_code == 200, name


@pytest.mark.parametrize("persona", ["resident", "outsider", "taskforce_member", "org_editor"])
def test_anyone_else_signed_in_is_refused_everywhere(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    ids = _objects()
    client.force_login(request.getfixturevalue(persona))
    for name, keys in STAFF_PAGES:
        assert client.get(_url(name, keys, ids)).status_code == 403, name
    for name, keys in POST_ONLY:
        assert client.post(_url(name, keys, ids)).status_code == 403, name
    assert AssemblySession.objects.filter(pk=ids["session_pk"]).exists()


def test_anonymous_are_sent_to_sign_in_and_staff_without_mfa_to_set_it_up(
    client: Client, staff_without_mfa: User
) -> None:
    ids = _objects()
    for name, keys in [*STAFF_PAGES, *POST_ONLY]:
        response = client.post(_url(name, keys, ids))
        assert reverse("account_login") in response["Location"], name
    client.force_login(staff_without_mfa)
    for name, keys in STAFF_PAGES:
        response = client.get(_url(name, keys, ids))
        assert response["Location"].startswith(reverse("mfa_activate_totp")), name
    assert not staff_without_mfa.has_perm("engagement.manage_assembly")


def test_an_object_of_another_assembly_is_not_found(client: Client, staff: User) -> None:
    ids = _objects()
    other = AssemblyFactory()
    client.force_login(staff)
    url = reverse(
        "engagement-staff:assembly-session-edit",
        kwargs={"pk": other.pk, "session_pk": ids["session_pk"]},
    )
    assert client.get(url).status_code == 404


# --- Lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_volunteer_list_takes_the_same_queries_at_any_size(
    client: Client, staff: User, django_assert_num_queries: Any, count: int
) -> None:
    assembly = make_pool(volunteers=count)
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-volunteers", kwargs={"pk": assembly.pk})
    # Session, user, roles, the MFA check (asked once a request), the assembly, the count, the
    # page, the page's answers, the filter's answers.
    with django_assert_num_queries(9):
        response = client.get(url, {"status": "registered"})
    assert response.status_code == 200
    assert _text(response).count("Volunteer 0") == count


def test_the_volunteer_list_filters_by_status_and_answer_and_pages(
    client: Client, staff: User
) -> None:
    assembly = make_pool(volunteers=60)
    Volunteer.objects.filter(assembly=assembly, name="Volunteer 001").update(status="selected")
    older = FeatureCategory.objects.get(feature__assembly=assembly, key="older")
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-volunteers", kwargs={"pk": assembly.pk})

    page = _text(client.get(url))
    assert "60 volunteers" in page and "Volunteer 050" in page and "Volunteer 051" not in page
    assert "Volunteer 051" in _text(client.get(url, {"page": 2}))
    selected = _text(client.get(url, {"status": "selected"}))
    assert ">1 volunteer<" in selected and "Volunteer 001" in selected
    by_answer = _text(client.get(url, {"category": older.pk}))
    assert f"{older.volunteers.count()} volunteers" in by_answer
    assert "Sex: Female" in by_answer or "Sex: Male" in by_answer


@pytest.mark.parametrize("count", [1, 5])
def test_the_staff_assembly_list_takes_the_same_queries_at_any_size(
    client: Client, staff: User, django_assert_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        make_pool(volunteers=2)
    client.force_login(staff)
    # Session, user, roles, the MFA check (asked once a request), the assemblies with counts.
    with django_assert_num_queries(5):
        response = client.get(reverse("engagement-staff:assembly-list"))
    assert response.status_code == 200


# --- The draw's page ------------------------------------------------------------------------


def test_a_running_draw_shows_its_progress_and_updates_itself_unless_asked_not_to(
    client: Client, staff: User
) -> None:
    assembly = make_pool(volunteers=4, status=Assembly.Status.SELECTING)
    run = SelectionRun.objects.create(
        assembly=assembly,
        seed=42,
        algorithm="maximin",
        status=SelectionRun.Status.RUNNING,
        progress=45,
        message="Finding possible panels that meet the quotas: round 12 of 30",
    )
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-run", kwargs={"pk": assembly.pk, "run_pk": run.pk})

    page = _text(client.get(url))
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "This page updates every 5 seconds while the draw runs." in page
    assert "Stop updating this page" in page and "Refresh now" in page
    assert "45% complete" in page
    assert "round 12 of 30" in page
    still = _text(client.get(url, {"refresh": "off"}))
    assert 'http-equiv="refresh"' not in still and "Refresh now" in still


def test_staff_run_a_draw_from_its_page_with_a_seed_to_replay(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(services, "_queue_draw", queued.append)
    assembly = make_pool(volunteers=4)
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-run-create", kwargs={"pk": assembly.pk})
    assert "Running the draw closes registration." in _text(client.get(url))
    bad = client.post(url, {"seed": "0"})
    assert "The seed must be 1 or more" in _text(bad)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"seed": "184467"})
    run = SelectionRun.objects.get(assembly=assembly)
    assert response["Location"].endswith(f"/draws/{run.pk}/")
    assert (run.seed, run.status, run.requested_by) == (184467, "queued", staff)
    assert queued == [run.pk]  # after commit, by id
    assert Assembly.objects.get(pk=assembly.pk).status == Assembly.Status.SELECTING


# --- Recommendations and the council's response -----------------------------------------------


def test_staff_record_recommendations_and_respond_with_existing_actions(
    client: Client, staff: User
) -> None:
    assembly = AssemblyFactory(status=Assembly.Status.MEETING)
    action = ActionFactory(reference="FT-201", title="Warm spaces in every ward")
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-recommendations", kwargs={"pk": assembly.pk})
    client.post(url, {"number": "1", "title": "Warm buses", "text": "Run buses.", "support": "87"})
    duplicate = client.post(url, {"number": "1", "title": "Again", "text": "Again."})
    assert "There is already a recommendation 1" in _text(duplicate)
    recommendation = Recommendation.objects.get(assembly=assembly)
    respond = reverse(
        "engagement-staff:assembly-recommendation-respond",
        kwargs={"pk": assembly.pk, "rec_pk": recommendation.pk},
    )
    refused = client.post(
        respond, {"response": "rejected", "reason": "Too costly.", "actions": [action.pk]}
    )
    assert "Link actions only to a recommendation accepted, or accepted in part" in _text(refused)

    client.post(
        respond,
        {"response": "accepted-in-part", "reason": "In the winter.", "actions": [action.pk]},
    )
    recommendation.refresh_from_db()
    assert recommendation.response == Decision.ACCEPTED_IN_PART
    assert list(recommendation.actions.all()) == [action]
    assert "FT-201: Warm spaces in every ward" in _text(client.get(url))


def test_staff_create_a_taskforce_action_for_an_accepted_recommendation(
    client: Client, staff: User
) -> None:
    assembly = AssemblyFactory(status=Assembly.Status.MEETING)
    outcome = OutcomeFactory()
    recommendation = services.recommendation_add(
        assembly=assembly, by=staff, number=1, title="Warm buses", text="Run buses.", support=None
    )
    services.recommendation_respond(
        recommendation=recommendation, by=staff, response=Decision.ACCEPTED, reason="Yes."
    )
    client.force_login(staff)
    url = reverse(
        "engagement-staff:assembly-recommendation-action",
        kwargs={"pk": assembly.pk, "rec_pk": recommendation.pk},
    )
    bad = client.post(url, {"title": "", "summary": "Buses", "outcomes": []})
    assert "Enter a title for the action" in _text(bad) and "Select at least one outcome" in _text(
        bad
    )

    client.post(
        url,
        {
            "title": "Warm buses pilot",
            "summary": "Run buses to warm spaces.",
            "outcomes": [outcome.pk],
        },
    )
    action = Action.objects.get(title="Warm buses pilot")
    assert action.review == Action.Review.DRAFT and action.created_by == staff
    assert list(recommendation.actions.all()) == [action]


def test_publishing_the_response_needs_every_decision_and_tells_followers_once(
    client: Client, staff: User, resident: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = AssemblyFactory(status=Assembly.Status.MEETING)
    follower = User.objects.create_user(email="topic.follower@example.org", password="x")
    subscriptions.subscription_follow(user=resident, target=assembly)
    subscriptions.subscription_follow(user=follower, topic=kinds.ASSEMBLIES_TOPIC)
    first = services.recommendation_add(
        assembly=assembly, by=staff, number=1, title="A", text="A", support=None
    )
    services.recommendation_add(
        assembly=assembly, by=staff, number=2, title="B", text="B", support=None
    )
    services.recommendations_publish(assembly=assembly, by=staff)
    services.recommendation_respond(
        recommendation=first, by=staff, response=Decision.ACCEPTED, reason="Yes."
    )

    client.force_login(staff)
    url = reverse("engagement-staff:assembly-responses-publish", kwargs={"pk": assembly.pk})
    refused = client.post(url)
    assert "to every recommendation first. Still to do: 2." in _text(refused)

    second = Recommendation.objects.get(assembly=assembly, number=2)
    services.recommendation_respond(
        recommendation=second, by=staff, response=Decision.REJECTED, reason="No."
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # a second click
    sent = Notification.objects.filter(kind=kinds.ASSEMBLY_RESPONSE_PUBLISHED)
    assert sorted(n.user.email for n in sent) == sorted([resident.email, follower.email])  # type: ignore[union-attr]
    assert sent.first().context["accepted"] == 1  # type: ignore[union-attr]
    assert {n.status for n in sent} == {Notification.Status.SENT}
    email = next(m for m in mail.outbox if m.to == [resident.email])
    assert email.subject == f"The council has responded to {assembly.title}"
    assert "Accepted: 1. Accepted in part: 0. Not accepted: 1." in email.body
    assert Assembly.objects.get(pk=assembly.pk).status == Assembly.Status.RESPONDED
    with pytest.raises(services.AssemblyError):
        services.recommendation_respond(
            recommendation=second, by=staff, response=Decision.ACCEPTED, reason="Changed"
        )
