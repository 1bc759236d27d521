from __future__ import annotations

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("audit-log.csv", views.event_list_csv, name="event-list-csv"),
]
