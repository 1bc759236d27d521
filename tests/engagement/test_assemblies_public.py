"""Residents' pages: the list of assemblies, an assembly's page (how members are chosen, the
make-up of the members against Luton with no names, recommendations and the council's
response), and registering interest without an account."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Assembly, Decision, FeatureCategory, Volunteer
from engagement.services import assemblies as services
from luton2040.accounts.models import User

from ..factories import ActionFactory, AssemblyFactory
from .test_assemblies_support import make_pool, run_draw

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _register_data(assembly: Assembly, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Amira Khan",
        "email": "Amira.Khan@example.org",
        "phone": "07700 900 982",
        "postcode": "lu1 2bq",
    }
    for feature in assembly.features.all():
        data[f"answer-{feature.key}"] = str(feature.categories.order_by("position").first().pk)
    data.update(overrides)
    return data


# --- The list and the page -------------------------------------------------------------------


def test_the_list_shows_published_assemblies_only(client: Client) -> None:
    AssemblyFactory(title="Cost of living assembly")
    AssemblyFactory(title="A draft nobody may see yet", status=Assembly.Status.DRAFT)
    page = _text(client.get(reverse("engagement:assembly-list")))
    assert "Cost of living assembly" in page
    assert "A draft nobody may see yet" not in page


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_takes_the_same_queries_however_many_assemblies(
    client: Client, django_assert_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        assembly = AssemblyFactory()
        Volunteer.objects.create(
            assembly=assembly,
            name="A",
            email="a@example.org",
            postcode="LU1 2BQ",
            status="selected",
        )
    # One: the assemblies with their member counts.
    with django_assert_num_queries(1):
        response = client.get(reverse("engagement:assembly-list"))
    assert response.status_code == 200


def test_a_draft_is_not_found_except_by_staff_as_a_preview(
    client: Client, resident: User, staff: User
) -> None:
    draft = AssemblyFactory(status=Assembly.Status.DRAFT)
    url = reverse("engagement:assembly", kwargs={"slug": draft.slug})
    assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("engagement:assembly-register", kwargs={"slug": draft.slug})).status_code
        == 404
    )
    client.force_login(staff)
    assert "This is a preview of a draft" in _text(client.get(url))


def test_the_page_explains_how_members_are_chosen_and_how_to_take_part(client: Client) -> None:
    assembly = make_pool(volunteers=0, title="Cost of living assembly")
    page = _text(client.get(assembly.get_absolute_url()))
    assert "How members are chosen" in page
    assert "chosen by lot" in page
    assert "2021 Census" in page
    assert "we publish its seed" in page
    assert "Sex" in page and "Age" in page  # the features it is balanced on
    assert reverse("engagement:assembly-register", kwargs={"slug": assembly.slug}) in page


def test_after_the_draw_the_page_shows_the_make_up_and_the_seed_but_no_names(
    client: Client, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    assembly = make_pool()
    FeatureCategory.objects.filter(feature__assembly=assembly, key="female").update(
        population_share="49.9"
    )
    run = run_draw(assembly, by=staff, capture=django_capture_on_commit_callbacks)
    services.selection_run_confirm(run=run, by=staff)

    response = client.get(assembly.get_absolute_url())
    page = _text(response)
    assert (
        f"{len(run.result['selected'])} members were chosen from 30 people who registered" in page
    )
    assert "Sex: the members compared with Luton" in page
    assert "49.9%" in page
    assert str(run.seed) in page and run.pool_digest in page
    listing = _text(client.get(reverse("engagement:assembly-list")))
    for volunteer in Volunteer.objects.filter(assembly=assembly):
        assert volunteer.name not in page and volunteer.email not in page
        assert volunteer.name not in listing


def test_recommendations_show_the_councils_response_and_public_actions_only_once_published(
    client: Client, staff: User
) -> None:
    assembly = AssemblyFactory(status=Assembly.Status.MEETING)
    public = ActionFactory(title="Free bus travel to warm spaces", progress=40)
    draft = ActionFactory(title="A draft action", review="draft", published_at=None)
    recommendation = services.recommendation_add(
        assembly=assembly,
        by=staff,
        number=1,
        title="Warm buses",
        text="Run buses to warm spaces.",
        support=87,
    )
    assert "Warm buses" not in _text(client.get(assembly.get_absolute_url()))

    services.recommendations_publish(assembly=assembly, by=staff)
    services.recommendation_respond(
        recommendation=recommendation,
        by=staff,
        response=Decision.ACCEPTED,
        reason="It helps people who cannot heat their homes.",
        actions=[public, draft],
    )
    page = _text(client.get(assembly.get_absolute_url()))
    assert "Warm buses" in page and "87% of members supported" in page
    assert "It helps people who cannot heat their homes." not in page  # not yet published

    services.responses_publish(assembly=assembly, by=staff)
    page = _text(client.get(assembly.get_absolute_url()))
    assert "The council's response" in page and "Accepted" in page
    assert "It helps people who cannot heat their homes." in page
    assert reverse("taskforce:action-detail", kwargs={"reference": public.reference}) in page
    assert "Free bus travel to warm spaces" in page and "40% complete" in page
    assert "A draft action" not in page


# --- Registering interest ---------------------------------------------------------------------


def test_a_resident_registers_without_an_account(client: Client) -> None:
    assembly = make_pool(volunteers=0)
    url = reverse("engagement:assembly-register", kwargs={"slug": assembly.slug})
    page = _text(client.get(url))
    assert "What we keep and for how long" in page
    # The periods the retention job applies (settings.RETENTION_DAYS or the rules' defaults).
    assert "we delete your name and contact details 90 days after the draw" in page
    assert "we delete your details 365 days after the assembly's last session." in page

    response = client.post(url, _register_data(assembly))
    assert response["Location"] == reverse(
        "engagement:assembly-registered", kwargs={"slug": assembly.slug}
    )
    volunteer = Volunteer.objects.get(assembly=assembly)
    assert (volunteer.name, volunteer.email, volunteer.postcode) == (
        "Amira Khan",
        "amira.khan@example.org",
        "LU1 2BQ",
    )
    assert volunteer.user is None
    assert sorted(volunteer.categories.values_list("feature__key", flat=True)) == ["age", "sex"]
    assert "We will email you whether you were chosen" in _text(client.get(response["Location"]))


def test_a_signed_in_resident_is_linked_to_their_registration(
    client: Client, resident: User
) -> None:
    assembly = make_pool(volunteers=0)
    client.force_login(resident)
    url = reverse("engagement:assembly-register", kwargs={"slug": assembly.slug})
    assert resident.email in _text(client.get(url))
    client.post(url, _register_data(assembly, email=resident.email))
    assert Volunteer.objects.get(assembly=assembly).user == resident


def test_registration_mistakes_are_explained_and_what_was_typed_is_kept(client: Client) -> None:
    assembly = make_pool(volunteers=0)
    url = reverse("engagement:assembly-register", kwargs={"slug": assembly.slug})
    data = _register_data(assembly, name="", email="amira@", phone="12", postcode="SG1 1AA")
    del data["answer-age"]
    response = client.post(url, data)
    page = _text(response)

    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter your full name" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "Enter a phone number, like 01582 546000 or 07700 900 982" in page
    assert "Enter a Luton postcode, like LU1 2BQ" in page
    assert "Select an answer about age" in page
    assert 'value="amira@"' in page and 'value="SG1 1AA"' in page
    sex = assembly.features.get(key="sex").categories.order_by("position").first()
    assert f'value="{sex.pk}" checked' in page
    assert not Volunteer.objects.exists()


def test_a_bot_filling_the_hidden_box_is_thanked_and_nothing_is_kept(client: Client) -> None:
    assembly = make_pool(volunteers=0)
    url = reverse("engagement:assembly-register", kwargs={"slug": assembly.slug})
    response = client.post(url, _register_data(assembly, website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists()


def test_registering_twice_with_the_same_address_gets_a_friendly_message(client: Client) -> None:
    assembly = make_pool(volunteers=0)
    url = reverse("engagement:assembly-register", kwargs={"slug": assembly.slug})
    client.post(url, _register_data(assembly))
    again = client.post(url, _register_data(assembly, email="AMIRA.KHAN@example.org"))
    assert again.status_code == 200
    assert "You have already registered for this assembly with this email address." in _text(again)
    assert Volunteer.objects.filter(assembly=assembly).count() == 1


def test_registration_closes_on_its_date_and_when_the_draw_starts(client: Client) -> None:
    assembly = make_pool(
        volunteers=0, recruitment_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    url = reverse("engagement:assembly-register", kwargs={"slug": assembly.slug})
    assert "Registration has closed" in _text(client.get(url))
    response = client.post(url, _register_data(assembly))
    assert response.status_code == 410
    assert not Volunteer.objects.exists()
    assert "Registration closed on" in _text(client.get(assembly.get_absolute_url()))

    selecting = make_pool(volunteers=0, status=Assembly.Status.SELECTING)
    page = _text(
        client.get(reverse("engagement:assembly-register", kwargs={"slug": selecting.slug}))
    )
    assert "Registration has closed" in page
