"""Sweep entries for engagement's consultations pages (see test_pages.py): the public list and
consultation pages as anyone sees them, and council staff's pages."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from .pagespec import PageSpec

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _media(request: pytest.FixtureRequest) -> None:
    # Uploaded documents go to the test's own folder, not the checkout's .data/media.
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = request.getfixturevalue("tmp_path")


def _consultation(request: pytest.FixtureRequest, **kwargs: Any) -> Any:
    """A consultation with wards, groups, topics and a document: every part of its pages."""
    from engagement.services.consultations import document_add
    from luton2040.places.models import Ward
    from taskforce.models import PopulationGroup

    from ..factories import ConsultationFactory

    _media(request)
    consultation = ConsultationFactory(
        title="Bus routes in south Luton",
        summary="Tell us which bus routes matter most to you.",
        description="We are reviewing routes.\n\nThis is why.",
        topics=["transport", "community"],
        contact_email="buses@luton.gov.uk.example",
        **kwargs,
    )
    consultation.wards.set(Ward.objects.filter(slug__in=["south", "farley"]))
    consultation.groups.set(PopulationGroup.objects.order_by("position")[:2])
    document_add(
        consultation=consultation,
        by=None,  # type: ignore[arg-type]
        title="Proposed bus routes (map)",
        upload=io.BytesIO(PDF),
        file_name="routes.pdf",
    )
    return consultation


def _open(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _consultation(request).slug}


def _forthcoming(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    consultation = _consultation(
        request,
        status="forthcoming",
        opens_at=now + datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(weeks=6),
    )
    return {"slug": consultation.slug}


def _closed(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    consultation = _consultation(
        request,
        status="awaiting-outcome",
        publish_results=True,
        opens_at=now - datetime.timedelta(weeks=20),
        closes_at=now - datetime.timedelta(weeks=13),
    )
    return {"slug": consultation.slug}


def _draft(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _consultation(request, status="draft", published_at=None).slug}


def _list(request: pytest.FixtureRequest) -> None:
    """One consultation in each state residents see, and a draft they do not."""
    from django.utils import timezone

    from ..factories import ConsultationFactory, ResponseFactory

    now = timezone.now()
    open_one = ConsultationFactory(title="Warm spaces this winter", topics=["cost-of-living"])
    ResponseFactory(consultation=open_one)
    ConsultationFactory(
        title="Parks in Lewsey",
        status="forthcoming",
        opens_at=now + datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(weeks=5),
    )
    ConsultationFactory(
        title="Library opening hours",
        status="awaiting-outcome",
        opens_at=now - datetime.timedelta(weeks=20),
        closes_at=now - datetime.timedelta(weeks=13),
    )
    ConsultationFactory(
        title="Youth centre plans",
        status="outcome-published",
        opens_at=now - datetime.timedelta(weeks=30),
        closes_at=now - datetime.timedelta(weeks=26),
    )
    ConsultationFactory(title="Not yet ready", status="draft", published_at=None)
    return None


def _filtered(request: pytest.FixtureRequest) -> dict[str, Any]:
    _list(request)
    return {"?query": "status=open&status=closed&topic=cost-of-living&ward=biscot"}


def _bad_filter(request: pytest.FixtureRequest) -> dict[str, Any]:
    _list(request)
    return {"?query": "ward=atlantis"}


def _document(request: pytest.FixtureRequest) -> dict[str, Any]:
    consultation = _consultation(request, status="draft", published_at=None)
    return {"slug": consultation.slug, "pk": consultation.documents.get().pk}


PAGES: list[PageSpec] = [
    PageSpec("engagement:index", setup=_list),
    PageSpec("engagement:index", setup=_filtered),
    PageSpec("engagement:index", setup=_bad_filter),
    PageSpec("engagement:consultation", setup=_open),
    PageSpec("engagement:consultation", persona="resident", setup=_forthcoming),
    PageSpec("engagement:consultation", setup=_closed),
    PageSpec("engagement:consultation", setup=_draft, status=404),
    PageSpec("engagement:consultation", persona="staff", setup=_draft),
    PageSpec("engagement-staff:consultation-list", persona="staff", setup=_list),
    PageSpec("engagement-staff:consultation-create", persona="staff"),
    PageSpec("engagement-staff:consultation-detail", persona="staff", setup=_draft),
    PageSpec("engagement-staff:consultation-detail", persona="staff", setup=_closed),
    PageSpec("engagement-staff:consultation-edit", persona="staff", setup=_draft),
    PageSpec("engagement-staff:consultation-edit", persona="staff", setup=_open),
    PageSpec("engagement-staff:consultation-publish", persona="staff", setup=_draft),
    PageSpec("engagement-staff:documents", persona="staff", setup=_open),
    PageSpec("engagement-staff:document-remove", persona="staff", setup=_document),
]
