"""Open data downloads: public actions and public indicator figures as CSV and JSON, under the
Open Government Licence, with small numbers withheld."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from luton2040.places.models import Ward
from taskforce.models import Action

from ..factories import (
    ActionFactory,
    ActionUpdateFactory,
    CommitmentFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    OutcomeFactory,
    UserFactory,
    action_status,
)

pytestmark = pytest.mark.django_db

OGL = "Open Government Licence v3.0"


def _csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def test_the_actions_csv_lists_public_actions_with_what_the_tracker_shows(client) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory(short_name="Resident voice")
    action = ActionFactory(
        title="Warm spaces",
        outcomes=[outcome],
        commitment=CommitmentFactory(title="A hub in every ward"),
        status=action_status("at-risk"),
        progress=40,
        lead_member=UserFactory(full_name="", email="no.name@example.org"),
        lead_organisation="Marsh Farm Futures",
    )
    action.wards.add(Ward.objects.order_by("name").first())
    update = ActionUpdateFactory(action=action)
    ActionFactory(title="Internal", visibility=Action.Visibility.INTERNAL)
    ActionFactory(title="Draft", review=Action.Review.DRAFT, published_at=None)

    response = client.get(reverse("taskforce:actions-csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert OGL in response["Link"]
    assert 'rel="license"' in response["Link"]
    rows = _csv_rows(response)
    assert [row["title"] for row in rows] == ["Warm spaces"]
    row = rows[0]
    assert row["outcomes"] == str(outcome)
    assert row["commitment"] == "A hub in every ward"
    assert row["status"] == "At risk"
    assert row["rag"] == "At risk"
    assert row["progress_percent"] == "40"
    assert row["lead_member"] == ""  # never the email address
    assert row["lead_organisation"] == "Marsh Farm Futures"
    assert row["wards"] == Ward.objects.order_by("name").first().name  # type: ignore[union-attr]
    assert row["last_update_on"] == update.published_at.date().isoformat()
    assert "no.name@example.org" not in json.dumps(rows)


def test_the_actions_csv_applies_the_tracker_filters(client) -> None:  # type: ignore[no-untyped-def]
    ActionFactory(title="At risk one", status=action_status("at-risk"))
    ActionFactory(title="On track one", status=action_status("in-progress"))

    rows = _csv_rows(client.get(reverse("taskforce:actions-csv"), {"status": "at-risk"}))

    assert [row["title"] for row in rows] == ["At risk one"]


def test_bad_filters_send_people_back_to_the_tracker(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("taskforce:actions-csv"), {"status": "nonsense"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('taskforce:index')}?status=nonsense"


def test_cells_that_would_run_as_formulas_are_neutralised(client) -> None:  # type: ignore[no-untyped-def]
    ActionFactory(title='=HYPERLINK("http://evil.example")', lead_organisation="+44 trick")

    rows = _csv_rows(client.get(reverse("taskforce:actions-csv")))

    assert rows[0]["title"].startswith("'=")
    assert rows[0]["lead_organisation"] == "'+44 trick"


def test_the_actions_json_carries_the_licence_and_the_public_actions(client) -> None:  # type: ignore[no-untyped-def]
    group_action = ActionFactory(title="For young people", progress=60)
    ActionFactory(title="Internal", visibility=Action.Visibility.INTERNAL)

    response = client.get(reverse("taskforce:actions-json"))

    data = response.json()
    assert data["licence"]["name"] == OGL
    assert data["licence"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    assert [item["reference"] for item in data["actions"]] == [group_action.reference]
    assert data["actions"][0]["progress_percent"] == 60
    assert data["actions"][0]["url"].endswith(group_action.get_absolute_url())


def _figures() -> None:
    indicator = IndicatorFactory(name="Feel they belong", slug="belong")
    IndicatorValueFactory(indicator=indicator, value=84, sample_size=1200)
    wards = list(Ward.objects.order_by("name")[:2])
    IndicatorValueFactory(indicator=indicator, ward=wards[0], value=78, sample_size=150)
    IndicatorValueFactory(indicator=indicator, ward=wards[1], value=61, sample_size=4)
    hidden = IndicatorFactory(name="Internal measure", is_public=False)
    IndicatorValueFactory(indicator=hidden, value=12)


def test_indicator_values_csv_blanks_suppressed_figures_and_flags_them(client) -> None:  # type: ignore[no-untyped-def]
    _figures()

    response = client.get(reverse("taskforce:indicator-values-csv"))

    assert OGL in response["Link"]
    rows = _csv_rows(response)
    assert {row["indicator"] for row in rows} == {"belong"}
    by_place = {row["breakdown_name"]: row for row in rows}
    assert by_place["Luton"]["value"] == "84.00"
    assert by_place["Luton"]["suppressed"] == "no"
    small = [row for row in rows if row["suppressed"] == "yes"]
    assert len(small) == 1
    assert small[0]["value"] == ""
    assert small[0]["sample_size"] == ""
    assert "61" not in json.dumps(rows)


def test_indicator_values_json_blanks_suppressed_figures_and_names_the_licence(client) -> None:  # type: ignore[no-untyped-def]
    _figures()

    data = client.get(reverse("taskforce:indicator-values-json")).json()

    assert data["licence"]["name"] == OGL
    suppressed = [value for value in data["values"] if value["suppressed"]]
    assert len(suppressed) == 1
    assert suppressed[0]["value"] is None
    assert suppressed[0]["sample_size"] is None
    assert "61" not in json.dumps(data["values"])
    assert "Internal measure" not in json.dumps(data)


def test_the_tracker_links_to_the_downloads_with_its_filters_and_names_the_licence(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("taskforce:index"), {"status": "at-risk", "page": "1"})
    html = response.content.decode()

    assert f'{reverse("taskforce:actions-csv")}?status=at-risk"' in html
    assert OGL in html


@pytest.mark.parametrize("count", [2, 8])
def test_downloads_make_the_same_queries_however_many_rows(
    client, django_assert_num_queries, count: int
) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory()
    for _ in range(count):
        action = ActionFactory(outcomes=[outcome, OutcomeFactory()], commitment=CommitmentFactory())
        action.wards.add(Ward.objects.order_by("name").first())
        ActionUpdateFactory(action=action)
    indicator = IndicatorFactory()
    for ward in Ward.objects.order_by("name")[:count]:
        IndicatorValueFactory(indicator=indicator, ward=ward)

    # The actions with their parents and last update, then outcomes, wards and groups.
    with django_assert_num_queries(4):
        _csv_rows(client.get(reverse("taskforce:actions-csv")))
    with django_assert_num_queries(4):
        client.get(reverse("taskforce:actions-json"))
    with django_assert_num_queries(1):
        _csv_rows(client.get(reverse("taskforce:indicator-values-csv")))
    with django_assert_num_queries(1):
        client.get(reverse("taskforce:indicator-values-json"))
