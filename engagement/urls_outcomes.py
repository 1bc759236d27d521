"""Results, free-text tagging, the responses export and "we asked, you said, we did".

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

from django.urls import path

from .views import outcomes, results

urlpatterns: list = [
    path("consultations/<slug:slug>/results/", results.public_results, name="results"),
    path("consultations/<slug:slug>/outcome/", outcomes.outcome_page, name="outcome"),
    path("we-asked-you-said-we-did/", outcomes.outcome_list, name="outcome-list"),
]

staff_urlpatterns: list = [
    path("consultations/<slug:slug>/results/", results.staff_results, name="results"),
    path(
        "consultations/<slug:slug>/results/questions/<int:question>/answers/",
        results.written_answers,
        name="results-answers",
    ),
    path(
        "consultations/<slug:slug>/results/answers/<int:answer>/tags/",
        results.answer_tags_save,
        name="answer-tags",
    ),
    path("consultations/<slug:slug>/results/tags/", results.coding_frame, name="coding-frame"),
    path("consultations/<slug:slug>/responses.csv", results.responses_csv, name="responses-csv"),
    path("consultations/<slug:slug>/outcome/", outcomes.outcome_edit, name="outcome-edit"),
    path(
        "consultations/<slug:slug>/outcome/decisions/new/",
        outcomes.decision_add,
        name="outcome-decision-add",
    ),
    path(
        "consultations/<slug:slug>/outcome/decisions/<int:decision>/",
        outcomes.decision_edit,
        name="outcome-decision-edit",
    ),
    path(
        "consultations/<slug:slug>/outcome/decisions/<int:decision>/remove/",
        outcomes.decision_delete,
        name="outcome-decision-delete",
    ),
    path(
        "consultations/<slug:slug>/outcome/decisions/<int:decision>/new-action/",
        outcomes.decision_new_action,
        name="outcome-decision-new-action",
    ),
    path(
        "consultations/<slug:slug>/outcome/publish/",
        outcomes.outcome_publish,
        name="outcome-publish",
    ),
]
