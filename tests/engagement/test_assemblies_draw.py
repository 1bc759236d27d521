"""The draw by lot: quotas met, replayable by seed, explained when impossible, run once however
often its task is delivered, and confirmed with one message to each volunteer."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from engagement import kinds
from engagement.models import Assembly, AssemblySession, FeatureCategory, SelectionRun, Volunteer
from engagement.services import assemblies as services
from engagement.tasks_assemblies import run_selection
from luton2040.accounts.models import User
from luton2040.notifications.models import Notification

from ..factories import UserFactory, VolunteerFactory
from .test_assemblies_support import POOL, RESERVES, SEATS, make_pool, run_draw, selected_answers

SMALL_AGE = [("younger", 1, 3), ("middle", 1, 3), ("older", 1, 2)]


def _text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def test_the_draw_meets_every_quota_and_records_how(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)

    assert run.status == SelectionRun.Status.DONE, run.message
    assert run.progress == 100 and run.finished_at is not None
    assert len(run.result["selected"]) == SEATS and len(run.result["reserves"]) == RESERVES
    assert not set(run.result["selected"]) & set(run.result["reserves"])
    members = selected_answers(run)
    for category in FeatureCategory.objects.filter(feature__assembly=assembly).select_related(
        "feature"
    ):
        held = sum((category.feature.key, category.key) in answers for answers in members)
        assert category.min_seats <= held <= category.max_seats, category
    # The table staff see agrees with the database.
    table = {(row["feature"], row["category"]): row["selected"] for row in run.result["quotas"]}
    assert sum(table[key] for key in table if key[0] == "sex") == SEATS
    # Each volunteer's chance, from the library's distribution: they add up to the seats.
    assert len(run.result["probabilities"]) == POOL
    assert sum(run.result["probabilities"].values()) == pytest.approx(SEATS, abs=0.01)
    assert run.pool_digest == run.result["digest"]
    # Running a draw closes registration.
    assert Assembly.objects.get(pk=assembly.pk).status == Assembly.Status.SELECTING


def test_the_same_seed_and_pool_choose_the_same_people_and_the_page_says_so(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    first = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    replay = run_draw(
        assembly, by=staff, capture=django_capture_on_commit_callbacks, seed=first.seed
    )

    assert replay.result["selected"] == first.result["selected"]
    assert replay.result["reserves"] == first.result["reserves"]
    assert replay.pool_digest == first.pool_digest
    client.force_login(staff)
    page = _text(
        client.get(
            reverse(
                "engagement-staff:assembly-run", kwargs={"pk": assembly.pk, "run_pk": replay.pk}
            )
        )
    )
    assert (
        f"This replays draw {first.pk} with the same seed, volunteers and quotas, and chose the "
        "same members." in page
    )


def test_a_different_seed_can_choose_different_people(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    first, second = (
        run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks, seed=seed)
        for seed in (11, 12)
    )
    assert first.pool_digest == second.pool_digest
    assert first.result["selected"] != second.result["selected"]


def test_a_replay_after_the_pool_changed_is_flagged_and_cannot_be_confirmed(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    first = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    late = VolunteerFactory(assembly=assembly, name="Late Registrant")
    late.categories.set(
        [
            FeatureCategory.objects.get(feature__assembly=assembly, key="female"),
            FeatureCategory.objects.get(feature__assembly=assembly, key="older"),
        ]
    )

    with pytest.raises(services.AssemblyError, match="changed since this draw"):
        services.selection_run_confirm(run=first, by=staff)
    replay = run_draw(
        assembly, by=staff, capture=django_capture_on_commit_callbacks, seed=first.seed
    )
    assert replay.pool_digest != first.pool_digest
    client.force_login(staff)
    page = _text(
        client.get(
            reverse(
                "engagement-staff:assembly-run", kwargs={"pk": assembly.pk, "run_pk": replay.pk}
            )
        )
    )
    assert "the volunteers or quotas have changed since, so it cannot reproduce that draw" in page


def test_too_few_volunteers_for_a_minimum_names_the_category_and_the_numbers(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    answers = [{"sex": "female", "age": "younger"}] * 14 + [{"sex": "male", "age": "older"}] * 2
    answers += [{"sex": "male", "age": "middle"}] * 14
    assembly = make_pool(
        answers=answers,
        features={
            "sex": [("female", 2, 4), ("male", 2, 4)],
            "age": [("younger", 1, 3), ("middle", 1, 3), ("older", 3, 4)],
        },
    )
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)

    assert run.status == SelectionRun.Status.INFEASIBLE
    assert (
        "Age, Older: the quota needs at least 3 members, but only 2 volunteers gave this answer"
        in run.message
    )
    client.force_login(staff)
    page = _text(
        client.get(
            reverse("engagement-staff:assembly-run", kwargs={"pk": assembly.pk, "run_pk": run.pk})
        )
    )
    assert "The quotas cannot be met" in page
    assert (
        "Lower the fewest seats to 2 or fewer, or recruit more volunteers who gave this answer."
        in page
    )
    # The quota table still shows the pool, to help staff fix the quotas.
    assert "Volunteers in pool" in page


def test_quotas_that_clash_through_the_volunteers_are_explained_by_the_librarys_relaxation(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Every woman is young: at least 4 women but at most 2 young people cannot both hold.
    answers = [{"sex": "female", "age": "younger"}] * 10 + [{"sex": "male", "age": "middle"}] * 10
    answers += [{"sex": "male", "age": "older"}] * 10
    assembly = make_pool(
        answers=answers,
        features={
            "sex": [("female", 4, 5), ("male", 1, 5)],
            "age": [("younger", 1, 2), ("middle", 1, 4), ("older", 1, 4)],
        },
    )
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)

    assert run.status == SelectionRun.Status.INFEASIBLE
    kinds_found = {issue["kind"] for issue in run.result["issues"]}
    assert kinds_found <= {"relax-min", "relax-max"} and kinds_found
    named = {(issue["feature"], issue["category"]) for issue in run.result["issues"]}
    assert named & {("sex", "female"), ("age", "younger")}
    assert "The smallest change that would work" in run.message
    assert "Sex, Female" in run.message or "Age, Younger" in run.message


def test_quotas_that_cannot_add_up_to_the_seats_name_the_characteristic(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool(
        features={"sex": [("female", 0, 2), ("male", 0, 2)], "age": SMALL_AGE},
    )
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)

    assert run.status == SelectionRun.Status.INFEASIBLE
    assert (
        "Sex: the most seats for its answers add up to only 4, fewer than the 6 members"
        in run.message
    )


def test_the_task_run_twice_draws_once_and_tells_staff_once(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    result, finished_at = run.result, run.finished_at

    with django_capture_on_commit_callbacks(execute=True):
        assert run_selection(run.pk) == "already-claimed"
    run.refresh_from_db()
    assert run.result == result and run.finished_at == finished_at
    finished = Notification.objects.filter(kind=kinds.ASSEMBLY_DRAW_FINISHED)
    assert [n.user for n in finished] == [staff]
    assert finished.get().context["url"].endswith(f"/draws/{run.pk}/")
    assert finished.get().status == Notification.Status.SENT  # its email rendered and went
    email = next(m for m in mail.outbox if m.to == [staff.email])
    assert email.subject == f"Draw finished for {assembly.title}: Done"
    assert "Check the result, then confirm it to tell the volunteers" in email.body


def test_one_draw_at_a_time(staff: User) -> None:
    assembly = make_pool()
    services.selection_run_request(assembly=assembly, by=staff)  # queued, not yet run
    with pytest.raises(services.AssemblyError, match="already running"):
        services.selection_run_request(assembly=assembly, by=staff)


def test_confirming_tells_each_volunteer_once_and_records_their_result(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    AssemblySession.objects.create(
        assembly=assembly,
        title="Session 1: learning",
        starts_at="2027-03-06T10:00:00Z",
        ends_at="2027-03-06T16:00:00Z",
        place="Luton Central Library",
    )
    account = UserFactory(email="volunteer001@example.org")
    Volunteer.objects.filter(assembly=assembly, email=account.email).update(user=account)
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.selection_run_confirm(run=run, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.selection_run_confirm(run=run, by=staff)  # a second click

    volunteers = Volunteer.objects.filter(assembly=assembly)
    statuses = Counter(volunteers.values_list("status", flat=True))
    assert statuses == {
        "selected": SEATS,
        "reserve": RESERVES,
        "not-selected": POOL - SEATS - RESERVES,
    }
    assert (
        list(
            volunteers.filter(status="reserve")
            .order_by("reserve_rank")
            .values_list("pk", flat=True)
        )
        == run.result["reserves"]
    )
    assert not volunteers.filter(selection_probability__isnull=True).exists()
    messages = Notification.objects.filter(kind=kinds.ASSEMBLY_DRAW_RESULT)
    assert messages.count() == POOL
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        volunteers.values_list("email", flat=True)
    )
    # The volunteer with an account is written to through it.
    assert messages.filter(user=account).count() == 1
    member = volunteers.filter(status="selected").first()
    assert member is not None
    email = next(m for m in mail.outbox if m.to == [member.email])
    assert email.subject == f"You have been selected for {assembly.title}"
    assert "Session 1: learning" in email.body and "Luton Central Library" in email.body
    not_chosen = next(
        m for m in mail.outbox if m.to == [volunteers.filter(status="not-selected").first().email]
    )
    assert "You were not chosen this time" in not_chosen.body
    assert Assembly.objects.get(pk=assembly.pk).status == Assembly.Status.MEETING


def test_only_one_finished_draw_can_be_confirmed(
    staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    first = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    failed = SelectionRun.objects.create(
        assembly=assembly, seed=5, algorithm="maximin", status=SelectionRun.Status.FAILED
    )
    with pytest.raises(services.AssemblyError, match="finished with members"):
        services.selection_run_confirm(run=failed, by=staff)
    # Another finished draw of the same pool, made to look like the first.
    second = SelectionRun.objects.create(
        assembly=assembly,
        seed=first.seed,
        algorithm=first.algorithm,
        status=SelectionRun.Status.DONE,
        pool_digest=first.pool_digest,
        result=first.result,
    )
    services.selection_run_confirm(run=first, by=staff)
    with pytest.raises(services.AssemblyError, match="already been confirmed"):
        services.selection_run_confirm(run=second, by=staff)
    assert SelectionRun.objects.filter(assembly=assembly, confirmed=True).get() == first
