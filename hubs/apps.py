from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = _("Community hubs and services")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from luton2040.accounts.roles import Role, grant

        from . import kinds
        from .filters import VERSION_MODELS, directory_changed

        kinds.register_kinds()
        for model in VERSION_MODELS:
            post_save.connect(directory_changed, sender=model, dispatch_uid=f"version-{model}")
            post_delete.connect(directory_changed, sender=model, dispatch_uid=f"version-{model}")

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
