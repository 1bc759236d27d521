"""Every ORUK endpoint costs a fixed number of queries: the same for one record or many, and
for records with one child of each kind or several."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from hubs.models import Organisation, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

from .test_oruk_api import build_full_service

API = "/api/oruk/v3/"

pytestmark = pytest.mark.django_db


LISTS = [
    ("services", {}),
    ("services", {"full": "true"}),
    ("services", {"minimal": "true"}),
    ("services", {"search": "pantry", "day": "MO", "postcode": "LU1 2BQ", "proximity": "5000"}),
    ("service_at_locations", {}),
    ("service_at_locations", {"full": "true"}),
    ("service_at_locations", {"postcode": "LU1 2BQ", "proximity": "50000", "full": "true"}),
    ("organizations", {}),
    ("organizations", {"full": "true"}),
    ("organizations", {"full_service": "true"}),
    ("taxonomies", {"full": "true"}),
    ("taxonomy_terms", {}),
]

# Fixed budgets (asserted exactly, so a new N+1 or a dropped prefetch both show up).
EXPECTED = {
    ("services", ""): 2,
    ("services", "full"): 24,
    ("services", "minimal"): 2,
    ("services", "search"): 2,
    ("service_at_locations", ""): 2,
    ("service_at_locations", "full"): 29,
    ("service_at_locations", "postcode"): 29,
    ("organizations", ""): 2,
    ("organizations", "full"): 5,
    ("organizations", "full_service"): 27,
    ("taxonomies", "full"): 3,
    ("taxonomy_terms", ""): 2,
}


@pytest.mark.parametrize("path,query", LISTS)
def test_list_query_count_does_not_grow_with_page_size(
    client: Client,
    django_assert_num_queries: Callable,
    path: str,
    query: dict,  # type: ignore[type-arg]
) -> None:
    key = (path, next(iter(query), ""))
    build_full_service(name="Pantry one", children=1)
    with django_assert_num_queries(EXPECTED[key]):
        assert client.get(API + path, query).status_code == 200
    for n in range(4):
        build_full_service(name=f"Pantry more {n}", children=3)
    TaxonomyTerm.objects.create(
        taxonomy=Taxonomy.objects.get(kind="category"), slug="extra", name="Extra", description="x"
    )
    with django_assert_num_queries(EXPECTED[key]):
        response = client.get(API + path, query)
    assert response.status_code == 200
    assert response.json()["size"] > 1


DETAILS: list[tuple[str, Callable[[Service], object], dict[str, str], int]] = [
    ("services", lambda s: s.uuid, {}, 23),
    ("service_at_locations", lambda s: s.service_at_locations.first().uuid, {}, 28),  # type: ignore[union-attr]
    ("organizations", lambda s: s.organisation.uuid, {}, 4),
    ("organizations", lambda s: s.organisation.uuid, {"full_service": "true"}, 26),
    ("taxonomies", lambda s: Taxonomy.objects.get(kind="programme").uuid, {}, 2),
    ("taxonomy_terms", lambda s: TaxonomyTerm.objects.get(slug="food-first").uuid, {}, 1),
]


@pytest.mark.parametrize("path,pick,query,expected", DETAILS)
def test_detail_query_count_does_not_grow_with_children(
    client: Client,
    django_assert_num_queries: Callable,  # type: ignore[type-arg]
    path: str,
    pick: Callable[[Service], object],
    query: dict[str, str],
    expected: int,
) -> None:
    small = build_full_service(name="Small", children=1)
    big = build_full_service(name="Big", children=4)
    for service in (small, big):
        record_id = pick(service)
        with django_assert_num_queries(expected):
            assert client.get(f"{API}{path}/{record_id}", query).status_code == 200
    assert ServiceAtLocation.objects.filter(service=big).count() == 4
    assert Organisation.objects.count() >= 2
    assert reverse("oruk:root") == API
