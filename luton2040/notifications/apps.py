from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "luton2040.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from luton2040.accounts.roles import Role, grant

        from . import kinds

        kinds.register_platform_kinds()
        grant(Role.COUNCIL_STAFF, "notifications.view_notification")
