"""The Open Referral UK API fuzzed with schemathesis against the OpenAPI document it publishes.

Every operation in /api/oruk/v3/openapi.json gets generated requests (valid ones, and invalid ones
that must be refused with a 400), sent in process through Django's WSGI application to a small
seeded directory. Each response must not be a server error, must use a status code and content
type the document declares, and its body must match the document's schema for that status, which
for a 200 is the official ORUK schema (the files the API serves under /schema/).

Bounded for CI: Hypothesis is derandomised (the same examples on every run, about 40 s on a
2-core machine), with ``max_examples`` per operation and no deadline (a slow first query must
not fail the run). ORUK_FUZZ_EXPLORE=1 ORUK_FUZZ_EXAMPLES=1000 runs fresh random examples.

What it found, fixed (and pinned by the tests at the end): a POST got the CSRF middleware's HTML
403 instead of a JSON 405; "search=%00" and a "-23:06" offset in modified_after were 500s;
minimal=true rows, empty parameters ("?start_time=") and the time-of-day pattern were not what
the document said.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from hubs import api
from hubs.models import Organisation, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from hubs.oruk.openapi import SCHEMA_DIR
from tests.factories import (
    LocationFactory,
    OrganisationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    tag,
)

from .test_oruk_api import build_full_service

EXPLORE = os.environ.get("ORUK_FUZZ_EXPLORE") == "1"
MAX_EXAMPLES = int(os.environ.get("ORUK_FUZZ_EXAMPLES", "100"))
# schemathesis's in-process WSGI client sends "Host: localhost" (in the test ALLOWED_HOSTS).
SERVED_SCHEMAS = "http://localhost/api/oruk/v3/schema/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]


def _published_document() -> dict[str, Any]:
    """The document exactly as our view serves it, its schema $refs pointing at the same files
    on disk instead of at the (unreachable) test host, so loading it needs no network."""
    request = RequestFactory().get("/api/oruk/v3/openapi.json", HTTP_HOST="localhost")
    response = api.openapi_json(request)
    assert response.status_code == 200
    text = response.content.decode().replace(SERVED_SCHEMAS, SCHEMA_DIR.as_uri() + "/")
    assert '"$ref": "http' not in text  # every reference is local now
    return json.loads(text)  # type: ignore[no-any-return]


schema = schemathesis.openapi.from_dict(_published_document())
schema.app = WSGIHandler()

# Ids the fuzzer may use for {id} and for id filters, filled by the seeded_directory fixture so
# that detail endpoints and filters are exercised with records that exist, not only 404s.
KNOWN_IDS: dict[str, list[str]] = {}

_ID_KINDS = {
    "/services/{id}": "service",
    "/service_at_locations/{id}": "service_at_location",
    "/taxonomies/{id}": "taxonomy",
    "/taxonomy_terms/{id}": "taxonomy_term",
    "/organizations/{id}": "organisation",
}
_QUERY_ID_KINDS = {
    "taxonomy_id": "taxonomy",
    "taxonomy_term_id": "taxonomy_term",
    "parent_id": "taxonomy_term",
    "organization_id": "organisation",
}


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@schema.hook
def flatmap_case(
    context: schemathesis.HookContext, case: schemathesis.Case
) -> st.SearchStrategy[schemathesis.Case]:
    """Sometimes swap a generated id (in the path, or an id filter) for a seeded one.

    Only a valid UUID is swapped, for another valid UUID: a request generated to be invalid stays
    invalid, so the checks still know which answer (400 or 200) is right."""
    slots: list[tuple[str, str, str]] = []  # (container, name, kind)
    path_kind = _ID_KINDS.get(case.operation.path)
    if path_kind and _is_uuid((case.path_parameters or {}).get("id")):
        slots.append(("path_parameters", "id", path_kind))
    slots += [
        ("query", name, kind)
        for name, kind in _QUERY_ID_KINDS.items()
        if _is_uuid((case.query or {}).get(name))
    ]
    if not slots:
        return st.just(case)

    def swap(values: tuple[str | None, ...]) -> schemathesis.Case:
        for (container, name, _kind), value in zip(slots, values, strict=True):
            if value is not None:
                setattr(case, container, {**getattr(case, container), name: value})
        return case

    return st.tuples(
        *(st.sampled_from([None, *KNOWN_IDS.get(kind, [])]) for _c, _n, kind in slots)
    ).map(swap)


@pytest.fixture
def in_test_transaction(db: None) -> Iterator[None]:
    """Requests go through the real WSGI handler, which closes the database connection at the
    end of each request; inside the test's transaction that would lose the seeded rows. Django's
    own test client unhooks the same two signals for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_directory(in_test_transaction: None) -> Iterator[None]:
    """Two fully nested services, a temporarily closed one at a location, one closed for good
    (never published: a 404), and the taxonomies the migrations load."""
    build_full_service(name="Town Centre Pantry", children=2)
    build_full_service(name="Lewsey Warm Space")
    org = OrganisationFactory(name="Marsh Farm Futures")
    service = ServiceFactory(
        organisation=org, name="Homework club", status=Service.Status.TEMPORARILY_CLOSED
    )
    tag(service, "category", "food")
    ServiceAtLocationFactory(service=service, location=LocationFactory(organisation=org))
    ServiceFactory(organisation=org, name="Old lunch club", status=Service.Status.DEFUNCT)

    def ids(model: Any) -> list[str]:
        return [str(u) for u in model.objects.order_by("pk").values_list("uuid", flat=True)[:5]]

    KNOWN_IDS.update(
        service=ids(Service),
        service_at_location=ids(ServiceAtLocation),
        taxonomy=ids(Taxonomy),
        taxonomy_term=ids(TaxonomyTerm),
        organisation=ids(Organisation),
    )
    yield
    KNOWN_IDS.clear()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,  # nothing written to .hypothesis/: each run is the same, wherever it runs
    # The directory is seeded once per operation and shared by its examples: the API is
    # read-only, so no example can change what the next one sees.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_every_generated_request_as_its_document_says(
    case: schemathesis.Case, seeded_directory: None
) -> None:
    case.call_and_validate(checks=CHECKS)


def test_the_fuzzed_document_is_the_one_we_publish() -> None:
    """The fuzzer must cover every published path, so a new endpoint cannot escape it."""
    operations = {op.ok().path for op in schema.get_all_operations()}
    assert operations == set(_published_document()["paths"])
    assert len(operations) == 11


# --- what the fuzzer found, pinned ------------------------------------------------------------
# Each was found by the test above (a 500, or an answer the document did not describe) and is
# fixed in hubs/api.py, hubs/oruk/params.py or hubs/oruk/openapi.py; these keep them fixed
# whatever examples a future schemathesis or Hypothesis happens to generate.


def _call(path: str, **query: str) -> schemathesis.Response:
    case = schema[path]["GET"].Case(query=query)
    return case.call_and_validate(checks=CHECKS)


def test_minimal_service_rows_match_the_published_document(seeded_directory: None) -> None:
    response = _call("/services", minimal="true")
    assert response.status_code == 200
    assert set(response.json()["contents"][0]) == {"id", "last_modified"}


def test_times_of_day_are_described_as_the_api_reads_them(seeded_directory: None) -> None:
    parameters = _published_document()["components"]["parameters"]
    for name in ("start_time", "end_time"):
        time_schema = parameters[name]["schema"]
        # Not "format: time" (RFC 3339: seconds and an offset), which no HH:MM value matched.
        assert "format" not in time_schema
        for value, valid in (
            ("09:30", True),
            ("17:00:00", True),
            ("24:00", False),
            ("9.30", False),
        ):
            assert bool(re.fullmatch(time_schema["pattern"], value)) is valid, value
    assert _call("/services", start_time="09:30", end_time="17:00:00").status_code == 200
    assert _call("/service_at_locations", start_time="24:00").status_code == 400


def test_an_empty_parameter_is_left_out_as_the_document_says(seeded_directory: None) -> None:
    parameters = _published_document()["components"]["parameters"].values()
    assert all(p.get("allowEmptyValue") for p in parameters if p["in"] == "query")
    assert _call("/services", start_time="", taxonomy_id="", page="").status_code == 200


def test_an_offset_postgresql_cannot_store_is_still_a_date_time(seeded_directory: None) -> None:
    assert _call("/services", modified_after="2020-05-03T07:47:08-23:06").status_code == 200
    late = _call("/services", modified_after="9999-12-31T23:00:00-01:00")
    assert late.status_code == 400
    assert late.json()["parameter"] == "modified_after"


def test_a_nul_character_is_a_400_not_a_500(seeded_directory: None) -> None:
    for path, name in (("/taxonomies", "search"), ("/services", "search"), ("/services", "day")):
        response = _call(path, **{name: "food\x00"})
        assert response.status_code == 400
        assert response.json()["parameter"] == name


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writes_are_a_json_405_even_without_a_csrf_token(
    in_test_transaction: None, method: str
) -> None:
    # Django's test client skips CSRF checks; this is the real handler, as a consumer meets it.
    for path in ("/services", "/organizations/{id}", "/"):
        case = schema[path]["GET"].Case(method=method, path_parameters={"id": str(uuid.uuid4())})
        response = case.call()
        assert response.status_code == 405, (method, path, response.text[:200])
        assert response.headers["allow"] == ["GET, HEAD"]
        assert response.json() == {"error": "This API is read-only: use GET or HEAD."}
