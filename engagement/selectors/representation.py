"""Who is responding: a consultation's equality monitoring answers so far, by ward and by each
equality question, beside Luton's population share, with small numbers hidden.

Disclosure control: any count below ``ENGAGEMENT_SUPPRESS_BELOW`` is shown as "fewer than N"
and its percentage is hidden. When exactly one category of a question is hidden that way, the
smallest other category is hidden too ("protects a smaller figure"): otherwise the hidden count
could be worked out from the total less the others.

The gap rule, in plain words (also on the page): a group whose share of responses is less than
four-fifths of its share of Luton's residents is under-represented; more than one and a quarter
times its share is over-represented; anything between is about right. Percentages are of the
people who answered the question, not counting "Prefer not to say".
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hubs.models import Location
from hubs.selectors.places import hubs_in_wards, hubs_run_by
from luton2040.accounts.rules import staff_with_mfa
from luton2040.places.models import Ward

from ..models import Channel, Consultation, EqualityMonitoring, PopulationShare, Response

# The gap rule's bounds, as a ratio of share of responses to share of residents.
UNDER_BELOW = Decimal("0.8")
OVER_ABOVE = Decimal("1.25")
# How many of the most under-represented wards the outreach suggestion names.
OUTREACH_WARDS = 3

ONE_PLACE = Decimal("0.1")

WARD = "ward"
EQUALITY_DIMENSIONS: list[tuple[str, str | Promise, type[models.TextChoices]]] = [
    ("age_band", _("Age"), EqualityMonitoring.AgeBand),
    ("sex", _("Sex"), EqualityMonitoring.Sex),
    ("ethnic_group", _("Ethnic group"), EqualityMonitoring.EthnicGroup),
    ("disability", _("Disability"), EqualityMonitoring.Disability),
]
DIMENSION_NAMES = [WARD, *(name for name, _label, _choices in EQUALITY_DIMENSIONS)]
NOT_SAID = "not-said"


class Gap:
    """What the page says about a category; ``LABELS`` holds the words."""

    UNDER = "under"
    ABOUT_RIGHT = "about-right"
    OVER = "over"
    TOO_FEW = "too-few"
    NO_FIGURE = "no-figure"
    NOT_SHOWN = "not-shown"

    LABELS = {
        UNDER: _("Under-represented"),
        ABOUT_RIGHT: _("About right"),
        OVER: _("Over-represented"),
        TOO_FEW: _("Too few responses to say"),
        NO_FIGURE: _("No population figure"),
        NOT_SHOWN: _("Not shown"),
    }


def suppress_below() -> int:
    return int(settings.ENGAGEMENT_SUPPRESS_BELOW)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """``part`` as a percentage of ``whole`` to one decimal place (0 when ``whole`` is 0)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def gap_for(response_share: Decimal, population_share: Decimal) -> str:
    """The gap rule (see the module docstring) for two shares in per cent."""
    if population_share <= 0:
        return Gap.OVER if response_share > 0 else Gap.ABOUT_RIGHT
    ratio = response_share / population_share
    if ratio < UNDER_BELOW:
        return Gap.UNDER
    if ratio > OVER_ABOVE:
        return Gap.OVER
    return Gap.ABOUT_RIGHT


@dataclass
class Row:
    """One category of one question (or one ward)."""

    category: str
    label: str
    count: int
    population: PopulationShare | None = None
    # "small": below the threshold; "protects": hidden so a small one cannot be worked out.
    hidden: str = ""
    response_share: Decimal | None = None
    gap: str = Gap.TOO_FEW
    # Responses share / population share from the true counts: orders the outreach wards.
    # Never shown, so it discloses nothing the gap words do not.
    ratio: Decimal | None = None

    @property
    def shown(self) -> bool:
        return not self.hidden

    @property
    def gap_label(self) -> str:
        return str(Gap.LABELS[self.gap])

    @property
    def population_share(self) -> Decimal | None:
        return None if self.population is None else self.population.share


@dataclass
class Dimension:
    """One table: a question's categories (or the wards), and "Prefer not to say" apart."""

    key: str
    title: str
    rows: list[Row]
    answered: int  # gave a category (not "Prefer not to say"); the percentages' base
    answered_shown: bool
    not_said: Row | None = None


@dataclass
class ChannelRow:
    channel: str
    label: str
    count: int
    share: Decimal


@dataclass
class OutreachWard:
    """An under-represented ward and the community hubs in it."""

    ward: Row
    hubs: list[Location]


@dataclass
class WhoIsResponding:
    consultation: Consultation
    channel: str  # "" for every channel
    responses: int  # sent responses (for the channel chosen)
    by_channel: list[ChannelRow]
    monitoring_forms: int  # how many people answered any equality question
    monitoring_forms_shown: bool
    dimensions: list[Dimension]
    outreach: list[OutreachWard] = field(default_factory=list)
    threshold: int = 10
    unchecked_figures: bool = False
    wards_without_figures: bool = False


def _hide_small(rows: list[Row], threshold: int) -> None:
    for row in rows:
        if row.count < threshold:
            row.hidden = "small"
    small = [row for row in rows if row.hidden == "small"]
    shown = [row for row in rows if not row.hidden]
    if len(small) == 1 and shown:
        min(shown, key=lambda row: (row.count, row.label)).hidden = "protects"


def _fill_shares_and_gaps(rows: list[Row], answered: int, threshold: int) -> None:
    for row in rows:
        population = row.population_share
        true_share = percent(row.count, answered)
        if population is not None and population > 0 and answered:
            row.ratio = true_share / population
        if row.shown:
            row.response_share = true_share
            row.gap = Gap.NO_FIGURE if population is None else gap_for(true_share, population)
        elif row.hidden == "protects":
            row.gap = Gap.NOT_SHOWN
        elif population is None:
            row.gap = Gap.NO_FIGURE
        else:
            # Fewer than ``threshold``: if even the most it could be is under four-fifths of
            # its population share, it is under-represented whatever the true count.
            most = percent(min(threshold - 1, answered), answered) if answered else None
            row.gap = (
                Gap.UNDER
                if most is not None and gap_for(most, population) == Gap.UNDER
                else Gap.TOO_FEW
            )


def _dimension(
    *,
    key: str,
    title: str,
    categories: list[tuple[str, str]],
    counts: Counter[str],
    population: dict[tuple[str, str], PopulationShare],
    threshold: int,
    with_not_said: bool,
) -> Dimension:
    rows = [
        Row(
            category=value,
            label=str(label),
            count=counts.get(value, 0),
            population=population.get((key, value)),
        )
        for value, label in categories
    ]
    answered = sum(row.count for row in rows)
    _hide_small(rows, threshold)
    _fill_shares_and_gaps(rows, answered, threshold)
    not_said = None
    if with_not_said:
        not_said = Row(
            category=NOT_SAID,
            label=str(_("Prefer not to say")),
            count=counts.get(NOT_SAID, 0),
            gap=Gap.NOT_SHOWN,
        )
        if not_said.count < threshold:
            not_said.hidden = "small"
    return Dimension(
        key=key,
        title=str(title),
        rows=rows,
        answered=answered,
        answered_shown=answered >= threshold,
        not_said=not_said,
    )


def _monitoring_counts(
    consultation: Consultation, channel: str
) -> tuple[dict[str, Counter[str]], int]:
    """Per question, how many gave each answer; and how many filled in the form at all. One
    grouped query: one row per combination of answers, however many people gave them."""
    rows = EqualityMonitoring.objects.filter(consultation=consultation)
    if channel:
        rows = rows.filter(channel=channel)
    fields = ["ward__slug", *(name for name, _label, _choices in EQUALITY_DIMENSIONS)]
    counts: dict[str, Counter[str]] = {name: Counter() for name in DIMENSION_NAMES}
    forms = 0
    for combination in rows.values(*fields).annotate(n=Count("pk")).order_by():
        forms += combination["n"]
        for name in DIMENSION_NAMES:
            value = combination["ward__slug" if name == WARD else name]
            if value:
                counts[name][value] += combination["n"]
    return counts, forms


def _hubs_in_wards(ward_slugs: list[str]) -> dict[str, list[Location]]:
    """Community hubs in those wards, by ward slug (one query)."""
    return hubs_in_wards(ward_slugs)


def who_is_responding(*, consultation: Consultation, channel: str = "") -> WhoIsResponding:
    """Responses so far by channel, and the equality monitoring answers by ward and question
    against Luton's population, small numbers hidden; ``channel`` narrows to one channel.
    At most five queries whatever the number of responses."""
    threshold = suppress_below()

    by_channel_counts = dict(
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    all_responses = sum(by_channel_counts.values())
    by_channel = [
        ChannelRow(
            channel=value,
            label=str(label),
            count=by_channel_counts.get(value, 0),
            share=percent(by_channel_counts.get(value, 0), all_responses),
        )
        for value, label in Channel.choices
    ]
    responses = by_channel_counts.get(channel, 0) if channel else all_responses

    counts, forms = _monitoring_counts(consultation, channel)
    population = {
        (share.dimension, share.category): share for share in PopulationShare.objects.all()
    }
    wards = list(Ward.objects.order_by("name").values_list("slug", "name"))

    dimensions = [
        _dimension(
            key=WARD,
            title=str(_("Ward")),
            categories=wards,
            counts=counts[WARD],
            population=population,
            threshold=threshold,
            with_not_said=False,
        )
    ]
    for name, title, choices in EQUALITY_DIMENSIONS:
        dimensions.append(
            _dimension(
                key=name,
                title=str(title),
                categories=[
                    (value, label) for value, label in choices.choices if value != NOT_SAID
                ],
                counts=counts[name],
                population=population,
                threshold=threshold,
                with_not_said=True,
            )
        )

    ward_rows = dimensions[0].rows
    outreach = sorted(
        (row for row in ward_rows if row.gap == Gap.UNDER and row.ratio is not None),
        key=lambda row: (row.ratio, row.label),
    )[:OUTREACH_WARDS]
    hubs = _hubs_in_wards([row.category for row in outreach]) if outreach else {}
    return WhoIsResponding(
        consultation=consultation,
        channel=channel,
        responses=responses,
        by_channel=by_channel,
        monitoring_forms=forms,
        monitoring_forms_shown=forms >= threshold,
        dimensions=dimensions,
        outreach=[OutreachWard(ward=row, hubs=hubs[row.category]) for row in outreach],
        threshold=threshold,
        unchecked_figures=any(
            row.population is not None and not row.population.checked
            for dimension in dimensions
            for row in dimension.rows
        ),
        wards_without_figures=any(row.population is None for row in ward_rows),
    )


@dataclass(frozen=True)
class PopulationCategory:
    """A category staff may give a population figure for, and the figure stored, if any."""

    dimension: str
    dimension_title: str
    category: str
    label: str
    figure: PopulationShare | None


def population_categories() -> list[PopulationCategory]:
    """Every ward and every equality monitoring answer (not "Prefer not to say"), in the
    order the page shows them, each with its stored figure. Two queries."""
    stored = {(share.dimension, share.category): share for share in PopulationShare.objects.all()}
    result = [
        PopulationCategory(
            dimension=WARD,
            dimension_title=str(_("Ward")),
            category=slug,
            label=name,
            figure=stored.get((WARD, slug)),
        )
        for slug, name in Ward.objects.order_by("name").values_list("slug", "name")
    ]
    for name, title, choices in EQUALITY_DIMENSIONS:
        result.extend(
            PopulationCategory(
                dimension=name,
                dimension_title=str(title),
                category=value,
                label=str(label),
                figure=stored.get((name, value)),
            )
            for value, label in choices.choices
            if value != NOT_SAID
        )
    return result


# --- The hub desk ------------------------------------------------------------------------------
# Here because the hub desk area's reads are few and sit beside its staff figures; the hubs
# lookups belong in a hubs selector once hubs offers one (see _hubs_in_wards).


def consultations_taking_assisted_responses() -> QuerySet[Consultation]:
    """Open consultations, then closed ones still taking postal responses (the beat job moves
    a consultation on once its grace period ends), closing soonest first."""
    return Consultation.objects.filter(
        status__in=[Consultation.Status.OPEN, Consultation.Status.CLOSED]
    ).order_by("-status", "closes_at", "title")  # descending: "open" before "closed"


def postal_grace_ends(consultation: Consultation) -> datetime.date:
    """The last day postal responses to a closed consultation are entered."""
    return timezone.localdate(consultation.closes_at) + datetime.timedelta(
        days=settings.ENGAGEMENT_POSTAL_GRACE_DAYS
    )


def hubs_for_desk(user: Any) -> QuerySet[Location]:
    """The hubs a person may record a response at: any hub for council staff; for an
    organisation editor, the hubs of the organisations they edit."""
    return hubs_run_by(user, every_hub=staff_with_mfa(user))
