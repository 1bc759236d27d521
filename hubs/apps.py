from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = _("Community hubs and services")

    def ready(self) -> None:
        from luton2040.accounts.roles import Role, grant

        grant(
            Role.COUNCIL_STAFF,
            *(
                f"hubs.{verb}_{model}"
                for verb in ("add", "change", "delete", "view")
                for model in ("organisation", "organisationeditor")
            ),
        )
