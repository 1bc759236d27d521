"""Sweep entries for the directory's organisation editor and staff review pages."""

from __future__ import annotations

from typing import Any

import pytest

from .pagespec import PageSpec


def _service(request: pytest.FixtureRequest) -> dict[str, Any]:
    from tests.factories import editable_service

    organisation = request.getfixturevalue("organisation")
    request.getfixturevalue("org_editor")
    return {"slug": editable_service(organisation).slug}


def _hub(request: pytest.FixtureRequest) -> dict[str, Any]:
    from tests.factories import AddressFactory, LocationFactory

    organisation = request.getfixturevalue("organisation")
    request.getfixturevalue("org_editor")
    hub = LocationFactory(organisation=organisation, is_hub=True)
    AddressFactory(location=hub)
    return {"slug": hub.slug}


def _organisation(request: pytest.FixtureRequest) -> dict[str, Any]:
    request.getfixturevalue("org_editor")
    return {"organisation": request.getfixturevalue("organisation").slug}


def _listings(request: pytest.FixtureRequest) -> None:
    """Your listings with one of each review state: waiting, approved, not approved."""
    from hubs.models import ListingEdit
    from tests.factories import LocationFactory, editable_service

    organisation = request.getfixturevalue("organisation")
    editor = request.getfixturevalue("org_editor")
    waiting, approved, rejected = (editable_service(organisation) for _ in range(3))
    LocationFactory(organisation=organisation, is_hub=True)
    for service, status, reason in (
        (waiting, "pending", ""),
        (approved, "approved", ""),
        (rejected, "rejected", "Add the postcode of the hall."),
    ):
        ListingEdit.objects.create(
            organisation=organisation,
            kind="service",
            service=service,
            proposed={"name": service.name},
            status=status,
            reason=reason,
            submitted_by=editor,
        )
    return None


def _proposal(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A proposed change to a service made through the real snapshot code, with a changed
    description (word diff), a moved session and a new language."""
    from hubs.models import ListingEdit
    from hubs.services.review import service_snapshot
    from tests.factories import editable_service

    organisation = request.getfixturevalue("organisation")
    editor = request.getfixturevalue("org_editor")
    service = editable_service(organisation, description="Food parcels. Bring a bag.")
    published = service_snapshot(service)
    proposed = {
        **published,
        "description": "Food parcels. No referral needed.",
        "languages": [*published["languages"], {"code": "pl", "name": "Polish"}],
    }
    proposed["locations"][0]["schedules"][0]["byday"] = "SA"
    edit = ListingEdit.objects.create(
        organisation=organisation,
        kind="service",
        service=service,
        proposed=proposed,
        published=published,
        submitted_by=editor,
    )
    return {"pk": edit.pk}


def _sent(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _proposal(request)


PAGES: list[PageSpec] = [
    PageSpec("hubs:manage", persona="org_editor", setup=_listings),
    PageSpec("hubs:service-edit", persona="org_editor", setup=_service),
    PageSpec("hubs:service-propose", persona="org_editor", setup=_organisation),
    PageSpec("hubs:hub-edit", persona="org_editor", setup=_hub),
    PageSpec("hubs:hub-propose", persona="org_editor", setup=_organisation),
    PageSpec("hubs:edit-sent", persona="org_editor", setup=_sent),
    PageSpec("hubs:service-edit", persona="outsider", status=403, setup=_service),
    PageSpec("hubs-staff:review-list", persona="staff", setup=lambda r: _proposal(r) and None),
    PageSpec("hubs-staff:review-detail", persona="staff", setup=_proposal),
]
