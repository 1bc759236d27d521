"""Validation against the official ORUK v3 schemas, offline, and proof the validator can fail.

The helpers here (``assert_valid``, ``page_schema``...) are used by the other test_oruk_* files.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from hubs.oruk.openapi import OFFICIAL_SCHEMA_BASE, SCHEMA_DIR

OPENAPI_URL = "https://openreferral.invalid/uk-profile/openapi.json"  # never fetched


def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.rglob("*.json"):
        name = str(path.relative_to(SCHEMA_DIR))
        contents = json.loads(path.read_text(encoding="utf-8"))
        uri = OPENAPI_URL if name == "openapi.json" else OFFICIAL_SCHEMA_BASE + name
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))

    def no_network(uri: str) -> Resource:
        raise AssertionError(f"schema reference {uri} is not in the local copy")

    return Registry(retrieve=no_network).with_resources(resources)  # type: ignore[call-arg]


REGISTRY = _registry()

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    # jsonschema checks date-time only with an optional package; this is the RFC 3339 shape.
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


def ref(name: str) -> dict[str, str]:
    """A schema that is one official file, by its public URL."""
    return {"$ref": OFFICIAL_SCHEMA_BASE + name}


def openapi_response(path: str) -> dict[str, str]:
    """The official OpenAPI document's 200 response schema for a path."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {
        "$ref": f"{OPENAPI_URL}#/paths/{pointer}/get/responses/200/content/application~1json/schema"
    }


def page_schema(item_name: str) -> dict[str, Any]:
    """A paging envelope of items of one official schema (for paths the official document
    lacks), with every envelope key required (the official Page schema requires none)."""
    return {
        "allOf": [{"$ref": f"{OPENAPI_URL}#/components/schemas/Page"}],
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {"contents": {"type": "array", "items": ref(item_name)}},
    }


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


def assert_valid(payload: Any, schema: dict[str, Any]) -> None:
    errors = sorted(validator(schema).iter_errors(payload), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


# --- the validator itself --------------------------------------------------------------------

GOOD_SERVICE = {
    "id": "ac148810-d857-441c-9679-408f346de14b",
    "name": "Community pantry",
    "status": "active",
    "last_modified": "2025-03-15T10:30:45.123Z",
    "organization": {
        "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        "name": "Luton Foodbank",
        "description": "Food for people in need.",
    },
}


def test_a_correct_service_validates_against_the_compiled_schema() -> None:
    assert_valid(GOOD_SERVICE, ref("compiled/service.json"))


@pytest.mark.parametrize(
    "broken",
    [
        {k: v for k, v in GOOD_SERVICE.items() if k != "status"},  # required field missing
        GOOD_SERVICE | {"status": "open"},  # not in the enum
        GOOD_SERVICE | {"id": "not-a-uuid"},
        GOOD_SERVICE | {"minimum_age": "12"},  # a string, not a number
        GOOD_SERVICE | {"last_modified": "yesterday"},
        GOOD_SERVICE | {"url": None},  # null is not a string
        GOOD_SERVICE | {"organization": {"id": GOOD_SERVICE["id"], "name": "No description"}},
        GOOD_SERVICE | {"schedules": [{"opens_at": "10:00"}]},  # a schedule without an id
    ],
)
def test_the_validator_rejects_broken_payloads(broken: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validator(ref("compiled/service.json")).validate(broken)


def test_a_broken_envelope_is_rejected() -> None:
    page = {
        "total_items": "1",  # a string
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [GOOD_SERVICE],
    }
    with pytest.raises(jsonschema.ValidationError):
        validator(openapi_response("/services")).validate(page)
    with pytest.raises(jsonschema.ValidationError):
        validator(page_schema("compiled/service_list.json")).validate(
            {k: v for k, v in page.items() if k != "empty"} | {"total_items": 1}
        )
