"""seed_demo: realistic, labelled, idempotent, and never on a live site."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from hubs.models import (
    Attribute,
    ListingReport,
    Location,
    Organisation,
    OrganisationEditor,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role
from taskforce.models import Commitment, Outcome, Priority

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "priorities": Priority.objects.count(),
        "outcomes": Outcome.objects.count(),
        "commitments": Commitment.objects.count(),
        "taxonomy terms": TaxonomyTerm.objects.count(),
        "organisations": Organisation.objects.count(),
        "services": Service.objects.count(),
        "locations": Location.objects.count(),
        "hubs": Location.objects.filter(is_hub=True).count(),
        "services at locations": ServiceAtLocation.objects.count(),
        "schedules": Schedule.objects.count(),
        "exceptions": ScheduleException.objects.count(),
        "attributes": Attribute.objects.count(),
        "reports": ListingReport.objects.count(),
    }


def test_seed_demo_is_refused_when_debug_is_off(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_seed_demo_loads_the_vocabulary_and_one_user_per_role(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert list(Outcome.objects.order_by("number").values_list("short_name", flat=True)) == [
        "Fairness",
        "Resilience",
        "Thriving voluntary and community sector",
        "Resident voice",
        "Welcoming and compassionate town",
    ]
    assert Priority.objects.count() == 5
    assert Commitment.objects.count() == 5
    assert set(
        TaxonomyTerm.objects.filter(taxonomy__kind="programme").values_list("name", flat=True)
    ) == {
        "Food First",
        "Warm Spaces",
        "City of Sanctuary",
    }
    for role in Role:
        user = User.objects.get(
            groups__name=role.value, email__endswith="@demo.example.org", email__regex=r"^[a-z]+@"
        )
        assert user.emailaddress_set.get().verified
        assert user.email in out.getvalue()  # the logins are printed
    editor = User.objects.get(email="editor@demo.example.org")
    assert OrganisationEditor.objects.filter(user=editor).exists()
    # Demo data says it is demo data.
    assert all("demo" in o.name.lower() for o in Organisation.objects.all())


def test_seed_demo_twice_changes_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_scale_multiplies_the_generated_data(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    small = _counts()
    call_command("seed_demo", "--scale", "3", stdout=StringIO())
    large = _counts()
    assert large["users"] == small["users"] + 100
    assert large["organisations"] == small["organisations"] + 40
    assert large["outcomes"] == small["outcomes"]  # the vocabulary does not scale
    assert large["services"] == small["services"] + 50
    assert large["locations"] == small["locations"] + 4
    assert large["schedules"] > small["schedules"] + 50
    generated = Service.objects.filter(slug__startswith="demo-generated-")
    assert all(name.endswith("(demo)") for name in generated.values_list("name", flat=True))
    assert Attribute.objects.filter(service__in=generated, link_type="category").count() == 50


def test_seed_demo_fills_the_directory_with_labelled_luton_listings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    hubs = Location.objects.filter(is_hub=True)
    assert hubs.count() >= 12
    assert hubs.values("ward").distinct().count() >= 10
    for hub in hubs:
        assert 51.86 <= hub.latitude <= 51.91 and -0.49 <= hub.longitude <= -0.38
        assert hub.addresses.get().postal_code[:3] in {"LU1", "LU2", "LU3", "LU4"}
    assert Service.objects.count() >= 35
    # Everything says it is demo data, so no screenshot passes for the real directory.
    for name in [
        *Organisation.objects.values_list("name", flat=True),
        *Service.objects.values_list("name", flat=True),
        *Location.objects.values_list("name", flat=True),
    ]:
        assert "(demo" in name, name
    assert not Service.objects.exclude(description__contains="Demo listing: not a real service.")
    # All three programmes are used, by services and by hubs.
    for kind_filter in ({"service__isnull": False}, {"location__isnull": False}):
        used = set(
            Attribute.objects.filter(link_type="programme", **kind_filter).values_list(
                "taxonomy_term__slug", flat=True
            )
        )
        assert used == {"food-first", "warm-spaces", "city-of-sanctuary"}
    # The cases the pages must handle.
    food_bank = Service.objects.get(slug="demo-biscot-food-bank")
    assert food_bank.referral == Service.Referral.REFERRAL
    assert food_bank.who_can_refer and food_bank.what_to_bring
    pantry = Service.objects.get(slug="demo-biscot-community-pantry")
    assert str(pantry.cost_options.get().amount) == "3.50"
    assert Schedule.objects.filter(byday="-1FR", freq="MONTHLY").exists()
    assert Schedule.objects.filter(interval=2, dtstart__isnull=False).exists()
    assert Schedule.objects.filter(opens_at__gt=F("closes_at")).exists()  # past midnight
    assert Schedule.objects.filter(valid_from__month=11, valid_to__month=3).exists()
    assert Service.objects.filter(status="temporarily closed").exclude(alert="").exists()
    assert Service.objects.filter(status="defunct").count() == 1
    assert Service.objects.filter(unconfirmed_since__isnull=False).exists()
    assert ScheduleException.objects.filter(closed=False).exists()
    assert ScheduleException.objects.filter(reason__startswith="Christmas").exists()
    assert {r.status for r in ListingReport.objects.all()} == {"received", "fixed"}
    editor_organisation = OrganisationEditor.objects.get(
        user__email="editor@demo.example.org"
    ).organisation
    assert editor_organisation.services.count() >= 3
