from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "luton2040.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import own_data, receivers  # noqa: F401  (own_data registers on import)
        from .roles import Role, grant, sync_roles

        receivers.connect()
        # Each app says what personal data it holds and how long it keeps it in its own
        # `personal_data.py` and `retention.py` (the admin finds `admin.py` the same way), so
        # the platform imports no domain app.
        autodiscover_modules("personal_data", "retention")

        grant(
            Role.COUNCIL_STAFF,
            "accounts.view_user",
            "accounts.change_user",
            "auth.view_group",
        )
        # After every migrate, like Django's own permission creation: the role groups exist
        # and hold exactly the permissions granted in code.
        post_migrate.connect(sync_roles, dispatch_uid="accounts.sync_roles")
