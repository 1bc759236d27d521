"""Citizens' assemblies: registering interest, selection by lot, recommendations and responses.

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import assemblies as public
from .views import assemblies_staff as staff

urlpatterns: list[URLPattern] = [
    path("assemblies/", public.assembly_list, name="assembly-list"),
    path("assemblies/<slug:slug>/", public.assembly_detail, name="assembly"),
    path("assemblies/<slug:slug>/register/", public.assembly_register, name="assembly-register"),
    path(
        "assemblies/<slug:slug>/register/done/",
        public.assembly_registered,
        name="assembly-registered",
    ),
]

_A = "assemblies/<int:pk>/"

staff_urlpatterns: list[URLPattern] = [
    path("assemblies/", staff.assembly_list, name="assembly-list"),
    path("assemblies/new/", staff.assembly_create, name="assembly-create"),
    path(_A, staff.assembly_overview, name="assembly-overview"),
    path(f"{_A}details/", staff.assembly_edit, name="assembly-edit"),
    path(f"{_A}publish/", staff.assembly_publish, name="assembly-publish"),
    path(f"{_A}sessions/", staff.session_list, name="assembly-sessions"),
    path(f"{_A}sessions/<int:session_pk>/", staff.session_edit, name="assembly-session-edit"),
    path(
        f"{_A}sessions/<int:session_pk>/delete/",
        staff.session_delete,
        name="assembly-session-delete",
    ),
    path(f"{_A}characteristics/", staff.feature_list, name="assembly-features"),
    path(
        f"{_A}characteristics/<int:feature_pk>/delete/",
        staff.feature_delete,
        name="assembly-feature-delete",
    ),
    path(
        f"{_A}characteristics/<int:feature_pk>/answers/",
        staff.category_add,
        name="assembly-category-add",
    ),
    path(
        f"{_A}answers/<int:category_pk>/delete/",
        staff.category_delete,
        name="assembly-category-delete",
    ),
    path(f"{_A}quotas/", staff.quota_edit, name="assembly-quotas"),
    path(f"{_A}volunteers/", staff.volunteer_list, name="assembly-volunteers"),
    path(f"{_A}draws/new/", staff.run_create, name="assembly-run-create"),
    path(f"{_A}draws/<int:run_pk>/", staff.run_detail, name="assembly-run"),
    path(f"{_A}draws/<int:run_pk>/confirm/", staff.run_confirm, name="assembly-run-confirm"),
    path(f"{_A}recommendations/", staff.recommendation_list, name="assembly-recommendations"),
    path(
        f"{_A}recommendations/publish/",
        staff.recommendations_publish,
        name="assembly-recommendations-publish",
    ),
    path(
        f"{_A}recommendations/<int:rec_pk>/",
        staff.recommendation_edit,
        name="assembly-recommendation-edit",
    ),
    path(
        f"{_A}recommendations/<int:rec_pk>/response/",
        staff.recommendation_respond,
        name="assembly-recommendation-respond",
    ),
    path(
        f"{_A}recommendations/<int:rec_pk>/actions/new/",
        staff.recommendation_action_create,
        name="assembly-recommendation-action",
    ),
    path(f"{_A}response/publish/", staff.responses_publish, name="assembly-responses-publish"),
]
