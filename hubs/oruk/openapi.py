"""Our published OpenAPI document: the official ORUK v3 one, with its defects fixed and the
endpoints and parameters we add, pointing at the schema copies this API serves."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# Where the official document's $refs point. The uk-profile repository's raw files.
OFFICIAL_SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
VERSION = "HSDS-UK-3.0"


@functools.cache
def _schema_files() -> frozenset[str]:
    return frozenset(str(path.relative_to(SCHEMA_DIR)) for path in SCHEMA_DIR.rglob("*.json"))


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """One official schema file, parsed (read once per process)."""
    if name not in _schema_files():
        raise KeyError(name)
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_EXTRA_PARAMETERS: dict[str, dict[str, Any]] = {
    "organization_id": {},  # defined officially, referenced by no path: we use it
    "modified_after": {},
    "minimal": {},
    "full": {},
    "format": {},
    "full_service": {},
    "postcode": {},
    "proximity": {},
    "top_only": _param(
        "top_only", "Only terms with no parent (the top of the hierarchy).", {"type": "boolean"}
    ),
    "parent_id": _param(
        "parent_id", "Only terms directly below this term.", {"type": "string", "format": "uuid"}
    ),
    "taxonomy_id_terms": _param(
        "taxonomy_id", "Only terms in this taxonomy.", {"type": "string", "format": "uuid"}
    ),
}


# A /services?minimal=true row (hubs.oruk.serializers.service_minimal).
_SERVICE_MINIMAL: dict[str, Any] = {
    "type": "object",
    "description": "A service as listed with minimal=true: only what a sync needs.",
    "required": ["id", "last_modified"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "last_modified": {"type": "string", "format": "date-time"},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _page_of(item_ref: str, description: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {
                        "properties": {"contents": {"type": "array", "items": {"$ref": item_ref}}},
                        "allOf": [{"$ref": "#/components/schemas/Page"}],
                    }
                }
            },
        }
    }


def _error_responses() -> dict[str, Any]:
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
    }
    return {
        "400": {
            "description": "A query parameter is not valid; `parameter` names it.",
            "content": {"application/json": {"schema": error}},
        },
        "404": {
            "description": "No published record has this id.",
            "content": {"application/json": {"schema": error}},
        },
    }


def _rewrite_refs(node: Any, base: str) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value.replace(OFFICIAL_SCHEMA_BASE, base)
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value, base)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item, base) for item in node]
    return node


@functools.cache
def _official() -> dict[str, Any]:
    return load_schema("openapi.json")


def openapi_document(*, api_base_url: str) -> dict[str, Any]:
    """The document served at /openapi.json, for an API whose root is ``api_base_url``."""
    base = api_base_url.rstrip("/") + "/"
    doc = copy.deepcopy(_official())
    doc["info"]["title"] = "Luton 2040 service directory: Open Referral UK API"
    doc["info"]["description"] = (
        "Open Referral UK v3 (HSDS 3.0 UK profile) read API for the Luton 2040 community "
        "directory. Derived from the official profile document; see docs/open-referral.md."
    )
    # The official licence link points at CC BY 4.0 while naming BY-SA: use the named licence.
    doc["info"]["license"] = {
        "name": "Creative Commons Attribution Share-Alike 4.0 license",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    }
    doc["servers"] = [{"url": base.rstrip("/")}]
    params = doc["components"]["parameters"]
    # Known defect: "type: time" is not an OpenAPI type. HH:MM strings (seconds allowed), as
    # hubs.oruk.params reads them. Not "format: time": that is RFC 3339's full-time, with seconds
    # and an offset, so with the pattern no value was valid (found by the schemathesis fuzz test).
    for name in ("start_time", "end_time"):
        params[name]["schema"] = {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$",
        }
        params[name]["description"] += " A time of day as HH:MM (24-hour clock, London time)."
    # Declared "datetime", which is not a JSON Schema format.
    params["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    params["proximity"]["description"] += " Needs `postcode`."
    params["format"]["description"] = "Only `json` is supported; `ndjson` answers 400."
    for name, definition in _EXTRA_PARAMETERS.items():
        if definition:
            params[name] = definition
    # hubs.oruk.params reads an empty value ("?start_time=") as the parameter left out, as a
    # form submitting blank filters would send it; say so (found by the schemathesis fuzz test).
    for definition in params.values():
        if definition.get("in") == "query":
            definition["allowEmptyValue"] = True
    doc["components"]["schemas"]["ServiceMinimal"] = _SERVICE_MINIMAL
    paths = doc["paths"]
    # minimal=true pages hold {id, last_modified} rows, which the official document forgot: a row
    # is either a full service_list item or exactly that (found by the schemathesis fuzz test).
    services_page = paths["/services"]["get"]["responses"]["200"]["content"]["application/json"]
    contents = services_page["schema"]["properties"]["contents"]
    contents["items"] = {
        "oneOf": [contents["items"], {"$ref": "#/components/schemas/ServiceMinimal"}]
    }
    list_extras = ["organization_id", "modified_after", "minimal", "full", "format"]
    paths["/services"]["get"]["parameters"] += [
        _ref(n) for n in [*list_extras, "postcode", "proximity"]
    ]
    paths["/service_at_locations"]["get"]["parameters"] += [
        _ref(n) for n in list_extras if n != "minimal"
    ]
    paths["/taxonomies"]["get"]["parameters"] += [_ref("search"), _ref("full"), _ref("format")]
    paths["/taxonomy_terms"]["get"]["parameters"] += [
        _ref("search"),
        _ref("taxonomy_id_terms"),
        _ref("top_only"),
        _ref("parent_id"),
        _ref("format"),
    ]
    # Defect: the official document returns a *service* from /service_at_locations/{id}.
    paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": f"{OFFICIAL_SCHEMA_BASE}compiled/service_at_location.json"}
    # /organizations is optional in HSDS 3.0 and removed by the profile; we publish it.
    paths["/organizations"] = {
        "get": {
            "summary": "Organisations that run the services.",
            "tags": ["Optional"],
            "parameters": [
                _ref(n) for n in ("search", "page", "per_page", "full", "full_service", "format")
            ],
            "responses": _page_of(
                f"{OFFICIAL_SCHEMA_BASE}compiled/organization_list.json",
                "Paginated listing of organisations.",
            ),
        }
    }
    paths["/organizations/{id}"] = {
        "parameters": [
            {
                "in": "path",
                "name": "id",
                "required": True,
                "description": "The id of the organisation.",
                "schema": {"type": "string", "format": "uuid"},
            }
        ],
        "get": {
            "summary": "One organisation with its published services.",
            "tags": ["Optional"],
            "parameters": [_ref("full_service")],
            "responses": {
                "200": {
                    "description": "An organisation.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"{OFFICIAL_SCHEMA_BASE}compiled/organization.json"}
                        }
                    },
                }
            },
        },
    }
    errors = _error_responses()
    for path, item in paths.items():
        if path == "/":
            continue
        responses = item["get"]["responses"]
        responses["400"] = errors["400"]
        if "{id}" in path:
            responses["404"] = errors["404"]
    return _rewrite_refs(doc, f"{base}schema/")  # type: ignore[no-any-return]
