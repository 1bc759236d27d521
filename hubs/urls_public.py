"""Resident pages: search, hubs, services, shortlist."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import directory

urlpatterns: list[URLPattern] = [
    path("", directory.index, name="index"),
    path("hubs/", directory.hub_list, name="hub-list"),
    path("hubs/<slug:slug>/", directory.hub_detail, name="hub-detail"),
    path("services/<slug:slug>/", directory.service_detail, name="service-detail"),
    path("shortlist/", directory.shortlist, name="shortlist"),
    path("shortlist/add/", directory.shortlist_add, name="shortlist-add"),
    path("shortlist/remove/", directory.shortlist_remove, name="shortlist-remove"),
    path("shortlist/shared/", directory.shortlist_shared, name="shortlist-shared"),
]
