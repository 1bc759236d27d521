"""Resident pages: search, hubs, services, shortlist."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import directory

urlpatterns: list[URLPattern] = [
    path("", directory.index, name="index"),
]
