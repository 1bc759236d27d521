"""Citizens' assemblies: registering interest, selection by lot, recommendations and responses.

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
Entries pointing at ``not_built_yet`` hold names other areas link to; this area replaces them.
"""

from __future__ import annotations

from django.urls import path

from .views import not_built_yet

urlpatterns: list = [
    path("assemblies/", not_built_yet, name="assembly-list"),
    path("assemblies/<slug:slug>/", not_built_yet, name="assembly"),
]

staff_urlpatterns: list = [
    path("assemblies/", not_built_yet, name="assembly-list"),
]
