"""Feedback and freshness pages: residents' reports and "was this useful?" (namespace "hubs"),
providers' "Still correct?" links, and staff triage, unconfirmed listings and CSV (namespace
"hubs-staff", under /staff/directory/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import feedback, freshness, staff_data

urlpatterns: list[URLPattern] = [
    path("services/<slug:slug>/report/", feedback.report_create, name="report-create"),
    path("hubs/<slug:slug>/report/", feedback.hub_report_create, name="hub-report-create"),
    path("services/<slug:slug>/useful/", feedback.usefulness, name="usefulness"),
    path("reports/<str:reference>/", feedback.report_status, name="report-status"),
    path("reports/<str:reference>/sent/", feedback.report_sent, name="report-sent"),
    path("check-listing/<str:token>/", freshness.service_confirm, name="service-confirm"),
]

staff_urlpatterns: list[URLPattern] = [
    path("reports/", feedback.report_list, name="report-list"),
    path("reports/<int:pk>/", feedback.report_detail, name="report-detail"),
    path("unconfirmed/", freshness.unconfirmed_list, name="unconfirmed-list"),
    path("export.csv", staff_data.export, name="export"),
    path("import/", staff_data.directory_import, name="import"),
]
