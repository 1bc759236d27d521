"""Council staff's directory pages under /staff/directory/ (namespace "hubs-staff"), behind the
staff MFA gate like every /staff/ page."""

from __future__ import annotations

from . import urls_editor, urls_feedback

app_name = "hubs-staff"

urlpatterns = [
    *urls_editor.staff_urlpatterns,
    *urls_feedback.staff_urlpatterns,
]
