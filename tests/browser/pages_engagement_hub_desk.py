"""Sweep entries for engagement's hub desk pages (see test_pages.py): the desk and a
consultation's entry page as a hub editor, who is responding with every kind of row (shown,
fewer than 10, hidden to protect a smaller figure, no population figure, outreach hubs), and the
population figures, as council staff."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from .pagespec import PageSpec


def _survey(request: pytest.FixtureRequest, **kwargs: Any) -> Any:
    """A consultation with a question of every kind the desk enters, in two sections; and the
    org editor's hub."""
    from tests.factories import (
        ConsultationFactory,
        LocationFactory,
        QuestionFactory,
        SectionFactory,
    )

    organisation = request.getfixturevalue("organisation")
    request.getfixturevalue("org_editor")
    LocationFactory(organisation=organisation, is_hub=True, name="Marsh Farm Community Hub")
    consultation = ConsultationFactory(title="Buses in Luton", **kwargs)
    first = SectionFactory(consultation=consultation, title="Bus routes")
    second = SectionFactory(consultation=consultation, title="About the journey")
    QuestionFactory(
        section=first,
        kind="single-choice",
        text="Should the 31 run on Sundays?",
        required=True,
        options=["Yes", "No"],
        allow_other=True,
    )
    QuestionFactory(
        section=first, kind="multiple-choice", text="Which do you use?", options=["Bus", "Train"]
    )
    QuestionFactory(section=first, kind="scale", text="Buses are on time", options=["Agree", "No"])
    QuestionFactory(section=first, kind="ranking", text="Rank these", options=["Cost", "Time"])
    QuestionFactory(section=second, kind="long-text", text="Anything else?")
    QuestionFactory(section=second, kind="short-text", text="Your nearest stop")
    QuestionFactory(section=second, kind="number", text="Trips a week", min_value=0, max_value=50)
    QuestionFactory(section=second, kind="date", text="When did you last travel?")
    QuestionFactory(section=second, kind="ward", text="Which ward?")
    QuestionFactory(section=second, kind="postcode", text="Your postcode")
    return consultation


def _open_entry(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _survey(request).slug}


def _closed_entry(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    consultation = _survey(
        request,
        status="closed",
        opens_at=now - datetime.timedelta(weeks=6),
        closes_at=now - datetime.timedelta(days=1),
    )
    return {"slug": consultation.slug}


def _desk(request: pytest.FixtureRequest) -> None:
    from django.utils import timezone

    from tests.factories import ConsultationFactory

    request.getfixturevalue("org_editor")
    now = timezone.now()
    ConsultationFactory(title="Buses in Luton")
    ConsultationFactory(
        title="Parks and open spaces",
        status="closed",
        opens_at=now - datetime.timedelta(weeks=6),
        closes_at=now - datetime.timedelta(days=1),
    )


def _who_is_responding(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    from engagement.models import Channel, EqualityMonitoring, PopulationShare
    from luton2040.places.models import Ward
    from tests.factories import ConsultationFactory, LocationFactory, ResponseFactory

    consultation = ConsultationFactory(title="Buses in Luton")
    wards = {ward.slug: ward for ward in Ward.objects.all()}
    PopulationShare.objects.create(
        dimension="ward", category="leagrave", share=30, source="Test figure"
    )
    PopulationShare.objects.create(
        dimension="ward", category="biscot", share=5, source="Test figure", checked=True
    )
    LocationFactory(is_hub=True, name="Leagrave Community Hub", ward=wards["leagrave"])
    for _ in range(12):
        ResponseFactory(consultation=consultation)
    for _ in range(3):
        ResponseFactory(consultation=consultation, respondent=None, channel=Channel.PAPER)
    rows = [
        # (count, ward, age band, sex, ethnic group)
        (30, "biscot", "25-34", "female", "asian"),
        (12, "farley", "50-64", "male", "white"),
        (3, "dallow", "65-plus", "female", "black"),
        (4, None, "not-said", "not-said", "not-said"),
    ]
    for count, ward, age, sex, ethnic in rows:
        EqualityMonitoring.objects.bulk_create(
            EqualityMonitoring(
                consultation=consultation,
                ward=wards[ward] if ward else None,
                age_band=age,
                sex=sex,
                ethnic_group=ethnic,
                disability="no",
                recorded_on=timezone.localdate(),
            )
            for _ in range(count)
        )
    return {"slug": consultation.slug}


PAGES: list[PageSpec] = [
    PageSpec("engagement:hub-desk", persona="org_editor", setup=_desk),
    PageSpec("engagement:hub-desk", persona="staff"),  # nothing taking responses
    PageSpec("engagement:hub-desk", persona="resident", status=403),
    PageSpec("engagement:hub-desk-entry", persona="org_editor", setup=_open_entry),
    PageSpec("engagement:hub-desk-entry", persona="staff", setup=_closed_entry),
    PageSpec("engagement-staff:who-is-responding", persona="staff", setup=_who_is_responding),
    PageSpec("engagement-staff:population", persona="staff"),
]
