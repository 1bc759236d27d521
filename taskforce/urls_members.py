"""Taskforce members' and leads' pages: log actions, post updates, record indicators, review."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
staff_urlpatterns: list[URLPattern] = []
