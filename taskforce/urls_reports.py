"""Progress reports: public pages and staff composition."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import public

urlpatterns: list[URLPattern] = [
    path("reports/", public.report_list, name="report-list"),
]
staff_urlpatterns: list[URLPattern] = []
