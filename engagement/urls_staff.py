"""Council staff's engagement pages under /staff/engagement/ (namespace "engagement-staff"),
behind the staff MFA gate like every /staff/ page."""

from __future__ import annotations

from . import urls_assemblies, urls_consultations, urls_hub_desk, urls_outcomes, urls_respond

app_name = "engagement-staff"

urlpatterns = [
    *urls_consultations.staff_urlpatterns,
    *urls_respond.staff_urlpatterns,
    *urls_hub_desk.staff_urlpatterns,
    *urls_outcomes.staff_urlpatterns,
    *urls_assemblies.staff_urlpatterns,
]
