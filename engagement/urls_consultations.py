"""Consultations: the public list and pages (residents), and creating, editing and
publishing them (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import consultations

urlpatterns: list[URLPattern] = [
    path("", consultations.index, name="index"),
    path("consultations/<slug:slug>/", consultations.consultation_detail, name="consultation"),
    path(
        "consultations/<slug:slug>/documents/<int:pk>/",
        consultations.consultation_document,
        name="consultation-document",
    ),
]

staff_urlpatterns: list[URLPattern] = [
    path("consultations/", consultations.staff_consultation_list, name="consultation-list"),
    # Before <slug>/, which "new" would otherwise match (the form refuses "new" as a slug).
    path("consultations/new/", consultations.staff_consultation_create, name="consultation-create"),
    path(
        "consultations/<slug:slug>/",
        consultations.staff_consultation_detail,
        name="consultation-detail",
    ),
    path(
        "consultations/<slug:slug>/edit/",
        consultations.staff_consultation_edit,
        name="consultation-edit",
    ),
    path(
        "consultations/<slug:slug>/publish/",
        consultations.staff_consultation_publish,
        name="consultation-publish",
    ),
    path(
        "consultations/<slug:slug>/documents/",
        consultations.staff_documents,
        name="documents",
    ),
    path(
        "consultations/<slug:slug>/documents/<int:pk>/remove/",
        consultations.staff_document_remove,
        name="document-remove",
    ),
]
