from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = _("Community hubs and services")

    def ready(self) -> None:
        from luton2040.accounts.roles import Role, grant

        from . import kinds

        kinds.register_kinds()

        grant(
            Role.COUNCIL_STAFF,
            *(
                f"hubs.{verb}_{model}"
                for verb in ("add", "change", "delete", "view")
                for model in (
                    "organisation",
                    "organisationeditor",
                    "organisationidentifier",
                    "service",
                    "location",
                    "serviceatlocation",
                    "address",
                    "contact",
                    "phone",
                    "language",
                    "accessibility",
                    "servicearea",
                    "costoption",
                    "funding",
                    "requireddocument",
                    "schedule",
                    "scheduleexception",
                    "taxonomy",
                    "taxonomyterm",
                    "attribute",
                    "listingreport",
                    "listingedit",
                )
            ),
        )
