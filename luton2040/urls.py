from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .notifications.urls import staff_urlpatterns as notification_staff_urls

# The admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("Luton 2040 portal administration")
admin.site.site_title = _("Luton 2040 admin")

handler403 = "luton2040.views.permission_denied"
handler404 = "luton2040.views.page_not_found"
handler500 = "luton2040.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("luton2040.accounts.urls")),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/audit/", include("luton2040.audit.urls")),
    path("notifications/", include("luton2040.notifications.urls")),
    path("staff/notifications/", include((notification_staff_urls, "notifications-staff"))),
    path("find-support/", include("hubs.urls")),
    path("staff/directory/", include("hubs.urls_staff")),
    path("api/oruk/v3/", include("hubs.api_urls")),
    path("taskforce/", include("taskforce.urls")),
    path("staff/taskforce/", include("taskforce.urls_staff")),
    path("have-your-say/", include("engagement.urls")),
    path("staff/engagement/", include("engagement.urls_staff")),
    path("admin/", admin.site.urls),
]
