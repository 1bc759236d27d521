"""Council staff set up an assembly: its details and sessions, the standard features with
Luton's population shares, features of their own, quotas (suggested from the population), and
publishing it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from engagement.models import (
    Assembly,
    AssemblySession,
    EqualityMonitoring,
    FeatureCategory,
    PopulationShare,
    StratificationFeature,
)
from engagement.services import assemblies as services
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward

from ..factories import AssemblyFactory


def _text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _create_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Luton citizens' assembly on the cost of living",
        "question": "How can Luton make sure no one goes without food or warmth?",
        "summary": "The council wants residents' help to decide where support should go.",
        "starts_on": "6/3/2027",
        "ends_on": "27/3/2027",
        "recruitment_closes_on": "1/2/2027",
        "target_size": "30",
        "reserves": "5",
        "algorithm": "maximin",
    }
    data.update(overrides)
    return data


def test_a_new_assembly_starts_as_a_draft_with_the_standard_features_and_population_shares(
    client: Client, staff: User
) -> None:
    PopulationShare.objects.update_or_create(
        dimension="age_band",
        category="65-plus",
        defaults={"share": Decimal("11.2"), "source": "Test"},
    )
    client.force_login(staff)
    response = client.post(reverse("engagement-staff:assembly-create"), _create_form())

    assembly = Assembly.objects.get()
    assert response["Location"] == reverse(
        "engagement-staff:assembly-overview", kwargs={"pk": assembly.pk}
    )
    assert assembly.status == Assembly.Status.DRAFT
    assert assembly.slug == "luton-citizens-assembly-on-the-cost-of-living"
    features = list(assembly.features.order_by("position"))
    assert [f.key for f in features] == ["ward", "age_band", "sex", "ethnic_group", "disability"]
    wards = FeatureCategory.objects.filter(feature=features[0])
    assert sorted(wards.values_list("key", flat=True)) == sorted(
        Ward.objects.values_list("slug", flat=True)
    )
    ages = FeatureCategory.objects.filter(feature=features[1])
    assert list(ages.values_list("key", flat=True)) == list(EqualityMonitoring.AgeBand.values)
    # Population shares come from the figures kept for equality monitoring, where there are any.
    shares = dict(
        FeatureCategory.objects.filter(
            feature__assembly=assembly, key__in=["65-plus", "female"]
        ).values_list("key", "population_share")
    )
    assert shares["65-plus"] == Decimal("11.20")
    assert shares["female"] == PopulationShare.objects.get(dimension="sex", category="female").share
    assert ages.get(key="not-said").population_share is None
    # No quota until staff set one: none to all of the seats.
    assert set(ages.values_list("min_seats", "max_seats")) == {(0, 30)}
    assert AuditEvent.objects.filter(verb="assembly.created", object_id=str(assembly.pk)).exists()


def test_the_assembly_form_explains_mistakes_and_keeps_what_was_typed(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    response = client.post(
        reverse("engagement-staff:assembly-create"),
        _create_form(
            title="", ends_on="1/3/2027", recruitment_closes_on="31/2/2027", target_size="1"
        ),
    )
    page = _text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a title" in page
    assert "The last session must be on or after the first" in page
    assert "Registration closes must be a real date, like 27/3/2027" in page
    assert "Members to select must be 2 or more" in page
    assert 'value="How can Luton make sure no one goes without food or warmth?"' in page
    assert not Assembly.objects.exists()


def test_staff_change_details_but_not_the_size_once_members_are_chosen(staff: User) -> None:
    assembly = AssemblyFactory(status=Assembly.Status.MEETING)
    services.assembly_update(assembly=assembly, by=staff, changes={"title": "A new title"})
    with pytest.raises(services.AssemblyError):
        services.assembly_update(assembly=assembly, by=staff, changes={"target_size": 40})
    assembly.refresh_from_db()
    assert (assembly.title, assembly.target_size) == ("A new title", 20)


def test_sessions_are_added_changed_and_removed(client: Client, staff: User) -> None:
    assembly = AssemblyFactory()
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-sessions", kwargs={"pk": assembly.pk})
    bad = client.post(
        url,
        {"title": "Session 1", "day": "6/3/2027", "starts": "18:30", "ends": "17:00", "place": ""},
    )
    assert bad.status_code == 400
    assert "The session must end after it starts" in _text(bad)
    assert "Enter where the session is" in _text(bad)

    client.post(
        url,
        {
            "title": "Session 1",
            "day": "6/3/2027",
            "starts": "10:00",
            "ends": "16:00",
            "place": "Luton Central Library",
        },
    )
    session = AssemblySession.objects.get(assembly=assembly)
    assert session.starts_at.isoformat() == "2027-03-06T10:00:00+00:00"
    edit = reverse(
        "engagement-staff:assembly-session-edit",
        kwargs={"pk": assembly.pk, "session_pk": session.pk},
    )
    assert 'value="10:00"' in _text(client.get(edit))
    client.post(
        edit,
        {
            "title": "Session 1: learning",
            "day": "6/3/2027",
            "starts": "10:30",
            "ends": "16:00",
            "place": "Luton Central Library",
        },
    )
    session.refresh_from_db()
    assert session.title == "Session 1: learning"
    client.post(
        reverse(
            "engagement-staff:assembly-session-delete",
            kwargs={"pk": assembly.pk, "session_pk": session.pk},
        )
    )
    assert not AssemblySession.objects.exists()


def test_staff_add_their_own_feature_with_answers_while_it_is_a_draft(
    client: Client, staff: User
) -> None:
    assembly = services.assembly_create(by=staff, **_fields())
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-features", kwargs={"pk": assembly.pk})
    bad = client.post(url, {"name": "Housing", "question": "Do you own or rent?", "answers": "Own"})
    assert "Enter at least two different answers, one on each line" in _text(bad)

    client.post(
        url,
        {
            "name": "Housing",
            "question": "Do you own your home, rent it, or something else?",
            "answers": "Own\nRent from the council\nRent privately\nPrefer not to say\n",
        },
    )
    housing = StratificationFeature.objects.get(assembly=assembly, name="Housing")
    assert housing.key == "housing" and housing.position == 5
    assert list(housing.categories.values_list("label", flat=True)) == [
        "Own",
        "Rent from the council",
        "Rent privately",
        "Prefer not to say",
    ]
    extra = reverse(
        "engagement-staff:assembly-category-add",
        kwargs={"pk": assembly.pk, "feature_pk": housing.pk},
    )
    client.post(extra, {"label": "Something else"})
    assert housing.categories.filter(label="Something else").exists()
    not_said = housing.categories.get(label="Prefer not to say")
    client.post(
        reverse(
            "engagement-staff:assembly-category-delete",
            kwargs={"pk": assembly.pk, "category_pk": not_said.pk},
        )
    )
    assert not housing.categories.filter(pk=not_said.pk).exists()


def test_features_cannot_change_once_people_can_register(client: Client, staff: User) -> None:
    assembly = services.assembly_create(by=staff, **_fields())
    services.assembly_publish(assembly=assembly, by=staff)
    feature = assembly.features.get(key="sex")
    with pytest.raises(
        services.AssemblyError, match="only be changed while the assembly is a draft"
    ):
        services.feature_delete(feature=feature, by=staff)
    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:assembly-features", kwargs={"pk": assembly.pk}))
    )
    assert "can no longer be changed" in page
    assert "Add a characteristic of your own" not in page
    client.post(
        reverse(
            "engagement-staff:assembly-feature-delete",
            kwargs={"pk": assembly.pk, "feature_pk": feature.pk},
        )
    )
    assert StratificationFeature.objects.filter(pk=feature.pk).exists()


def test_suggested_quotas_come_from_the_population_and_are_saved_only_when_staff_save(
    client: Client, staff: User
) -> None:
    assembly = services.assembly_create(by=staff, **_fields())
    female = FeatureCategory.objects.get(feature__assembly=assembly, key="female")
    female.population_share = Decimal("49.9")
    female.save()
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-quotas", kwargs={"pk": assembly.pk})

    page = _text(client.get(url, {"suggest": "1"}))
    # 49.9% of 30 seats is 14.97: 15 seats, give or take one.
    assert f'name="min-{female.pk}" value="14"' in page
    assert f'name="max-{female.pk}" value="16"' in page
    assert "Suggested from Luton's population" in page
    female.refresh_from_db()
    assert (female.min_seats, female.max_seats) == (0, 30)

    data = _form_values(page)
    response = client.post(url, data)
    assert response.status_code == 302
    female.refresh_from_db()
    assert (female.min_seats, female.max_seats) == (14, 16)
    assert AuditEvent.objects.filter(verb="assembly.quotas_changed").exists()


def test_a_quota_whose_most_is_below_its_fewest_is_refused_by_name(
    client: Client, staff: User
) -> None:
    assembly = services.assembly_create(by=staff, **_fields())
    female = FeatureCategory.objects.get(feature__assembly=assembly, key="female")
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-quotas", kwargs={"pk": assembly.pk})
    data = _form_values(_text(client.get(url)))
    data[f"min-{female.pk}"], data[f"max-{female.pk}"] = "9", "4"
    data[f"share-{female.pk}"] = "fifty"
    response = client.post(url, data)
    page = _text(response)
    assert response.status_code == 400
    assert "Sex: Female: the most seats must be at least the fewest" in page
    assert "Sex: Female: the population share must be a number, like 12.5" in page
    assert f'name="min-{female.pk}" value="9"' in page
    female.refresh_from_db()
    assert (female.min_seats, female.max_seats) == (0, 30)


def test_publishing_asks_first_and_needs_two_answers_for_every_feature(
    client: Client, staff: User
) -> None:
    assembly = services.assembly_create(by=staff, **_fields())
    services.feature_add(
        assembly=assembly, by=staff, name="Housing", question="?", categories=["Own", "Rent"]
    )
    FeatureCategory.objects.filter(feature__assembly=assembly, label="Rent").delete()
    client.force_login(staff)
    url = reverse("engagement-staff:assembly-publish", kwargs={"pk": assembly.pk})
    assert "Publish this assembly?" in _text(client.get(url))
    refused = client.post(url)
    assert refused.status_code == 400
    assert "Each characteristic needs at least two answers. Add answers to: Housing." in _text(
        refused
    )

    FeatureCategory.objects.create(
        feature=assembly.features.get(name="Housing"), key="rent", label="Rent"
    )
    response = client.post(url)
    assert response.status_code == 302
    assembly.refresh_from_db()
    assert assembly.status == Assembly.Status.RECRUITING and assembly.published_at is not None


def _fields() -> dict[str, Any]:
    today = datetime.date.today()
    return {
        "title": "Cost of living assembly",
        "question": "How can Luton make sure no one goes without?",
        "summary": "Why we are asking.",
        "starts_on": today + datetime.timedelta(weeks=6),
        "ends_on": today + datetime.timedelta(weeks=10),
        "recruitment_closes_on": today + datetime.timedelta(weeks=3),
        "target_size": 30,
        "reserves": 5,
        "algorithm": "maximin",
    }


def _form_values(page: str) -> dict[str, str]:
    """The quota form's inputs as the page shows them, ready to send back."""
    return dict(re.findall(r'name="((?:min|max|share)-\d+)"(?: value="([^"]*)")?', page))
