"""Progress reports: the public archive and report pages (namespace "taskforce", under
/taskforce/reports/) and staff composition (namespace "taskforce-staff", under
/staff/taskforce/reports/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import reports

urlpatterns: list[URLPattern] = [
    path("reports/", reports.report_list, name="report-list"),
    path("reports/<slug:slug>/v<int:version>/", reports.report_detail, name="report-detail"),
    path("reports/<slug:slug>/v<int:version>/data.csv", reports.report_csv, name="report-csv"),
]

staff_urlpatterns: list[URLPattern] = [
    path("reports/", reports.staff_report_list, name="report-list"),
    path("reports/new/", reports.staff_report_create, name="report-create"),
    path("reports/<int:pk>/", reports.staff_report_compose, name="report-compose"),
    path("reports/<int:pk>/details/", reports.staff_report_edit, name="report-edit"),
    path("reports/<int:pk>/sections/new/", reports.staff_section_add, name="section-add"),
    path(
        "reports/<int:pk>/sections/<int:section_pk>/",
        reports.staff_section_edit,
        name="section-edit",
    ),
    path(
        "reports/<int:pk>/sections/<int:section_pk>/move/",
        reports.staff_section_move,
        name="section-move",
    ),
    path(
        "reports/<int:pk>/sections/<int:section_pk>/delete/",
        reports.staff_section_delete,
        name="section-delete",
    ),
    path("reports/<int:pk>/preview/", reports.staff_report_preview, name="report-preview"),
    path("reports/<int:pk>/publish/", reports.staff_report_publish, name="report-publish"),
    path("reports/<int:pk>/correct/", reports.staff_report_correct, name="report-correct"),
]
