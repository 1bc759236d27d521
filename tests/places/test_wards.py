"""Wards: loaded by migration in every environment, read through selectors, edited by staff."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client

from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward
from luton2040.places.selectors import ward_get, ward_list, ward_match

WARDS_2023 = [
    "Barnfield",
    "Beech Hill",
    "Biscot",
    "Challney",
    "Crawley",
    "Dallow",
    "Farley",
    "High Town",
    "Icknield",
    "Leagrave",
    "Lewsey",
    "Limbury",
    "Northwell",
    "Poets",
    "Round Green",
    "Saints",
    "South",
    "Stopsley",
    "Sundon Park",
    "Wigmore",
]

load_wards_migration = importlib.import_module("luton2040.places.migrations.0002_load_wards")


def test_migration_loads_the_twenty_wards_of_2023(db: None) -> None:
    assert list(Ward.objects.order_by("name").values_list("name", flat=True)) == WARDS_2023
    assert Ward.objects.filter(name="Poets", slug="poets").exists()
    # Renamed at the 2023 review: they must not come back.
    assert not Ward.objects.filter(name__in=["Bury Park", "Wardown"]).exists()


def test_ward_codes_and_centres_are_left_blank_rather_than_guessed(db: None) -> None:
    assert set(Ward.objects.values_list("gss_code", flat=True)) == {""}
    assert not Ward.objects.filter(latitude__isnull=False).exists()


def test_loading_twice_changes_nothing_and_keeps_staff_edits(db: None) -> None:
    Ward.objects.filter(slug="poets").update(gss_code="E05999999", latitude=51.9)
    Ward.objects.filter(slug="south").delete()

    load_wards_migration.load_wards(apps, None)
    load_wards_migration.load_wards(apps, None)

    assert Ward.objects.count() == 20
    assert Ward.objects.filter(slug="south", name="South").exists()
    poets = Ward.objects.get(slug="poets")
    assert (poets.gss_code, poets.latitude) == ("E05999999", 51.9)


def test_ward_list_is_ordered_by_name(db: None) -> None:
    Ward.objects.create(name="Aardvark Test Ward", slug="aardvark-test-ward")
    names = [ward.name for ward in ward_list()]
    assert names[0] == "Aardvark Test Ward"
    assert names[1:] == WARDS_2023


def test_ward_get_by_slug(db: None) -> None:
    ward = ward_get("round-green")
    assert ward is not None and ward.name == "Round Green"
    assert ward_get("bury-park") is None


def test_ward_match_by_name_ignores_case_and_prefers_the_ons_code(db: None) -> None:
    assert ward_match(name="  beech HILL ") == Ward.objects.get(slug="beech-hill")
    assert ward_match(name="") is None
    assert ward_match(name="Wardown") is None
    Ward.objects.filter(slug="biscot").update(gss_code="E05999998")
    assert ward_match(name="Dallow", gss_code="E05999998") == Ward.objects.get(slug="biscot")
    # An unknown code still finds the ward by its name.
    assert ward_match(name="Dallow", gss_code="E05000000") == Ward.objects.get(slug="dallow")


# --- Staff edit wards in the admin ---------------------------------------------------------


def test_staff_see_and_search_wards_in_the_admin(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.get("/admin/places/ward/", {"q": "hill"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [Ward.objects.get(slug="beech-hill")]


def test_staff_edit_a_ward_and_the_change_is_audited(client: Client, staff: User) -> None:
    poets = Ward.objects.get(slug="poets")
    client.force_login(staff)
    response = client.post(
        f"/admin/places/ward/{poets.pk}/change/",
        {
            "name": "Poets",
            "slug": "poets",
            "gss_code": "E05999997",
            "latitude": "51.9",
            "longitude": "-0.42",
        },
    )
    assert response.status_code == 302
    poets.refresh_from_db()
    assert poets.gss_code == "E05999997"
    assert AuditEvent.objects.filter(
        verb="ward.changed_in_admin", object_id=str(poets.pk), actor=staff
    ).exists()


def test_staff_may_not_delete_wards(client: Client, staff: User) -> None:
    poets = Ward.objects.get(slug="poets")
    client.force_login(staff)
    response = client.post(f"/admin/places/ward/{poets.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Ward.objects.filter(pk=poets.pk).exists()


def test_staff_without_two_factor_are_sent_to_set_it_up(
    client: Client, staff_without_mfa: User
) -> None:
    client.force_login(staff_without_mfa)
    response = client.get("/admin/places/ward/")
    assert response.status_code == 302
    assert "/totp/" in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_people_who_are_not_staff_cannot_reach_the_ward_admin(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/places/ward/")
    assert response.status_code == 302
    assert "login" in response["Location"]
