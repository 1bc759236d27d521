"""Consultations: the public list and pages (residents), and creating, editing and
publishing them (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

from django.urls import path

from .views import consultations

urlpatterns: list = [
    path("", consultations.index, name="index"),
]

staff_urlpatterns: list = []
