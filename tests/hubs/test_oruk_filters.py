"""ORUK list parameters: the paging envelope and each filter narrowing the results."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hubs.models import Service, Taxonomy, TaxonomyTerm
from luton2040.places.models import Ward
from luton2040.places.postcodes import PostcodeResult
from tests.factories import (
    LocationFactory,
    OrganisationFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

API = "/api/oruk/v3/"

pytestmark = pytest.mark.django_db


def get(client: Client, path: str, **query: Any) -> Any:
    response = client.get(API + path, query)
    assert response.status_code == 200, response.content
    return response.json()


def names(client: Client, path: str = "services", **query: Any) -> list[str]:
    data = get(client, path, **query)
    if path == "service_at_locations":
        return [item["service"]["name"] for item in data["contents"]]
    return [item["name"] for item in data["contents"]]


# --- envelope --------------------------------------------------------------------------------


def test_envelope_counts_pages(client: Client) -> None:
    for n in range(5):
        ServiceFactory(name=f"Service {n}")
    first = get(client, "services", per_page=2)
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = get(client, "services", per_page=2, page=3)
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    assert [s["name"] for s in last["contents"]] == ["Service 4"]
    beyond = get(client, "services", per_page=2, page=9)
    assert (beyond["size"], beyond["empty"], beyond["last_page"]) == (0, True, True)
    assert beyond["contents"] == []


def test_empty_result_envelope(client: Client) -> None:
    data = get(client, "services")
    assert data == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_per_page_defaults_to_fifty(client: Client) -> None:
    ServiceFactory.create_batch(51)
    data = get(client, "services")
    assert (data["size"], data["total_pages"]) == (50, 2)


# --- filters ---------------------------------------------------------------------------------


def test_search_uses_words_and_misspelt_names(client: Client) -> None:
    ServiceFactory(name="Foodbank at St Mary's", summary="Emergency food parcels.")
    ServiceFactory(name="Debt advice", summary="Help with bills.")
    assert names(client, search="parcels") == ["Foodbank at St Mary's"]
    assert names(client, search="foodbnk") == ["Foodbank at St Mary's"]
    assert names(client, "service_at_locations", search="parcels") == []


def test_taxonomy_term_and_taxonomy_filters(client: Client) -> None:
    food = ServiceFactory(name="Pantry")
    warm = ServiceFactory(name="Warm room")
    ServiceFactory(name="Untagged")
    tag(food, "programme", "food-first")
    tag(warm, "category", "warm-spaces")
    term = TaxonomyTerm.objects.get(taxonomy__kind="programme", slug="food-first")
    assert names(client, taxonomy_term_id=str(term.uuid)) == ["Pantry"]
    programme = Taxonomy.objects.get(kind="programme")
    assert names(client, taxonomy_id=str(programme.uuid)) == ["Pantry"]
    category = Taxonomy.objects.get(kind="category")
    assert names(client, taxonomy_id=str(category.uuid)) == ["Warm room"]
    # Cumulative: both filters must hold.
    assert names(client, taxonomy_id=str(category.uuid), taxonomy_term_id=str(term.uuid)) == []


def test_organization_filter(client: Client) -> None:
    org = OrganisationFactory()
    ServiceFactory(name="Ours", organisation=org)
    ServiceFactory(name="Theirs")
    assert names(client, organization_id=str(org.uuid)) == ["Ours"]


def test_modified_after(client: Client) -> None:
    old = ServiceFactory(name="Old")
    Service.objects.filter(pk=old.pk).update(last_modified=timezone.now() - dt.timedelta(days=30))
    ServiceFactory(name="New")
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert names(client, modified_after=since) == ["New"]
    assert names(client, modified_after="2000-01-01") == ["New", "Old"]
    minimal = get(client, "services", minimal="true", modified_after=since)
    assert len(minimal["contents"]) == 1


def test_ages_are_read_as_an_overlap(client: Client) -> None:
    ServiceFactory(name="Young people", minimum_age=11, maximum_age=25)
    ServiceFactory(name="Over 60s", minimum_age=60)
    ServiceFactory(name="Anyone")
    assert names(client, minimum_age=18, maximum_age=30) == ["Anyone", "Young people"]
    assert names(client, minimum_age=65) == ["Anyone", "Over 60s"]
    assert names(client, maximum_age=10) == ["Anyone"]


def test_day_and_time_filters(client: Client) -> None:
    ScheduleFactory(service_at_location__service__name="Monday morning", byday="MO")
    ScheduleFactory(
        service_at_location__service__name="Thursday evening",
        byday="TH",
        opens_at=dt.time(18, 0),
        closes_at=dt.time(20, 0),
    )
    ServiceFactory(name="No times")
    assert names(client, day="MO") == ["Monday morning"]
    assert names(client, day="MO,TH") == ["Monday morning", "Thursday evening"]
    assert names(client, day="th") == ["Thursday evening"]
    assert names(client, start_time="17:00") == ["Thursday evening"]
    assert names(client, end_time="12:00") == ["Monday morning"]
    assert names(client, day="MO", start_time="17:00") == []
    assert names(client, "service_at_locations", day="TH") == ["Thursday evening"]


def _lookup_with_ward(ward: Ward | None, *, in_luton: bool = True):  # type: ignore[no-untyped-def]
    def lookup(text: str) -> PostcodeResult:
        return PostcodeResult(
            postcode=text,
            district=text.split()[0],
            latitude=51.8787,
            longitude=-0.4200,
            ward=ward,
            precision="postcode",
            in_luton=in_luton,
        )

    return lookup


def test_postcode_alone_keeps_services_whose_area_covers_its_ward(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    ward, other = Ward.objects.order_by("name")[:2]
    ServiceAreaFactory(service__name="In my ward", ward=ward)
    ServiceAreaFactory(service__name="Other ward", ward=other)
    ServiceAreaFactory(service__name="Whole town")
    ServiceFactory(name="No area")
    monkeypatch.setattr("luton2040.places.postcodes.lookup_postcode", _lookup_with_ward(ward))
    assert sorted(names(client, postcode="LU1 2BQ")) == ["In my ward", "No area", "Whole town"]
    monkeypatch.setattr(
        "luton2040.places.postcodes.lookup_postcode", _lookup_with_ward(None, in_luton=False)
    )
    assert names(client, postcode="LU7 1AA") == ["No area"]


def test_postcode_with_proximity_keeps_near_places_nearest_first(client: Client) -> None:
    # Offline lookup: LU1 is at 51.879977, -0.422926.
    far = LocationFactory(latitude=51.95, longitude=-0.30)  # about 11 km away
    near = LocationFactory(latitude=51.8810, longitude=-0.4230)  # about 110 m
    nearish = LocationFactory(latitude=51.8870, longitude=-0.4230)  # about 780 m
    ServiceAtLocationFactory(service__name="Far", location=far)
    ServiceAtLocationFactory(service__name="Near", location=near)
    ServiceAtLocationFactory(service__name="Nearish", location=nearish)
    assert names(client, postcode="lu1 2bq", proximity=1000) == ["Near", "Nearish"]
    data = get(client, "service_at_locations", postcode="LU1 2BQ", proximity=1000)
    assert [item["service"]["name"] for item in data["contents"]] == ["Near", "Nearish"]
    assert 50 < data["contents"][0]["distance"] < 200
    assert names(client, postcode="LU1 2BQ", proximity=50000) == ["Near", "Nearish", "Far"]


def test_taxonomy_term_filters(client: Client) -> None:
    category = Taxonomy.objects.get(kind="category")
    food = TaxonomyTerm.objects.get(taxonomy=category, slug="food")
    child = TaxonomyTerm.objects.create(
        taxonomy=category, parent=food, slug="pantries", name="Pantries", description="Pantries"
    )
    assert names(client, "taxonomy_terms", parent_id=str(food.uuid)) == ["Pantries"]
    top = names(client, "taxonomy_terms", taxonomy_id=str(category.uuid), top_only="true")
    assert "Food" in top and "Pantries" not in top
    all_category = names(client, "taxonomy_terms", taxonomy_id=str(category.uuid), per_page=200)
    assert len(all_category) == category.terms.count()
    # Names and descriptions are searched: "Food" describes itself with "pantries".
    assert names(client, "taxonomy_terms", search="pantries") == ["Food", "Pantries"]
    data = get(client, f"taxonomy_terms/{child.uuid}")
    assert data["parent_id"] == str(food.uuid)


def test_organisation_and_taxonomy_search(client: Client) -> None:
    OrganisationFactory(name="Luton Foodbank")
    OrganisationFactory(name="Age Concern")
    assert names(client, "organizations", search="foodbank") == ["Luton Foodbank"]
    assert names(client, "taxonomies", search="programme") == ["Luton 2040 town-wide programmes"]
