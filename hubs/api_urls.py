"""Open Referral UK v3 read API under /api/oruk/v3/ (namespace "oruk")."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "oruk"

urlpatterns: list[URLPattern] = []
