"""An outcome's page: its statement and summary, its indicators as charts beside tables with the
ward equity gap, and its actions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from luton2040.places.models import Ward
from taskforce.models import Action

from ..factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    OutcomeFactory,
    action_status,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(strip_tags(response.content.decode()).split())


def _page(client, outcome):  # type: ignore[no-untyped-def]
    return client.get(reverse("taskforce:outcome-detail", kwargs={"slug": outcome.slug}))


def _indicator_with_wards(outcome, **kwargs):  # type: ignore[no-untyped-def]
    indicator = IndicatorFactory(
        outcome=outcome, name="Residents who feel they belong", unit="%", **kwargs
    )
    IndicatorValueFactory(
        indicator=indicator,
        period_label="2023/24",
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2024, 3, 31),
        value=80,
    )
    IndicatorValueFactory(indicator=indicator, value=84)  # 2024/25, the town figure
    wards = list(Ward.objects.order_by("name")[:2])
    IndicatorValueFactory(indicator=indicator, ward=wards[0], value=78, sample_size=200)
    # Too few people behind this one to publish it.
    IndicatorValueFactory(indicator=indicator, ward=wards[1], value=61, sample_size=4)
    return indicator, wards


def test_the_page_shows_the_statement_summary_and_actions(client) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory(short_name="Resident voice", statement="Residents shape decisions.")
    ActionFactory(title="Listening events", outcomes=[outcome], progress=25)
    ActionFactory(title="Finished work", outcomes=[outcome], status=action_status("done"))
    ActionFactory(title="Internal work", outcomes=[outcome], visibility=Action.Visibility.INTERNAL)
    ActionFactory(title="Elsewhere")

    text = _text(_page(client, outcome))

    assert "Residents shape decisions." in text
    assert "2 actions: 1 on track, 1 done" in text
    assert "Listening events" in text
    assert "25% complete" in text
    assert "Internal work" not in text
    assert "Elsewhere" not in text
    assert "No indicators have been published for this outcome yet." in text


def test_each_indicator_has_a_chart_a_table_and_the_ward_equity_gap(client) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory()
    indicator, wards = _indicator_with_wards(outcome)

    response = _page(client, outcome)
    html = response.content.decode()
    text = _text(response)

    assert html.count("<svg") >= 2  # the line chart and the ward bar chart
    assert html.count('<table class="govuk-table">') >= 2
    assert reverse("taskforce:indicator-detail", kwargs={"slug": indicator.slug}) in html
    assert "Each ward against the town figure, 2024/25" in text
    assert "The figure for Luton as a whole is 84%" in text
    assert f"{wards[0].name} 78% 6 points below Luton" in text
    # The small number is never on the page: not as a figure, not in the chart.
    assert "61" not in text
    assert "Fewer than 10 people: not shown" in text


def test_internal_indicators_are_not_shown(client) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory()
    IndicatorFactory(outcome=outcome, name="Draft measure", is_public=False)

    text = _text(_page(client, outcome))

    assert "Draft measure" not in text


def test_an_unknown_outcome_is_not_found(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("taskforce:outcome-detail", kwargs={"slug": "no-such-outcome"}))

    assert response.status_code == 404


def test_the_outcome_list_links_every_outcome_with_its_summary(client) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory(short_name="Resident voice")
    ActionFactory(outcomes=[outcome])

    response = client.get(reverse("taskforce:outcome-list"))

    assert reverse("taskforce:outcome-detail", kwargs={"slug": outcome.slug}) in (
        response.content.decode()
    )
    assert "1 action: 1 on track" in _text(response)


@pytest.mark.parametrize("count", [2, 8])
def test_the_outcome_page_makes_the_same_queries_however_many_actions_and_figures(
    client, django_assert_num_queries, count: int
) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory()
    for _ in range(count):
        ActionFactory(parent=ActionFactory(outcomes=[outcome]), outcomes=[outcome])
    indicator, _wards = _indicator_with_wards(outcome)
    for ward in Ward.objects.order_by("name")[2 : 2 + count]:
        IndicatorValueFactory(indicator=indicator, ward=ward, value=70)
    # The outcome, its summary, the indicators and their values, the wards and groups for the
    # breakdowns, the action count and page, and the prefetches of outcomes, wards, groups and
    # parts.
    with django_assert_num_queries(11):
        response = _page(client, outcome)
    assert response.status_code == 200
