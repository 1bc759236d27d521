from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
staff_urlpatterns: list[URLPattern] = []
