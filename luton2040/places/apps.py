from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "luton2040.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from luton2040.accounts.roles import Role, grant

        # Staff keep ward names and codes right. No delete: hubs, consultations and people's
        # preferences point at wards, and a boundary change is an edit, not a removal.
        grant(Role.COUNCIL_STAFF, "places.view_ward", "places.add_ward", "places.change_ward")
