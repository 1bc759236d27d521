from django.urls import path

from . import views

app_name = "engagement"

urlpatterns = [
    path("", views.index, name="index"),
]
