"""Open Referral UK v3 read API (HSDS 3.0 + UK profile) under /api/oruk/v3/.

Plain Django views returning JSON: the API is read-only, keyless and a dozen endpoints, so Django
REST framework would add a dependency and a second way of writing views for no gain (see
docs/open-referral.md). Views parse parameters (``hubs.oruk.params``), call a selector
(``hubs.selectors.oruk``) and shape the rows (``hubs.oruk.serializers``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from .oruk import openapi, params
from .oruk import serializers as shape
from .oruk.params import BadParameter
from .selectors import oruk as selectors

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]

# Directory data changes a few times a day; five minutes of caching spares the database when a
# consumer polls, and a correction still reaches everyone quickly.
CACHE_SECONDS = 300
ERROR_CACHE_SECONDS = 60


def _json(data: Any, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False)
    # The profile wants this on every response, and corsheaders only answers requests that
    # carry an Origin header (browsers); validators and server-side consumers send none.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(
        response, public=True, max_age=CACHE_SECONDS if status == 200 else ERROR_CACHE_SECONDS
    )
    return response


def _error(message: str, *, status: int, parameter: str | None = None) -> JsonResponse:
    body = {"error": message}
    if parameter is not None:
        body["parameter"] = parameter
    return _json(body, status=status)


def _not_found(kind: str) -> JsonResponse:
    return _error(f"No published {kind} has this id.", status=404)


def _method_not_allowed() -> JsonResponse:
    response = _error("This API is read-only: use GET or HEAD.", status=405)
    response["Allow"] = "GET, HEAD"
    return response


def oruk_view(view: View) -> View:
    """GET/HEAD only; a parameter the client got wrong is a 400 naming it.

    CSRF-exempt because no method that changes anything is ever served: without the exemption a
    POST got the CSRF middleware's HTML 403 instead of this API's JSON 405 (found by the
    schemathesis fuzz test, tests/hubs/test_oruk_fuzz.py)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return _method_not_allowed()
        try:
            params.check_format(request.GET)
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return _error(exc.message, status=400, parameter=exc.parameter)

    return wrapped


def _page(
    request: HttpRequest,
    qs: QuerySet[M],
    serialize: Callable[[M], dict[str, Any]],
    *,
    paging: params.Paging | None = None,
) -> JsonResponse:
    """The HSDS paging envelope around one page of ``qs``: two queries plus its prefetches."""
    paging = paging or params.paging(request.GET)
    total = qs.count()
    start = (paging.page - 1) * paging.per_page
    rows: Iterable[M] = qs[start : start + paging.per_page] if start < total else []
    contents = [serialize(row) for row in rows]
    total_pages = math.ceil(total / paging.per_page)
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": paging.page,
            "size": len(contents),
            "first_page": paging.page == 1,
            "last_page": paging.page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _api_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oruk:root"))


# --- endpoints -------------------------------------------------------------------------------


@oruk_view
def root(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": openapi.VERSION,
            "profile": openapi.PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
        }
    )


@oruk_view
def openapi_json(request: HttpRequest) -> HttpResponse:
    return _json(openapi.openapi_document(api_base_url=_api_base(request)))


@oruk_view
def schema_file(request: HttpRequest, name: str) -> HttpResponse:
    try:
        return _json(openapi.load_schema(name))
    except KeyError:
        return _error("No such schema.", status=404)


@oruk_view
def service_list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    filters = params.service_filters(query)
    if params.boolean(query, "minimal"):
        return _page(
            request,
            selectors.service_minimal_list(filters=filters),
            shape.service_minimal,
            paging=params.paging(query, minimal=True),
        )
    full = params.boolean(query, "full")
    serialize = shape.service_full if full else shape.service_summary
    return _page(
        request,
        selectors.service_list(filters=filters, full=full),
        lambda service: serialize(service) | shape.distance_of(service),
    )


@oruk_view
def service_detail(request: HttpRequest, id: str) -> HttpResponse:
    service = selectors.service_get(service_id=params.uuid_value(id, "id"))
    if service is None:
        return _not_found("service")
    return _json(shape.service_full(service))


@oruk_view
def service_at_location_list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    full = params.boolean(query, "full")
    return _page(
        request,
        selectors.service_at_location_list(filters=params.service_filters(query), full=full),
        shape.service_at_location_full if full else shape.service_at_location_summary,
    )


@oruk_view
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponse:
    sal = selectors.service_at_location_get(sal_id=params.uuid_value(id, "id"))
    if sal is None:
        return _not_found("service at location")
    return _json(shape.service_at_location_full(sal))


@oruk_view
def taxonomy_list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    full = params.boolean(query, "full")
    return _page(
        request,
        selectors.taxonomy_list(search=params.text(query, "search"), full=full),
        lambda tax: shape.taxonomy(tax, with_terms=full),
    )


@oruk_view
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponse:
    tax = selectors.taxonomy_get(taxonomy_id=params.uuid_value(id, "id"))
    if tax is None:
        return _not_found("taxonomy")
    return _json(shape.taxonomy(tax, with_terms=True))


@oruk_view
def taxonomy_term_list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    return _page(
        request,
        selectors.taxonomy_term_list(
            search=params.text(query, "search"),
            taxonomy_id=params.optional_uuid(query, "taxonomy_id"),
            parent_id=params.optional_uuid(query, "parent_id"),
            top_only=params.boolean(query, "top_only"),
        ),
        shape.taxonomy_term,
    )


@oruk_view
def taxonomy_term_detail(request: HttpRequest, id: str) -> HttpResponse:
    term = selectors.taxonomy_term_get(term_id=params.uuid_value(id, "id"))
    if term is None:
        return _not_found("taxonomy term")
    return _json(shape.taxonomy_term(term))


@oruk_view
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = request.GET
    full = params.boolean(query, "full")
    full_service = params.boolean(query, "full_service")
    nested = full or full_service
    return _page(
        request,
        selectors.organisation_list(
            search=params.text(query, "search"), full=full, full_service=full_service
        ),
        lambda org: (
            shape.organisation_full(org, full_service=full_service)
            if nested
            else shape.organisation_summary(org)
        ),
    )


@oruk_view
def organisation_detail(request: HttpRequest, id: str) -> HttpResponse:
    full_service = params.boolean(request.GET, "full_service")
    org = selectors.organisation_get(
        organisation_id=params.uuid_value(id, "id"), full_service=full_service
    )
    if org is None:
        return _not_found("organisation")
    return _json(shape.organisation_full(org, full_service=full_service))


@csrf_exempt
def endpoint_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under the API: a JSON 404, not the site's HTML page."""
    return _error("No such endpoint. See openapi.json.", status=404)
