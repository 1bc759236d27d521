"""Council staff's taskforce pages under /staff/taskforce/ (namespace "taskforce-staff"), behind
the staff MFA gate like every /staff/ page."""

from __future__ import annotations

from . import urls_members, urls_reports

app_name = "taskforce-staff"

urlpatterns = [
    *urls_members.staff_urlpatterns,
    *urls_reports.staff_urlpatterns,
]
