"""Results, free-text tagging, the responses export and "we asked, you said, we did".

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
Entries pointing at ``not_built_yet`` hold names other areas link to; this area replaces them.
"""

from __future__ import annotations

from django.urls import path

from .views import not_built_yet

urlpatterns: list = [
    path("consultations/<slug:slug>/results/", not_built_yet, name="results"),
    path("consultations/<slug:slug>/outcome/", not_built_yet, name="outcome"),
    path("we-asked-you-said-we-did/", not_built_yet, name="outcome-list"),
]

staff_urlpatterns: list = [
    path("consultations/<slug:slug>/results/", not_built_yet, name="results"),
    path("consultations/<slug:slug>/responses.csv", not_built_yet, name="responses-csv"),
    path("consultations/<slug:slug>/outcome/", not_built_yet, name="outcome-edit"),
]
