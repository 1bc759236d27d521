"""Consultations: the public list and pages (residents), and creating, editing and
publishing them (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
Entries pointing at ``not_built_yet`` hold names other areas link to; this area replaces them.
"""

from __future__ import annotations

from django.urls import path

from .views import consultations, not_built_yet

urlpatterns: list = [
    path("", consultations.index, name="index"),
    path("consultations/<slug:slug>/", not_built_yet, name="consultation"),
]

staff_urlpatterns: list = [
    path("consultations/", not_built_yet, name="consultation-list"),
    path("consultations/<slug:slug>/", not_built_yet, name="consultation-detail"),
]
