"""Open Referral UK v3 read API under /api/oruk/v3/ (namespace "oruk")."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from . import api

app_name = "oruk"

# ORUK paths have no trailing slash ("/services/{id}"); consumers build them from the base URL.
urlpatterns: list[URLPattern] = [
    path("", api.root, name="root"),
    path("openapi.json", api.openapi_json, name="openapi"),
    path("schema/<path:name>", api.schema_file, name="schema"),
    path("services", api.service_list, name="service-list"),
    path("services/<str:id>", api.service_detail, name="service-detail"),
    path("service_at_locations", api.service_at_location_list, name="service-at-location-list"),
    path(
        "service_at_locations/<str:id>",
        api.service_at_location_detail,
        name="service-at-location-detail",
    ),
    path("taxonomies", api.taxonomy_list, name="taxonomy-list"),
    path("taxonomies/<str:id>", api.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", api.taxonomy_term_list, name="taxonomy-term-list"),
    path("taxonomy_terms/<str:id>", api.taxonomy_term_detail, name="taxonomy-term-detail"),
    path("organizations", api.organisation_list, name="organization-list"),
    path("organizations/<str:id>", api.organisation_detail, name="organization-detail"),
    re_path(r"^(?P<rest>.*)$", api.endpoint_not_found, name="not-found"),
]
