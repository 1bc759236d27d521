"""Entering paper, phone and assisted responses (hub staff and council staff), and who is
responding (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
Entries pointing at ``not_built_yet`` hold names other areas link to; this area replaces them.
"""

from __future__ import annotations

from django.urls import path

from .views import not_built_yet

urlpatterns: list = [
    path("hub-desk/", not_built_yet, name="hub-desk"),
]

staff_urlpatterns: list = [
    path("consultations/<slug:slug>/who-is-responding/", not_built_yet, name="who-is-responding"),
]
