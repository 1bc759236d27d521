"""Responding to a consultation (residents) and building its survey (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
Entries pointing at ``not_built_yet`` hold names other areas link to; this area replaces them.
"""

from __future__ import annotations

from django.urls import path

from .views import not_built_yet

urlpatterns: list = [
    path("consultations/<slug:slug>/respond/", not_built_yet, name="respond"),
]

staff_urlpatterns: list = [
    path("consultations/<slug:slug>/survey/", not_built_yet, name="survey"),
]
