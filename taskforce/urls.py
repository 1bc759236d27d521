from django.urls import path

from . import views

app_name = "taskforce"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/", views.report_list, name="report-list"),
]
