"""Responding to a consultation (residents) and building its survey (staff).

``urlpatterns`` join the public namespace "engagement" (/have-your-say/);
``staff_urlpatterns`` join "engagement-staff" (/staff/engagement/, behind the staff MFA gate).
"""

from __future__ import annotations

from django.urls import path

from .views import respond
from .views import survey_builder as builder

_RESPOND = "consultations/<slug:slug>/respond/"
urlpatterns: list = [
    path(_RESPOND, respond.start, name="respond"),
    path(f"{_RESPOND}<int:number>/", respond.section, name="respond-section"),
    path(f"{_RESPOND}about-you/", respond.equality, name="respond-equality"),
    path(f"{_RESPOND}check/", respond.check, name="respond-check"),
    path(f"{_RESPOND}sent/", respond.sent, name="respond-sent"),
    path(f"{_RESPOND}save/", respond.save_for_later, name="respond-save"),
    path(f"{_RESPOND}change/", respond.change, name="respond-change"),
    path(f"{_RESPOND}return/<str:token>/", respond.come_back, name="respond-return"),
]

_SURVEY = "consultations/<slug:slug>/survey/"
staff_urlpatterns: list = [
    path(_SURVEY, builder.survey_overview, name="survey"),
    path(f"{_SURVEY}sections/new/", builder.section_add, name="survey-section-add"),
    path(f"{_SURVEY}sections/<int:section_pk>/", builder.section_edit, name="survey-section-edit"),
    path(
        f"{_SURVEY}sections/<int:section_pk>/move/",
        builder.section_move,
        name="survey-section-move",
    ),
    path(
        f"{_SURVEY}sections/<int:section_pk>/delete/",
        builder.section_delete,
        name="survey-section-delete",
    ),
    path(
        f"{_SURVEY}sections/<int:section_pk>/preview/",
        builder.section_preview,
        name="survey-section-preview",
    ),
    path(
        f"{_SURVEY}sections/<int:section_pk>/questions/new/",
        builder.question_add,
        name="survey-question-add",
    ),
    path(
        f"{_SURVEY}questions/<int:question_pk>/",
        builder.question_edit,
        name="survey-question-edit",
    ),
    path(
        f"{_SURVEY}questions/<int:question_pk>/move/",
        builder.question_move,
        name="survey-question-move",
    ),
    path(
        f"{_SURVEY}questions/<int:question_pk>/delete/",
        builder.question_delete,
        name="survey-question-delete",
    ),
]
