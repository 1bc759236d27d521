"""The Open Referral UK v3 API: every endpoint's shape against the official schemas, what is
published, errors, CORS and caching."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from hubs.models import Schedule, Service, Taxonomy, TaxonomyTerm
from tests.factories import (
    AccessibilityFactory,
    AddressFactory,
    ContactFactory,
    CostOptionFactory,
    FundingFactory,
    LanguageFactory,
    LocationFactory,
    OrganisationFactory,
    OrganisationIdentifierFactory,
    PhoneFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

from .test_oruk_schema import assert_valid, openapi_response, page_schema, ref

API = "/api/oruk/v3/"

pytestmark = pytest.mark.django_db


def get(client: Client, path: str, **query: Any) -> Any:
    response = client.get(API + path, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def build_full_service(*, name: str = "Town Centre Pantry", children: int = 1) -> Service:
    """A published service with every kind of related record, ``children`` of each."""
    org = OrganisationFactory(description="Feeding Luton since 1990.", website="https://x.test")
    OrganisationIdentifierFactory(organisation=org)
    service = ServiceFactory(
        organisation=org,
        name=name,
        description="Food and toiletries.",
        url="https://pantry.example.org",
        email="hello@pantry.example.org",
        minimum_age=16,
        referral=Service.Referral.REFERRAL,
        who_can_refer="GPs and social workers",
        what_to_bring="A bag",
        cost=Service.Cost.PAY_AS_YOU_CAN,
    )
    tag(service, "programme", "food-first")
    tag(service, "category", "food")
    for n in range(children):
        location = LocationFactory(organisation=org, is_hub=True)
        AddressFactory(location=location)
        AccessibilityFactory(location=location)
        PhoneFactory(location=location)
        sal = ServiceAtLocationFactory(service=service, location=location)
        ScheduleFactory(service_at_location=sal, byday="MO,TH")
        ScheduleExceptionFactory(
            service_at_location=sal, starts_on=dt.date.today() + dt.timedelta(days=n + 1)
        )
        contact = ContactFactory(service=service)
        PhoneFactory(contact=contact)
        PhoneFactory(service=service)
        LanguageFactory(service=service)
        CostOptionFactory(service=service)
        FundingFactory(service=service)
        ServiceAreaFactory(service=service)
    ScheduleExceptionFactory(
        service_at_location=None,
        service=service,
        starts_on=dt.date.today() + dt.timedelta(days=3),
        closed=False,
        opens_at=dt.time(9, 0),
        closes_at=dt.time(12, 0),
        reason="Half term",
    )
    return service


@pytest.fixture
def full_service() -> Service:
    return build_full_service()


# --- root and shapes -------------------------------------------------------------------------


def test_root_names_the_version_profile_and_our_openapi_document(client: Client) -> None:
    data = get(client, "")
    assert data["version"] == "HSDS-UK-3.0"
    assert data["profile"].startswith("https://")
    assert data["openapi_url"] == "http://testserver/api/oruk/v3/openapi.json"
    assert_valid(data, openapi_response("/"))


def test_service_detail_is_a_valid_fully_nested_service(
    client: Client, full_service: Service
) -> None:
    data = get(client, f"services/{full_service.uuid}")
    assert_valid(data, openapi_response("/services/{id}"))
    assert data["id"] == str(full_service.uuid)
    assert data["status"] == "active"
    assert data["assured_date"] == dt.date.today().isoformat()
    assert data["last_modified"].endswith("Z")
    assert data["organization"]["organization_identifiers"][0]["identifier_scheme"] == "GB-CHC"
    [sal] = data["service_at_locations"]
    assert sal["location"]["addresses"][0]["postal_code"] == "LU2 0DD"
    assert sal["location"]["accessibility"][0]["description"] == "Step-free entrance"
    assert sal["location"]["phones"][0]["number"] == "01582 000000"
    assert data["contacts"][0]["phones"][0]["number"] == "01582 000000"
    assert data["languages"][0] | {"id": "x"} == {
        "id": "x",
        "service_id": str(full_service.uuid),
        "name": "Urdu",
        "code": "ur",
    }
    assert data["cost_options"][0]["amount"] == 2.5
    programme = [a for a in data["attributes"] if a["link_type"] == "programme"]
    assert programme[0]["taxonomy_term"]["name"] == "Food First"
    # Luton extras
    assert data["referral_route"] == "referral"
    assert data["who_can_refer"] == "GPs and social workers"
    assert data["what_to_bring"] == "A bag"
    assert data["cost_model"] == "pay-as-you-can"
    # No null or empty values anywhere at the top level.
    assert all(value not in (None, "") for value in data.values())


def test_schedules_carry_regular_sessions_exceptions_and_bank_holidays(
    client: Client, full_service: Service
) -> None:
    schedules = get(client, f"services/{full_service.uuid}")["schedules"]
    regular = [s for s in schedules if "exception" not in s]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in regular] == [
        ("MO,TH", "10:00", "14:00")
    ]
    assert regular[0]["timezone"] == "Europe/London"
    closed = [
        s for s in schedules if s.get("exception") == "closed" and "service_at_location_id" in s
    ]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert closed[0]["valid_from"] == closed[0]["valid_to"] == tomorrow
    assert closed[0]["description"] == "Closed"
    assert "opens_at" not in closed[0]
    special = [s for s in schedules if s.get("exception") == "special_hours"]
    assert special[0]["description"] == "Special opening hours: Half term"
    assert (special[0]["opens_at"], special[0]["closes_at"]) == ("09:00", "12:00")
    bank_holidays = [s for s in schedules if s.get("notes", "").startswith("Bank holiday")]
    assert bank_holidays, "a Monday session that shuts on bank holidays lists the coming ones"
    # Derived ids are stable between requests.
    again = get(client, f"services/{full_service.uuid}")["schedules"]
    assert [s["id"] for s in again] == [s["id"] for s in schedules]


def test_past_exceptions_are_not_published(client: Client) -> None:
    sal = ServiceAtLocationFactory()
    ScheduleExceptionFactory(service_at_location=sal, starts_on=dt.date(2020, 12, 25), reason="Old")
    schedules = get(client, f"services/{sal.service.uuid}")["schedules"]
    assert not [s for s in schedules if "Old" in s.get("description", "")]


def test_service_list_items_are_valid_and_full_nests_children(
    client: Client, full_service: Service
) -> None:
    data = get(client, "services")
    assert_valid(data, openapi_response("/services"))
    assert_valid(data, page_schema("compiled/service_list.json"))
    assert "schedules" not in data["contents"][0]
    full = get(client, "services", full="true")
    assert_valid(full, page_schema("compiled/service.json"))
    assert full["contents"][0]["service_at_locations"][0]["location"]["addresses"]


def test_minimal_lists_only_id_and_last_modified(client: Client, full_service: Service) -> None:
    data = get(client, "services", minimal="true")
    assert data["contents"] == [
        {"id": str(full_service.uuid), "last_modified": data["contents"][0]["last_modified"]}
    ]
    assert data["size"] == 1


def test_service_at_location_list_and_detail_are_valid(
    client: Client, full_service: Service
) -> None:
    data = get(client, "service_at_locations")
    assert_valid(data, openapi_response("/service_at_locations"))
    item = data["contents"][0]
    assert item["service"]["id"] == str(full_service.uuid)
    assert_valid(
        get(client, "service_at_locations", full="true"),
        page_schema("compiled/service_at_location.json"),
    )
    detail = get(client, f"service_at_locations/{item['id']}")
    # The official document says this path returns a service: a defect we fix (see the docs).
    assert_valid(detail, ref("compiled/service_at_location.json"))
    assert detail["location"]["addresses"]
    assert detail["service"]["schedules"]


def test_taxonomies_and_terms_are_valid(client: Client) -> None:
    taxonomies = get(client, "taxonomies")
    assert_valid(taxonomies, openapi_response("/taxonomies"))
    assert taxonomies["total_items"] == Taxonomy.objects.count()
    programme = Taxonomy.objects.get(kind="programme")
    detail = get(client, f"taxonomies/{programme.uuid}")
    assert_valid(detail, openapi_response("/taxonomies/{id}"))
    assert {t["name"] for t in detail["taxonomy_terms"]} == {
        "Food First",
        "Warm Spaces",
        "City of Sanctuary",
    }
    terms = get(client, "taxonomy_terms")
    assert_valid(terms, openapi_response("/taxonomy_terms"))
    term = TaxonomyTerm.objects.get(slug="food-first")
    term_data = get(client, f"taxonomy_terms/{term.uuid}")
    assert_valid(term_data, openapi_response("/taxonomy_terms/{id}"))
    assert term_data["taxonomy_id"] == str(programme.uuid)


def test_organisations_are_valid_with_their_published_services_only(
    client: Client, full_service: Service
) -> None:
    org = full_service.organisation
    ServiceFactory(organisation=org, status=Service.Status.DEFUNCT, name="Gone")
    data = get(client, "organizations")
    assert_valid(data, page_schema("compiled/organization_list.json"))
    detail = get(client, f"organizations/{org.uuid}")
    assert_valid(detail, ref("compiled/organization.json"))
    assert [s["name"] for s in detail["services"]] == ["Town Centre Pantry"]
    assert "schedules" not in detail["services"][0]
    nested = get(client, f"organizations/{org.uuid}", full_service="true")
    assert_valid(nested, ref("compiled/organization.json"))
    assert nested["services"][0]["schedules"]
    full_list = get(client, "organizations", full_service="true")
    assert_valid(full_list, page_schema("compiled/organization.json"))


# --- what is published -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,listed",
    [
        (Service.Status.ACTIVE, True),
        (Service.Status.TEMPORARILY_CLOSED, True),
        (Service.Status.INACTIVE, False),
        (Service.Status.DEFUNCT, False),
    ],
)
def test_only_listed_services_are_published(client: Client, status: str, listed: bool) -> None:
    sal = ServiceAtLocationFactory(service__status=status)
    service = sal.service
    ids = [s["id"] for s in get(client, "services")["contents"]]
    assert (str(service.uuid) in ids) is listed
    sal_ids = [s["id"] for s in get(client, "service_at_locations")["contents"]]
    assert (str(sal.uuid) in sal_ids) is listed
    expected = 200 if listed else 404
    assert client.get(f"{API}services/{service.uuid}").status_code == expected
    assert client.get(f"{API}service_at_locations/{sal.uuid}").status_code == expected
    if listed:
        assert get(client, f"services/{service.uuid}")["status"] == status


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["services", "service_at_locations", "taxonomies", "taxonomy_terms", "organizations"],
)
def test_unknown_id_is_a_json_404(client: Client, path: str) -> None:
    response = client.get(f"{API}{path}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_endpoint_is_a_json_404(client: Client) -> None:
    response = client.get(f"{API}locations")
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize(
    "path,query,parameter",
    [
        ("services", {"page": "0"}, "page"),
        ("services", {"page": "-1"}, "page"),
        ("services", {"per_page": "abc"}, "per_page"),
        ("services", {"per_page": "100000"}, "per_page"),
        ("services", {"modified_after": "garbage"}, "modified_after"),
        ("services", {"modified_after": "2025-13-45T00:00"}, "modified_after"),
        ("services", {"taxonomy_term_id": "food"}, "taxonomy_term_id"),
        ("services", {"taxonomy_id": "1"}, "taxonomy_id"),
        ("services", {"organization_id": "x"}, "organization_id"),
        ("services", {"start_time": "25:00"}, "start_time"),
        ("services", {"end_time": "9am"}, "end_time"),
        ("services", {"day": "XX"}, "day"),
        ("services", {"day": "MO,XX"}, "day"),
        ("services", {"minimum_age": "old"}, "minimum_age"),
        ("services", {"minimum_age": "30", "maximum_age": "20"}, "maximum_age"),
        ("services", {"proximity": "1000"}, "proximity"),
        ("services", {"postcode": "LU1 1AA", "proximity": "far"}, "proximity"),
        ("services", {"postcode": "not a postcode"}, "postcode"),
        ("services", {"postcode": "SW1A 1AA"}, "postcode"),  # not in the offline data
        ("services", {"format": "ndjson"}, "format"),
        ("services", {"format": "xml"}, "format"),
        ("services", {"minimal": "maybe"}, "minimal"),
        ("services", {"full": "2"}, "full"),
        ("service_at_locations", {"postcode": "LU1", "proximity": "500"}, "postcode"),
        ("service_at_locations", {"page": "0"}, "page"),
        ("taxonomies", {"per_page": "0"}, "per_page"),
        ("taxonomy_terms", {"parent_id": "top"}, "parent_id"),
        ("taxonomy_terms", {"top_only": "perhaps"}, "top_only"),
        ("organizations", {"full_service": "x"}, "full_service"),
        ("services/not-a-uuid", {}, "id"),
        ("service_at_locations/123", {}, "id"),
        ("taxonomies/abc", {}, "id"),
        ("taxonomy_terms/abc", {}, "id"),
        ("organizations/abc", {}, "id"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(
    client: Client, path: str, query: dict[str, str], parameter: str
) -> None:
    ServiceFactory()
    response = client.get(API + path, query)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameter"] == parameter
    assert body["error"]


def test_ndjson_says_it_is_not_supported(client: Client) -> None:
    body = client.get(f"{API}services", {"format": "ndjson"}).json()
    assert "not supported" in body["error"]


def test_writes_are_refused(client: Client) -> None:
    assert client.post(f"{API}services").status_code == 405


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["", "services", "taxonomies", "openapi.json", "services?page=0", "nowhere"]
)
def test_every_response_allows_any_origin_and_sets_no_cookie(client: Client, path: str) -> None:
    response = client.get(API + path, HTTP_ORIGIN="https://consumer.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies


def test_cors_preflight_allows_get_only(client: Client) -> None:
    response = client.options(
        f"{API}services",
        HTTP_ORIGIN="https://consumer.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_pages_outside_the_api_get_no_cors_header(client: Client) -> None:
    response = client.get("/find-support/", HTTP_ORIGIN="https://consumer.example")
    assert "Access-Control-Allow-Origin" not in response


def test_responses_are_publicly_cacheable_for_five_minutes(client: Client) -> None:
    ServiceFactory()
    response = client.get(f"{API}services")
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


def test_schedule_times_are_hh_mm(client: Client) -> None:
    schedule = ScheduleFactory(opens_at=dt.time(9, 5, 30), closes_at=dt.time(17, 0))
    data = get(client, f"services/{schedule.service.uuid}")
    regular = [s for s in data["schedules"] if s["id"] == str(schedule.uuid)]
    assert (regular[0]["opens_at"], regular[0]["closes_at"]) == ("09:05", "17:00")
    assert Schedule.objects.count() == 1


def test_head_answers_without_a_body(client: Client) -> None:
    response = client.head(f"{API}taxonomies")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content == b""


def test_every_parameter_together_is_a_valid_page(client: Client, full_service: Service) -> None:
    query = {
        "search": "pantry",
        "day": "MO,TH",
        "start_time": "09:00",
        "end_time": "13:00",
        "minimum_age": "18",
        "maximum_age": "40",
        "postcode": "LU2 0DD",
        "proximity": "5000",
        "modified_after": "2000-01-01T00:00:00Z",
        "organization_id": str(full_service.organisation.uuid),
        "full": "true",
    }
    for path in ("services", "service_at_locations"):
        data = get(client, path, **query)
        assert data["total_items"] == 1
        assert_valid(data, openapi_response(f"/{path}"))


def test_who_verified_a_listing_is_published_only_when_their_address_is_already_public(
    client: Client,
) -> None:
    # An editor's or officer's own sign-in address is personal data; the listing's own public
    # address is not.
    organisation = OrganisationFactory(email="hello@pantry.example.org")
    personal = ServiceFactory(
        organisation=organisation, email="", assurer_email="sam.editor@example.org"
    )
    public = ServiceFactory(
        organisation=organisation, email="", assurer_email="Hello@pantry.example.org"
    )

    # Empty fields are left out of the API's JSON.
    assert "assurer_email" not in get(client, f"services/{personal.uuid}")
    assert get(client, f"services/{public.uuid}")["assurer_email"] == "Hello@pantry.example.org"
    listed = {row["id"]: row for row in get(client, "services?full=true")["contents"]}
    assert "assurer_email" not in listed[str(personal.uuid)]
    assert listed[str(public.uuid)]["assurer_email"] == "Hello@pantry.example.org"
