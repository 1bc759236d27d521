"""Public pages: the tracker, actions, outcomes, indicators, downloads."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import public

urlpatterns: list[URLPattern] = [
    path("", public.index, name="index"),
]
