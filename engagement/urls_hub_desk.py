"""Entering paper, phone and assisted responses (hub staff and council staff), and who is
responding (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/): hub staff are
organisation editors, not council staff, so the hub desk cannot live under /staff/.
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

from django.urls import path

from .views import hub_desk, representation

urlpatterns: list = [
    path("hub-desk/", hub_desk.desk, name="hub-desk"),
    path("hub-desk/<slug:slug>/", hub_desk.enter, name="hub-desk-entry"),
]

staff_urlpatterns: list = [
    path(
        "consultations/<slug:slug>/who-is-responding/",
        representation.who_is_responding,
        name="who-is-responding",
    ),
    path("population/", representation.population, name="population"),
]
