"""Residents' engagement pages under /have-your-say/ (namespace "engagement"). Each area keeps
its own list."""

from __future__ import annotations

from . import urls_assemblies, urls_consultations, urls_hub_desk, urls_outcomes, urls_respond

app_name = "engagement"

urlpatterns = [
    *urls_consultations.urlpatterns,
    *urls_respond.urlpatterns,
    *urls_hub_desk.urlpatterns,
    *urls_outcomes.urlpatterns,
    *urls_assemblies.urlpatterns,
]
