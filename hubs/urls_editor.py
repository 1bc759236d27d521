"""Organisation editors' pages under /find-support/manage/ (namespace "hubs") and the staff
review queue under /staff/directory/ (namespace "hubs-staff")."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import editor, review

urlpatterns: list[URLPattern] = [
    path("manage/", editor.manage, name="manage"),
    path("manage/services/<slug:slug>/", editor.service_edit, name="service-edit"),
    path(
        "manage/organisations/<slug:organisation>/new-service/",
        editor.service_propose,
        name="service-propose",
    ),
    path("manage/hubs/<slug:slug>/", editor.hub_edit, name="hub-edit"),
    path(
        "manage/organisations/<slug:organisation>/new-hub/",
        editor.hub_propose,
        name="hub-propose",
    ),
    path("manage/changes/<int:pk>/sent/", editor.edit_sent, name="edit-sent"),
    path("manage/changes/<int:pk>/withdraw/", editor.edit_withdraw, name="edit-withdraw"),
]
staff_urlpatterns: list[URLPattern] = [
    path("changes/", review.review_list, name="review-list"),
    path("changes/<int:pk>/", review.review_detail, name="review-detail"),
    path("changes/<int:pk>/approve/", review.review_approve, name="review-approve"),
    path("changes/<int:pk>/reject/", review.review_reject, name="review-reject"),
]
