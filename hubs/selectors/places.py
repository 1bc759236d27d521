"""Community hubs as other apps need them (engagement's outreach list and hub desk). Other apps
read hubs through these, never through the models' relations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from ..models import Location


def hubs_in_wards(ward_slugs: Iterable[str]) -> dict[str, list[Location]]:
    """Community hubs in those wards, by ward slug, in name order (one query)."""
    found: dict[str, list[Location]] = {slug: [] for slug in ward_slugs}
    rows = (
        Location.objects.hubs()
        .filter(ward__slug__in=list(found))
        .select_related("ward")
        .only("pk", "name", "slug", "ward__slug", "ward__name")
        .order_by("name")
    )
    for hub in rows:
        if hub.ward is not None:
            found[hub.ward.slug].append(hub)
    return found


def hubs_run_by(user: Any, *, every_hub: bool = False) -> QuerySet[Location]:
    """The hubs of the organisations ``user`` edits, or every hub when ``every_hub`` (council
    staff), in name order."""
    hubs = Location.objects.hubs().only("pk", "name", "slug", "organisation_id").order_by("name")
    if every_hub:
        return hubs
    return hubs.filter(organisation__editor_bindings__user=user).distinct()
