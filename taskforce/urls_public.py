"""Public pages: the tracker, actions, outcomes, indicators, downloads."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import indicators as indicator_views
from .views import public

urlpatterns: list[URLPattern] = [
    path("", public.index, name="index"),
    path("actions/<str:reference>/", public.action_detail, name="action-detail"),
    path("outcomes/", public.outcome_list_page, name="outcome-list"),
    path("outcomes/<slug:slug>/", public.outcome_detail, name="outcome-detail"),
    path("data/actions.csv", public.actions_csv, name="actions-csv"),
    path("data/actions.json", public.actions_json, name="actions-json"),
    path("data/indicator-values.csv", public.indicator_values_csv, name="indicator-values-csv"),
    path("data/indicator-values.json", public.indicator_values_json, name="indicator-values-json"),
    path("indicators/<slug:slug>/", indicator_views.indicator_detail, name="indicator-detail"),
]
