"""seed_demo: realistic, labelled, idempotent, and never on a live site."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hubs.models import Organisation, OrganisationEditor, TaxonomyTerm
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
