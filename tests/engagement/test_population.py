"""Luton's population figures: what the data migration loads (and what it leaves out), and the
staff page that changes them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from engagement.models import PopulationShare
from engagement.selectors.representation import population_categories
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward

pytestmark = pytest.mark.django_db

URL = "engagement-staff:population"


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _post_data(changes: dict[tuple[str, str], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The form as the page shows it, with ``changes`` made to some categories."""
    categories = population_categories()
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": str(len(categories)),
        "form-INITIAL_FORMS": str(len(categories)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, category in enumerate(categories):
        row: dict[str, Any] = {"share": "", "source": "", "checked": False}
        if category.figure is not None:
            row = {
                "share": str(category.figure.share),
                "source": category.figure.source,
                "checked": category.figure.checked,
            }
        row.update((changes or {}).get((category.dimension, category.category), {}))
        data[f"form-{i}-share"] = row["share"]
        data[f"form-{i}-source"] = row["source"]
        if row["checked"]:
            data[f"form-{i}-checked"] = "on"
    return data


# --- What the migration loaded ---------------------------------------------------------------


def test_the_migration_loads_only_figures_it_can_name_a_census_table_for() -> None:
    figures = {(s.dimension, s.category): s for s in PopulationShare.objects.all()}
    assert {key: figure.share for key, figure in figures.items()} == {
        ("sex", "female"): Decimal("49.90"),
        ("sex", "male"): Decimal("50.10"),
        ("ethnic_group", "asian"): Decimal("37.00"),
        ("ethnic_group", "black"): Decimal("10.10"),
        ("ethnic_group", "white"): Decimal("45.20"),
    }
    assert not any(figure.checked for figure in figures.values())
    assert "TS008" in figures[("sex", "male")].source
    assert "TS021" in figures[("ethnic_group", "asian")].source
    # No guessed ward, age or disability figures.
    assert not PopulationShare.objects.filter(
        dimension__in=["ward", "age_band", "disability"]
    ).exists()


# --- Who may see the page --------------------------------------------------------------------


def test_council_staff_see_every_ward_and_answer(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    page = _text(response)
    for ward in Ward.objects.all():
        assert f">{ward.name}</th>" in page
    assert ">Asian or Asian British</th>" in page
    assert "Prefer not to say" not in page  # nobody's population "prefers not to say"


@pytest.mark.parametrize("persona", ["resident", "org_editor", "outsider", "taskforce_member"])
def test_nobody_else_does(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), _post_data()).status_code == 403


def test_anonymous_are_sent_to_sign_in_and_staff_without_mfa_to_set_it_up(
    client: Client, staff_without_mfa: User
) -> None:
    assert reverse("account_login") in client.get(reverse(URL))["Location"]
    client.force_login(staff_without_mfa)
    assert reverse("mfa_activate_totp") in client.get(reverse(URL))["Location"]


# --- Changing the figures --------------------------------------------------------------------


def test_staff_add_change_and_remove_figures_and_each_change_is_audited(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    response = client.post(
        reverse(URL),
        _post_data(
            {
                ("ward", "lewsey"): {
                    "share": "5.6",
                    "source": "ONS ward population estimates, mid-2022",
                    "checked": True,
                },
                ("sex", "female"): {"checked": True},
                ("ethnic_group", "white"): {"share": ""},
            }
        ),
    )
    assert response.status_code == 302
    lewsey = PopulationShare.objects.get(dimension="ward", category="lewsey")
    assert (lewsey.share, lewsey.checked) == (Decimal("5.60"), True)
    assert PopulationShare.objects.get(dimension="sex", category="female").checked
    assert not PopulationShare.objects.filter(category="white").exists()

    events = AuditEvent.objects.filter(actor=staff).order_by("pk")
    assert sorted(event.verb for event in events) == [
        "engagement.population_share.added",
        "engagement.population_share.changed",
        "engagement.population_share.removed",
    ]
    changed = events.get(verb="engagement.population_share.changed")
    assert changed.changes["before"]["checked"] is False
    assert changed.changes["after"]["checked"] is True
    assert "3 figures changed" in _text(client.get(reverse(URL)))


def test_saving_without_changes_records_nothing(client: Client, staff: User) -> None:
    client.force_login(staff)
    client.post(reverse(URL), _post_data())
    assert not AuditEvent.objects.filter(verb__startswith="engagement.population_share").exists()
    assert "nothing had changed" in _text(client.get(reverse(URL)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"share": "150"}, "Enter a share between 0 and 100"),
        ({"share": "-1"}, "Enter a share between 0 and 100"),
        ({"share": "a lot"}, "Enter the share as a number, like 12.5"),
        ({"share": "4.567"}, "no more than 2 decimal places"),
        ({"share": "4", "source": ""}, "Enter where the figure for Ward: Barnfield comes from"),
    ],
)
def test_bad_figures_are_refused_with_a_message_and_kept(
    client: Client, staff: User, change: dict[str, str], message: str
) -> None:
    client.force_login(staff)
    row = {"share": "4", "source": "ONS", "checked": False} | change
    response = client.post(reverse(URL), _post_data({("ward", "barnfield"): row}))
    assert response.status_code == 400
    page = _text(response)
    assert "There is a problem" in page
    assert message in page
    assert f'value="{row["share"]}"' in page
    assert not PopulationShare.objects.filter(dimension="ward").exists()


def test_a_question_shares_must_not_add_up_to_more_than_100(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.post(
        reverse(URL), _post_data({("sex", "female"): {"share": "60"}})
    )  # 60 + 50.1
    assert response.status_code == 400
    assert "The sex shares add up to 110.1%" in _text(response)
    assert PopulationShare.objects.get(category="female").share == Decimal("49.90")


def test_rounding_may_take_a_question_a_little_over_100(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.post(reverse(URL), _post_data({("sex", "female"): {"share": "50.2"}}))
    assert response.status_code == 302


def test_the_page_costs_a_fixed_number_of_queries(
    client: Client, staff: User, django_assert_num_queries: Any
) -> None:
    client.force_login(staff)
    client.get(reverse(URL))
    # Session, user, roles, MFA (once a request), figures, wards.
    with django_assert_num_queries(6):
        assert client.get(reverse(URL)).status_code == 200
