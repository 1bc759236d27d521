"""Who is responding: responses by channel and equality answers by ward and question against
Luton's population, small numbers hidden, the gap in plain words, and where to do outreach."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Consultation, EqualityMonitoring, PopulationShare
from engagement.selectors.representation import (
    Gap,
    WhoIsResponding,
    gap_for,
    who_is_responding,
)
from luton2040.accounts.models import User
from luton2040.places.models import Ward

from ..factories import ConsultationFactory, LocationFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def _monitoring(consultation: Consultation, count: int, **answers: Any) -> None:
    """``count`` people who gave these equality answers."""
    EqualityMonitoring.objects.bulk_create(
        EqualityMonitoring(consultation=consultation, recorded_on=timezone.localdate(), **answers)
        for _ in range(count)
    )


def _ward(slug: str) -> Ward:
    return Ward.objects.get(slug=slug)


def _dimension(report: WhoIsResponding, key: str) -> Any:
    return next(d for d in report.dimensions if d.key == key)


def _row(report: WhoIsResponding, key: str, category: str) -> Any:
    return next(r for r in _dimension(report, key).rows if r.category == category)


def _share(dimension: str, category: str, share: str, checked: bool = True) -> None:
    PopulationShare.objects.update_or_create(
        dimension=dimension,
        category=category,
        defaults={"share": Decimal(share), "source": "Test figures", "checked": checked},
    )


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Who may see it --------------------------------------------------------------------------


def test_council_staff_see_it(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    client.force_login(staff)
    response = client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    assert response.status_code == 200
    assert "Who is responding" in _text(response)


@pytest.mark.parametrize("persona", ["resident", "org_editor", "outsider", "taskforce_member"])
def test_nobody_else_does(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    consultation = ConsultationFactory()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    assert response.status_code == 403


def test_anonymous_are_sent_to_sign_in_and_staff_without_mfa_to_set_it_up(
    client: Client, staff_without_mfa: User
) -> None:
    url = reverse("engagement-staff:who-is-responding", args=[ConsultationFactory().slug])
    assert reverse("account_login") in client.get(url)["Location"]
    client.force_login(staff_without_mfa)
    assert reverse("mfa_activate_totp") in client.get(url)["Location"]


def test_an_unknown_consultation_is_not_found(client: Client, staff: User) -> None:
    client.force_login(staff)
    url = reverse("engagement-staff:who-is-responding", args=["no-such-consultation"])
    assert client.get(url).status_code == 404


# --- Disclosure control ----------------------------------------------------------------------


def test_ten_is_shown_and_nine_is_fewer_than_ten(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    _monitoring(consultation, 10, ward=_ward("biscot"))
    _monitoring(consultation, 9, ward=_ward("dallow"))
    _monitoring(consultation, 11, ward=_ward("farley"))

    report = who_is_responding(consultation=consultation)
    biscot, dallow = _row(report, "ward", "biscot"), _row(report, "ward", "dallow")
    assert (biscot.shown, biscot.response_share) == (True, Decimal("33.3"))  # 10 of 30
    assert (dallow.shown, dallow.hidden, dallow.response_share) == (False, "small", None)

    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    )
    dallow_row = re.search(r">Dallow</th>(.*?)</tr>", page)
    biscot_row = re.search(r">Biscot</th>(.*?)</tr>", page)
    assert dallow_row and biscot_row
    assert "fewer than 10" in dallow_row.group(1)
    assert "%" not in dallow_row.group(1).replace("% of", "")  # no percentage of a small count
    assert ">10<" in biscot_row.group(1) and "33.3%" in biscot_row.group(1)


def test_the_threshold_is_the_setting(settings: Any) -> None:
    settings.ENGAGEMENT_SUPPRESS_BELOW = 5
    consultation = ConsultationFactory()
    _monitoring(consultation, 5, sex="female")
    _monitoring(consultation, 6, sex="male")
    report = who_is_responding(consultation=consultation)
    assert _row(report, "sex", "female").shown
    assert report.threshold == 5


def test_when_one_group_is_hidden_the_next_smallest_is_hidden_too() -> None:
    """Otherwise 12 women of 15 who answered would give away the 3 men."""
    consultation = ConsultationFactory()
    _monitoring(consultation, 12, sex="female")
    _monitoring(consultation, 3, sex="male")
    report = who_is_responding(consultation=consultation)
    female, male = _row(report, "sex", "female"), _row(report, "sex", "male")
    assert (male.hidden, female.hidden) == ("small", "protects")
    assert female.response_share is None and female.gap == Gap.NOT_SHOWN


def test_two_small_groups_protect_each_other() -> None:
    consultation = ConsultationFactory()
    _monitoring(consultation, 40, ethnic_group="white")
    _monitoring(consultation, 20, ethnic_group="asian")
    _monitoring(consultation, 3, ethnic_group="black")
    _monitoring(consultation, 2, ethnic_group="mixed")
    report = who_is_responding(consultation=consultation)
    assert _row(report, "ethnic_group", "white").shown
    assert _row(report, "ethnic_group", "asian").shown
    # "Other" (none at all) is hidden too: three small ones already protect each other.
    assert [r.hidden for r in _dimension(report, "ethnic_group").rows if r.hidden] == ["small"] * 3


def test_everything_is_hidden_while_few_have_answered(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    _monitoring(consultation, 4, sex="female", age_band="25-34")
    report = who_is_responding(consultation=consultation)
    assert not report.monitoring_forms_shown
    assert all(not row.shown for d in report.dimensions for row in d.rows)
    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    )
    assert "Fewer than 10 people answered the equality questions" in page
    assert ">4<" not in page


# --- The arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responses", "population", "gap"),
    [
        ("7.9", "10", Gap.UNDER),
        ("8.0", "10", Gap.ABOUT_RIGHT),  # exactly four-fifths is about right
        ("12.5", "10", Gap.ABOUT_RIGHT),  # exactly one and a quarter times too
        ("12.6", "10", Gap.OVER),
        ("0", "0", Gap.ABOUT_RIGHT),
        ("1", "0", Gap.OVER),
    ],
)
def test_the_gap_rule(responses: str, population: str, gap: str) -> None:
    assert gap_for(Decimal(responses), Decimal(population)) == gap


def test_shares_are_of_people_who_answered_not_counting_prefer_not_to_say() -> None:
    consultation = ConsultationFactory()
    _share("ethnic_group", "asian", "37.0")
    _share("ethnic_group", "white", "45.2")
    _share("ethnic_group", "black", "10.1")
    _monitoring(consultation, 20, ethnic_group="asian")
    _monitoring(consultation, 48, ethnic_group="white")
    _monitoring(consultation, 10, ethnic_group="black")
    _monitoring(consultation, 12, ethnic_group="mixed")
    _monitoring(consultation, 10, ethnic_group="other")
    _monitoring(consultation, 30, ethnic_group="not-said")
    _monitoring(consultation, 15)  # answered no equality question about ethnic group

    report = who_is_responding(consultation=consultation)
    dimension = _dimension(report, "ethnic_group")
    assert dimension.answered == 100
    asian = _row(report, "ethnic_group", "asian")
    white = _row(report, "ethnic_group", "white")
    black = _row(report, "ethnic_group", "black")
    mixed = _row(report, "ethnic_group", "mixed")
    assert (asian.response_share, asian.gap) == (Decimal("20.0"), Gap.UNDER)  # 20 / 37 = 0.54
    assert (white.response_share, white.gap) == (Decimal("48.0"), Gap.ABOUT_RIGHT)  # 1.06
    assert (black.response_share, black.gap) == (Decimal("10.0"), Gap.ABOUT_RIGHT)  # 0.99
    assert (mixed.response_share, mixed.gap) == (Decimal("12.0"), Gap.NO_FIGURE)
    assert dimension.not_said.count == 30
    assert report.monitoring_forms == 145


def test_a_small_group_is_still_called_under_represented_when_ten_less_one_would_be_too_few() -> (
    None
):
    consultation = ConsultationFactory()
    _share("ward", "lewsey", "20")  # 9 of 100 would be 9%, under four-fifths of 20%
    _share("ward", "saints", "10")  # 9 of 100 would be 9%: about right, so cannot say
    _monitoring(consultation, 91, ward=_ward("biscot"))
    _monitoring(consultation, 5, ward=_ward("lewsey"))
    _monitoring(consultation, 4, ward=_ward("saints"))
    report = who_is_responding(consultation=consultation)
    assert _row(report, "ward", "lewsey").gap == Gap.UNDER
    assert _row(report, "ward", "saints").gap == Gap.TOO_FEW
    assert _row(report, "ward", "biscot").gap == Gap.NO_FIGURE


def test_the_page_says_which_figures_are_not_yet_checked(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    _monitoring(consultation, 12, sex="female")
    _monitoring(consultation, 13, sex="male")
    client.force_login(staff)
    url = reverse("engagement-staff:who-is-responding", args=[consultation.slug])
    page = _text(client.get(url))
    # The figures the migration loaded are all unchecked.
    assert "not yet checked against the ONS release" in page
    assert "49.9%" in page
    PopulationShare.objects.update(checked=True)
    assert "not yet checked against the ONS release" not in _text(client.get(url))


def test_a_category_without_a_figure_says_so(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    _monitoring(consultation, 12, disability="yes")
    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    )
    assert "no population figure" in page


# --- By channel ------------------------------------------------------------------------------


def test_responses_by_channel_and_figures_for_one_channel(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    for _ in range(3):
        ResponseFactory(consultation=consultation)
    for _ in range(2):
        ResponseFactory(consultation=consultation, respondent=None, channel="paper")
    ResponseFactory(consultation=consultation, status="in-progress")  # not sent: not counted
    _monitoring(consultation, 12, sex="female", channel="paper")
    _monitoring(consultation, 20, sex="male", channel="online")

    report = who_is_responding(consultation=consultation)
    channels = {row.channel: (row.count, row.share) for row in report.by_channel}
    assert report.responses == 5
    assert channels["online"] == (3, Decimal("60.0"))
    assert channels["paper"] == (2, Decimal("40.0"))
    assert channels["phone"] == (0, Decimal("0.0"))

    paper = who_is_responding(consultation=consultation, channel="paper")
    assert paper.responses == 2
    assert _row(paper, "sex", "female").count == 12
    assert _row(paper, "sex", "male").count == 0

    client.force_login(staff)
    url = reverse("engagement-staff:who-is-responding", args=[consultation.slug])
    page = _text(client.get(url, {"channel": "paper"}))
    assert "Showing responses sent one way: Paper form." in page
    assert "2 responses sent so far" in page
    # A made-up channel is ignored rather than failing.
    assert client.get(url, {"channel": "carrier-pigeon"}).status_code == 200


# --- Outreach --------------------------------------------------------------------------------


def test_outreach_names_the_hubs_in_the_most_under_represented_wards(
    client: Client, staff: User
) -> None:
    consultation = ConsultationFactory()
    for slug, share in [("biscot", "10"), ("dallow", "10"), ("lewsey", "10"), ("farley", "10")]:
        _share("ward", slug, share)
    _share("ward", "saints", "10")
    _monitoring(consultation, 60, ward=_ward("biscot"))  # over-represented
    _monitoring(consultation, 20, ward=_ward("saints"))  # over-represented
    _monitoring(consultation, 12, ward=_ward("farley"))  # 12%: about right
    _monitoring(consultation, 5, ward=_ward("dallow"))  # most 9%: cannot say
    _monitoring(consultation, 3, ward=_ward("lewsey"))  # most 9%: cannot say
    # 100 answered. Luton's other wards have no figure; add two clear gaps:
    _share("ward", "leagrave", "30")  # none responded: under however it is counted
    _share("ward", "poets", "20")
    LocationFactory(is_hub=True, name="Leagrave Community Hub", ward=_ward("leagrave"))
    LocationFactory(is_hub=False, name="Leagrave Bus Depot", ward=_ward("leagrave"))
    LocationFactory(is_hub=True, name="Biscot Hub", ward=_ward("biscot"))

    report = who_is_responding(consultation=consultation)
    assert [place.ward.category for place in report.outreach] == ["leagrave", "poets"]
    assert [hub.name for hub in report.outreach[0].hubs] == ["Leagrave Community Hub"]
    assert report.outreach[1].hubs == []

    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    )
    assert "Leagrave Community Hub" in page
    assert "There is no community hub listed in this ward" in page
    assert "Leagrave Bus Depot" not in page and "Biscot Hub" not in page


def test_without_ward_figures_the_page_asks_for_them(client: Client, staff: User) -> None:
    consultation = ConsultationFactory()
    _monitoring(consultation, 30, ward=_ward("biscot"))
    client.force_login(staff)
    page = _text(
        client.get(reverse("engagement-staff:who-is-responding", args=[consultation.slug]))
    )
    assert "Add ward population figures" in page


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [40, 80])
def test_the_page_costs_the_same_queries_however_many_responded(
    client: Client, staff: User, django_assert_num_queries: Any, people: int
) -> None:
    consultation = ConsultationFactory()
    _share("ward", "leagrave", "30")
    LocationFactory(is_hub=True, ward=_ward("leagrave"))
    # Nobody from Leagrave, so it is under-represented and its hubs are looked up each time.
    wards = list(Ward.objects.exclude(slug="leagrave"))
    for i in range(people):
        ResponseFactory(consultation=consultation, respondent=None, channel="paper")
        _monitoring(
            consultation,
            1,
            ward=wards[i % len(wards)],
            sex=["female", "male"][i % 2],
            age_band=["18-24", "35-49", "65-plus"][i % 3],
        )
    client.force_login(staff)
    url = reverse("engagement-staff:who-is-responding", args=[consultation.slug])
    client.get(url)  # warm the session
    # Session, user, roles, MFA (once a request), consultation; then by channel,
    # equality answers, population, wards, hubs in the under-represented wards.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
