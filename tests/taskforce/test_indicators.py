"""Indicators: figures by period, ward and group; small numbers hidden from the public; members
recording and correcting figures; the public indicator page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward
from taskforce.models import Indicator, IndicatorValue, PopulationGroup
from taskforce.selectors.indicators import (
    group_breakdown,
    indicator_get,
    indicator_series,
    indicators_for_outcome,
    suppress_below,
    ward_breakdown,
)
from taskforce.services.indicators import indicator_value_delete, indicator_value_record
from tests.factories import IndicatorFactory, IndicatorValueFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

APRIL_2024 = datetime.date(2024, 4, 1)
MARCH_2025 = datetime.date(2025, 3, 31)


@pytest.fixture
def good_place() -> Indicator:
    """The residents' perception survey: 84% say their neighbourhood is a good place to live."""
    indicator = IndicatorFactory(
        name="Residents who say their neighbourhood is a good place to live",
        slug="good-place-to-live",
        baseline_value=Decimal("80"),
        baseline_period="2022/23",
        target_value=Decimal("90"),
        target_period="2030",
    )
    IndicatorValueFactory(
        indicator=indicator,
        period_label="2023/24",
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2024, 3, 31),
        value=82,
    )
    IndicatorValueFactory(indicator=indicator, value=84, sample_size=1200)
    return indicator


def _ward(slug: str) -> Ward:
    return Ward.objects.get(slug=slug)


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Selectors -------------------------------------------------------------------------------


def test_series_is_the_town_figure_over_time_oldest_first(good_place: Indicator) -> None:
    IndicatorValueFactory(indicator=good_place, ward=_ward("biscot"), value=70)
    IndicatorValueFactory(indicator=good_place, group=PopulationGroup.objects.first(), value=75)
    series = indicator_series(good_place, public=True)
    assert [(f.period_label, f.value) for f in series] == [
        ("2023/24", Decimal("82.00")),
        ("2024/25", Decimal("84.00")),
    ]


def test_a_ward_figure_from_seven_people_is_hidden_in_public_and_shown_to_members(
    good_place: Indicator,
) -> None:
    IndicatorValueFactory(indicator=good_place, ward=_ward("biscot"), value=55, sample_size=7)
    IndicatorValueFactory(indicator=good_place, ward=_ward("farley"), value=88, sample_size=None)

    _town, wards = ward_breakdown(good_place, public=True)
    figures = {ward.slug: figure for ward, figure in wards}
    assert figures["biscot"].suppressed is True
    assert figures["biscot"].value is None
    assert figures["biscot"].sample_size is None  # the small count itself is not published
    # No sample size: a rate, not a count of people; shown.
    assert figures["farley"].value == Decimal("88.00")
    assert figures["farley"].suppressed is False

    _town, member_wards = ward_breakdown(good_place, public=False)
    member_figures = {ward.slug: figure for ward, figure in member_wards}
    assert member_figures["biscot"].value == Decimal("55.00")
    assert member_figures["biscot"].suppressed is True
    assert member_figures["biscot"].sample_size == 7


def test_the_threshold_comes_from_settings(good_place: Indicator, settings) -> None:  # type: ignore[no-untyped-def]
    IndicatorValueFactory(indicator=good_place, ward=_ward("biscot"), value=55, sample_size=7)
    settings.TASKFORCE_SUPPRESS_BELOW = 5
    assert suppress_below() == 5
    _town, wards = ward_breakdown(good_place, public=True)
    assert {w.slug: f.value for w, f in wards}["biscot"] == Decimal("55.00")
    settings.TASKFORCE_SUPPRESS_BELOW = 8
    _town, wards = ward_breakdown(good_place, public=True)
    assert {w.slug: f.value for w, f in wards}["biscot"] is None


def test_ward_breakdown_lists_all_twenty_wards_for_the_latest_period(
    good_place: Indicator,
) -> None:
    # An older ward figure must not appear for the latest period.
    IndicatorValueFactory(
        indicator=good_place,
        ward=_ward("wigmore"),
        period_label="2023/24",
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2024, 3, 31),
        value=90,
    )
    IndicatorValueFactory(indicator=good_place, ward=_ward("biscot"), value=80)
    town, wards = ward_breakdown(good_place, public=True)
    assert town is not None and town.value == Decimal("84.00")
    assert len(wards) == Ward.objects.count() == 20
    figures = {ward.slug: figure for ward, figure in wards}
    assert figures["biscot"].value == Decimal("80.00")
    assert figures["wigmore"].value is None
    assert figures["wigmore"].period_label == "2024/25"

    # An earlier period on request.
    town, wards = ward_breakdown(good_place, public=True, period_start=datetime.date(2023, 4, 1))
    assert town is not None and town.value == Decimal("82.00")
    assert {w.slug: f.value for w, f in wards}["wigmore"] == Decimal("90.00")


def test_no_ward_figures_means_no_ward_rows(good_place: Indicator) -> None:
    town, wards = ward_breakdown(good_place, public=True)
    assert wards == []
    assert town is not None and town.value == Decimal("84.00")


def test_group_breakdown_lists_the_groups_with_figures(good_place: Indicator) -> None:
    first, second = PopulationGroup.objects.order_by("position")[:2]
    IndicatorValueFactory(indicator=good_place, group=first, value=71, sample_size=300)
    IndicatorValueFactory(indicator=good_place, group=second, value=60, sample_size=3)
    town, groups = group_breakdown(good_place, public=True)
    assert town is not None and town.value == Decimal("84.00")
    assert [(g, f.value, f.suppressed) for g, f in groups] == [
        (first, Decimal("71.00"), False),
        (second, None, True),
    ]


def test_internal_indicators_are_left_out_for_the_public() -> None:
    outcome = OutcomeFactory()
    shown = IndicatorFactory(outcome=outcome, position=1)
    hidden = IndicatorFactory(outcome=outcome, position=2, is_public=False)
    assert indicators_for_outcome(outcome, public=True) == [shown]
    assert indicators_for_outcome(outcome, public=False) == [shown, hidden]
    assert indicator_get(hidden.slug, public=True) is None
    assert indicator_get(hidden.slug, public=False) == hidden


@pytest.mark.parametrize("count", [1, 6])
def test_indicators_for_outcome_costs_constant_queries(
    count: int, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    outcome = OutcomeFactory()
    wards = list(Ward.objects.order_by("name"))
    for _ in range(count):
        indicator = IndicatorFactory(outcome=outcome)
        IndicatorValueFactory(indicator=indicator)
        IndicatorValueFactory(indicator=indicator, ward=wards[0], value=70)
    with django_assert_num_queries(2):
        for indicator in indicators_for_outcome(outcome, public=True):
            indicator_series(indicator, public=True)
            ward_breakdown(indicator, public=True, wards=wards)


# --- Recording service -----------------------------------------------------------------------


def test_recording_adds_then_corrects_one_figure_and_audits_both(
    good_place: Indicator, taskforce_member: User
) -> None:
    biscot = _ward("biscot")
    first = indicator_value_record(
        indicator=good_place,
        period_label="2024/25",
        period_start=APRIL_2024,
        period_end=MARCH_2025,
        value=Decimal("78"),
        sample_size=150,
        ward=biscot,
        by=taskforce_member,
    )
    corrected = indicator_value_record(
        indicator=good_place,
        period_label="2024/25",
        period_start=APRIL_2024,
        period_end=MARCH_2025,
        value=Decimal("79.5"),
        sample_size=150,
        ward=biscot,
        notes="Survey weighting corrected",
        by=taskforce_member,
    )
    assert corrected.pk == first.pk
    row = IndicatorValue.objects.get(indicator=good_place, ward=biscot)
    assert row.value == Decimal("79.50")
    assert row.notes == "Survey weighting corrected"
    assert row.recorded_by == taskforce_member

    events = list(
        AuditEvent.objects.filter(object_id=str(good_place.pk)).order_by("created_at", "id")
    )
    assert [e.verb for e in events] == ["indicator.value_recorded", "indicator.value_corrected"]
    assert events[0].changes["before"] is None
    assert events[0].changes["after"]["value"] == "78.00"
    assert events[1].changes["before"]["value"] == "78.00"
    assert events[1].changes["after"]["value"] == "79.50"
    assert events[1].changes["after"]["ward"] == "biscot"
    assert events[1].actor == taskforce_member

    # The same figure again is not a change.
    indicator_value_record(
        indicator=good_place,
        period_label="2024/25",
        period_start=APRIL_2024,
        period_end=MARCH_2025,
        value=Decimal("79.50"),
        sample_size=150,
        ward=biscot,
        notes="Survey weighting corrected",
        by=taskforce_member,
    )
    assert AuditEvent.objects.filter(object_id=str(good_place.pk)).count() == 2


def test_the_town_figure_is_one_row_per_period(good_place: Indicator, staff: User) -> None:
    indicator_value_record(
        indicator=good_place,
        period_label="2024/25",
        period_start=APRIL_2024,
        period_end=MARCH_2025,
        value=Decimal("85"),
        by=staff,
    )
    town = IndicatorValue.objects.filter(
        indicator=good_place, period_start=APRIL_2024, ward=None, group=None
    )
    assert [v.value for v in town] == [Decimal("85.00")]


def test_deleting_a_figure_is_audited(good_place: Indicator, taskforce_member: User) -> None:
    row = IndicatorValue.objects.get(indicator=good_place, period_start=APRIL_2024)
    indicator_value_delete(value=row, by=taskforce_member)
    indicator_value_delete(value=row, by=taskforce_member)  # a second click does nothing
    assert not IndicatorValue.objects.filter(pk=row.pk).exists()
    event = AuditEvent.objects.get(verb="indicator.value_deleted")
    assert event.changes["before"]["value"] == "84.00"
    assert event.changes["after"] is None


# --- The members' page for recording figures -------------------------------------------------


def _values_url(indicator: Indicator) -> str:
    return reverse("taskforce:indicator-values", kwargs={"slug": indicator.slug})


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "period_label": "2025/26",
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "ward": "",
        "group": "",
        "value": "86",
        "sample_size": "1100",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_anonymous_people_are_sent_to_sign_in(good_place: Indicator, client: Client) -> None:
    for response in (
        client.get(_values_url(good_place)),
        client.post(_values_url(good_place), _form()),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not IndicatorValue.objects.filter(period_label="2025/26").exists()


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_residents_cannot_record_figures(
    persona: str, good_place: Indicator, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client = _client_for(user)
    assert client.get(_values_url(good_place)).status_code == 403
    assert client.post(_values_url(good_place), _form()).status_code == 403
    row = IndicatorValue.objects.get(indicator=good_place, period_start=APRIL_2024)
    delete_url = reverse(
        "taskforce:indicator-value-delete", kwargs={"slug": good_place.slug, "pk": row.pk}
    )
    assert client.post(delete_url).status_code == 403
    assert IndicatorValue.objects.filter(indicator=good_place).count() == 2


@pytest.mark.parametrize("persona", ["taskforce_member", "taskforce_lead", "staff"])
def test_the_taskforce_and_staff_record_a_figure(
    persona: str, good_place: Indicator, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client = _client_for(user)
    page = client.get(_values_url(good_place))
    assert page.status_code == 200
    assert "Add or correct a figure" in page.content.decode()
    response = client.post(_values_url(good_place), _form(), follow=True)
    assert response.redirect_chain[-1][0] == _values_url(good_place)
    assert "Figure saved: 86% for 2025/26" in response.content.decode()
    row = IndicatorValue.objects.get(indicator=good_place, period_label="2025/26")
    assert (row.value, row.sample_size, row.ward, row.recorded_by) == (
        Decimal("86.00"),
        1100,
        None,
        user,
    )


def test_a_member_corrects_a_ward_figure_and_sees_it_marked_hidden(
    good_place: Indicator, taskforce_member: User
) -> None:
    client = _client_for(taskforce_member)
    biscot = _ward("biscot")
    client.post(_values_url(good_place), _form(ward=str(biscot.pk), value="61", sample_size="7"))
    client.post(_values_url(good_place), _form(ward=str(biscot.pk), value="62", sample_size="7"))
    assert IndicatorValue.objects.get(indicator=good_place, ward=biscot).value == Decimal("62.00")
    page = client.get(_values_url(good_place)).content.decode()
    assert "Biscot ward" in page
    assert "Hidden from the public" in page


def test_the_form_explains_each_mistake_and_keeps_what_was_typed(
    good_place: Indicator, taskforce_member: User
) -> None:
    client = _client_for(taskforce_member)
    group = PopulationGroup.objects.first()
    assert group is not None
    response = client.post(
        _values_url(good_place),
        _form(
            period_start="2026-04-01",
            period_end="2025-04-01",
            value="eighty",
            sample_size="1.5",
            ward=str(_ward("biscot").pk),
            group=str(group.pk),
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Period end must be the same as or after the start" in page
    assert "Value must be a number, like 84 or 84.5" in page
    assert "Number of people must be a whole number, like 250" in page
    assert 'value="eighty"' in page
    assert not IndicatorValue.objects.filter(period_label="2025/26").exists()

    both = client.post(
        _values_url(good_place), _form(ward=str(_ward("biscot").pk), group=str(group.pk))
    )
    assert both.status_code == 400
    assert "Choose a ward or a group, not both" in both.content.decode()


def test_a_member_removes_a_figure(good_place: Indicator, taskforce_member: User) -> None:
    row = IndicatorValue.objects.get(indicator=good_place, period_start=APRIL_2024)
    client = _client_for(taskforce_member)
    url = reverse(
        "taskforce:indicator-value-delete", kwargs={"slug": good_place.slug, "pk": row.pk}
    )
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Figure removed for 2024/25" in response.content.decode()
    assert not IndicatorValue.objects.filter(pk=row.pk).exists()


# --- The public indicator page ---------------------------------------------------------------


def _detail_url(indicator: Indicator) -> str:
    return reverse("taskforce:indicator-detail", kwargs={"slug": indicator.slug})


def test_public_page_shows_what_is_measured_charts_and_tables(
    good_place: Indicator, client: Client
) -> None:
    IndicatorValueFactory(indicator=good_place, ward=_ward("biscot"), value=80, sample_size=400)
    IndicatorValueFactory(indicator=good_place, ward=_ward("farley"), value=55, sample_size=7)
    IndicatorValueFactory(indicator=good_place, ward=_ward("wigmore"), value=Decimal("86.5"))
    assert good_place.get_absolute_url() == "/taskforce/indicators/good-place-to-live/"
    response = client.get(_detail_url(good_place))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Residents who say their neighbourhood is a good place to live" in page
    assert "Higher is better" in page
    assert "Residents&#x27; perception survey" in page
    assert 'href="https://www.luton.gov.uk/survey"' in page
    assert "80% (2022/23)" in page  # baseline
    assert "90% by 2030" in page  # target
    assert page.count('role="img"') == 2  # the line chart and the ward chart
    assert "84%" in page
    # Each ward against the town figure, in words.
    assert "4 points below Luton" in page
    assert "2.5 points above Luton" in page
    # Farley's figure rests on 7 people: hidden, and said so.
    assert "Fewer than 10 people: not shown" in page
    assert "55%" not in page
    assert "style=" not in page


def test_members_see_suppressed_figures_marked_as_hidden(
    good_place: Indicator, taskforce_member: User
) -> None:
    IndicatorValueFactory(indicator=good_place, ward=_ward("farley"), value=55, sample_size=7)
    page = _client_for(taskforce_member).get(_detail_url(good_place)).content.decode()
    assert "55% (hidden from the public: too few people)" in page
    assert _values_url(good_place) in page


def test_threshold_on_the_page_follows_settings(
    good_place: Indicator, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKFORCE_SUPPRESS_BELOW = 20
    IndicatorValueFactory(indicator=good_place, ward=_ward("farley"), value=55, sample_size=12)
    page = client.get(_detail_url(good_place)).content.decode()
    assert "Fewer than 20 people: not shown" in page


def test_group_breakdown_is_shown(good_place: Indicator, client: Client) -> None:
    group = PopulationGroup.objects.order_by("position").first()
    assert group is not None
    IndicatorValueFactory(indicator=good_place, group=group, value=74, sample_size=200)
    page = client.get(_detail_url(good_place)).content.decode()
    assert "By group of residents, 2024/25" in page
    assert group.name in page
    assert "10 points below Luton" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 404), ("resident", 404), ("taskforce_member", 200), ("staff", 200)],
)
def test_internal_indicators_are_not_found_by_the_public(
    persona: str | None, status: int, request: pytest.FixtureRequest
) -> None:
    indicator = IndicatorFactory(is_public=False)
    user = request.getfixturevalue(persona) if persona else None
    response = _client_for(user).get(_detail_url(indicator))
    assert response.status_code == status
    if status == 200:
        assert "only the taskforce and council staff can see this indicator" in (
            response.content.decode()
        )


def test_unknown_indicator_is_not_found(client: Client) -> None:
    assert client.get("/taskforce/indicators/no-such-thing/").status_code == 404


@pytest.mark.parametrize("periods", [2, 12])
def test_public_page_query_count_is_constant(
    periods: int, client: Client, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    indicator = IndicatorFactory()
    wards = list(Ward.objects.order_by("name"))
    groups = list(PopulationGroup.objects.order_by("position"))
    for year in range(2000, 2000 + periods):
        start = datetime.date(year, 4, 1)
        end = datetime.date(year + 1, 3, 31)
        common = {
            "indicator": indicator,
            "period_label": f"{year}/{year + 1 - 2000:02d}",
            "period_start": start,
            "period_end": end,
        }
        IndicatorValueFactory(**common, value=80)
        for ward in wards[:periods]:
            IndicatorValueFactory(**common, ward=ward, value=70)
        for group in groups[: periods // 2]:
            IndicatorValueFactory(**common, group=group, value=60)
    # The indicator with its outcome, its values, the wards, the groups.
    with django_assert_num_queries(4):
        response = client.get(_detail_url(indicator))
    assert response.status_code == 200


@pytest.mark.parametrize("periods", [2, 12])
def test_members_page_query_count_is_constant(
    periods: int, taskforce_member: User, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    indicator = IndicatorFactory()
    wards = list(Ward.objects.order_by("name"))
    for year in range(2000, 2000 + periods):
        common = {
            "indicator": indicator,
            "period_label": str(year),
            "period_start": datetime.date(year, 1, 1),
            "period_end": datetime.date(year, 12, 31),
        }
        IndicatorValueFactory(**common)
        for ward in wards[:periods]:
            IndicatorValueFactory(**common, ward=ward, value=70, sample_size=periods)
    client = _client_for(taskforce_member)
    # Session, user and roles; the indicator and its values; the table; the ward and group
    # choices of the form; whatever the page frame asks for.
    with django_assert_num_queries(10):
        response = client.get(_values_url(indicator))
    assert response.status_code == 200
