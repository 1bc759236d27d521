from django.urls import path

from . import staff_views, views

app_name = "notifications"

# Mounted at /notifications/ (residents) and /staff/notifications/ (council staff) by
# luton2040/urls.py; staff URLs sit under /staff/ so the MFA gate covers them.
urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("follow/", views.follow, name="follow"),
    path("follow/confirm/<str:token>/", views.confirm_follow, name="confirm-follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

staff_urlpatterns = [
    path("", staff_views.notification_list, name="list"),
    path("<int:pk>/", staff_views.notification_detail, name="detail"),
    path("<int:pk>/retry/", staff_views.notification_retry, name="retry"),
]
