from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("your-data/", views.your_data, name="your-data"),
    path("your-data/download/", views.your_data_json, name="your-data-json"),
    path("delete/", views.delete_account, name="delete"),
    path("deleted/", views.account_deleted, name="deleted"),
]
