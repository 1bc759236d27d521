"""The taskforce's pages under /taskforce/ (namespace "taskforce"). Each area keeps its own list."""

from __future__ import annotations

from . import urls_members, urls_public, urls_reports

app_name = "taskforce"

urlpatterns = [
    *urls_public.urlpatterns,
    *urls_members.urlpatterns,
    *urls_reports.urlpatterns,
]
