"""The directory's pages under /find-support/ (namespace "hubs"). Each area keeps its own list."""

from __future__ import annotations

from . import urls_editor, urls_feedback, urls_public

app_name = "hubs"

urlpatterns = [
    *urls_public.urlpatterns,
    *urls_editor.urlpatterns,
    *urls_feedback.urlpatterns,
]
