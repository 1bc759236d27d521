"""Taskforce members' and leads' pages: log actions, post updates, record indicators, review."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import evidence as evidence_views
from .views import indicators as indicator_views
from .views import members as member_views

urlpatterns: list[URLPattern] = [
    # Logging actions and updates, and reviewing them (taskforce/views/members.py).
    path("my/", member_views.my_actions, name="my-actions"),
    path("my/actions/new/", member_views.action_create_view, name="action-create"),
    path("my/actions/<str:reference>/edit/", member_views.action_edit_view, name="action-edit"),
    path(
        "my/actions/<str:reference>/submit/", member_views.action_submit_view, name="action-submit"
    ),
    path(
        "my/actions/<str:reference>/updates/new/",
        member_views.update_create_view,
        name="update-create",
    ),
    path("my/review/", member_views.review_queue, name="review-queue"),
    path(
        "my/review/actions/<str:reference>/",
        member_views.action_review_view,
        name="action-review",
    ),
    path("my/review/updates/<int:pk>/", member_views.update_review_view, name="update-review"),
    path("evidence/<int:pk>/", evidence_views.evidence_download, name="evidence-download"),
    path(
        "indicators/<slug:slug>/values/",
        indicator_views.indicator_values,
        name="indicator-values",
    ),
    path(
        "indicators/<slug:slug>/values/<int:pk>/delete/",
        indicator_views.indicator_value_delete,
        name="indicator-value-delete",
    ),
]
staff_urlpatterns: list[URLPattern] = []
