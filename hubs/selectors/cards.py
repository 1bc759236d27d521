"""The search page's result cards and filter options, ready to render.

A result card says the same to everyone searching from the same point on the same day, except
its "When" line, which can change only at a few minutes of the day (``when_changes``). So a card
is rendered once (around a marker where the line goes), cached under the directory version, the
day, the language and the point, with its line from each of those minutes; each request picks
the line for its own minute. "Open now" and "closes soon" stay exact to the minute while the
cache key changes only with the data and the day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from luton2040.places.postcodes import PostcodeResult

from .. import opening
from ..filters import DIRECTORY_CACHE_SECONDS, ServiceFilter
from ..models import Schedule, ScheduleException, Service
from . import directory

CARD_TEMPLATE = "hubs/includes/service_card_body.html"
# The one wording of the "When" line: service_card_body.html includes it, and the search page's
# cards render it once per change of the day.
WHEN_LINE_TEMPLATE = "hubs/includes/when_line.html"

# Stands in for the "When" line while a card is rendered, and is then split on. New random hex
# in each process, never sent out: no listing's text can contain it (the template escapes that
# text, and the marker has no character escaping would change).
_WHEN_MARKER = f"hubs-when-{uuid_module.uuid4().hex}"


@dataclass(frozen=True)
class ResultCard:
    """A result card as the search page shows it: the part that is the same for everyone,
    and what the resident's own shortlist button needs."""

    uuid: str
    name: str
    html: str

    @property
    def body(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308  our own templates' output, escaped there


@dataclass(frozen=True)
class CardParts:
    """A card for one day (cached): its HTML before and after the "When" line, and that line
    from each minute of the day (from midnight, London) where it changes."""

    uuid: str
    name: str
    before: str
    after: str
    changes: tuple[int, ...]  # starts with 0
    lines: tuple[str, ...]  # rendered HTML, one per change

    def at(self, minute: int) -> ResultCard:
        line = self.lines[bisect.bisect_right(self.changes, minute) - 1]
        return ResultCard(uuid=self.uuid, name=self.name, html=self.before + line + self.after)


def when_line(state: opening.OpenState | None) -> str:
    """A card's "When" line as HTML: "Open now until 14:00 (closes soon)"."""
    return render_to_string(WHEN_LINE_TEMPLATE, {"state": state}).strip()


def is_clock_change_day(day: dt.date) -> bool:
    """The clocks go forward or back on that day in London."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=opening.LONDON)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=opening.LONDON)
    return start.utcoffset() != end.utcoffset()


def when_changes(service: Service, *, day: dt.date) -> list[int]:
    """The minutes of ``day`` (from midnight, London) at which a card's "When" line may change:
    midnight, and each session's start, end and "closes soon" point (last night's sessions
    running past midnight, and tomorrow's starting at midnight, which extend tonight's). Between
    two of them ``opening.state_at`` gives the same answer (times are whole minutes). Wall-clock
    minutes: not for a day the clocks change (``is_clock_change_day``). Needs
    ``directory.with_card_rows``; no queries."""
    soon = int(opening.CLOSES_SOON.total_seconds() // 60)
    rows = [opening.sal_rows(sal) for sal in service.service_at_locations.all()]
    if not rows:
        rows = [opening.service_rows(service)]
    minutes = {0}

    def closing(at: dt.time) -> None:
        minute = at.hour * 60 + at.minute
        minutes.update((minute, (minute - soon) % 1440))

    for schedules, exceptions in rows:

        def times(
            offset: int,
            schedules: list[Schedule] = schedules,
            exceptions: list[ScheduleException] = exceptions,
        ) -> opening.DayTimes:
            return opening.times_on(
                schedules=schedules, exceptions=exceptions, day=day + dt.timedelta(days=offset)
            )

        for session in times(0).sessions:
            minutes.add(session.opens_at.hour * 60 + session.opens_at.minute)
            closing(session.closes_at)
        for session in times(-1).sessions:
            if session.past_midnight:
                closing(session.closes_at)
        for session in times(1).sessions:
            if session.opens_at == dt.time(0, 0):
                closing(session.closes_at)
    return sorted(minutes)


def _card_parts(
    service: Service, *, moment: dt.datetime, near: PostcodeResult | None, per_minute: bool
) -> CardParts:
    """One service's card for the day of ``moment`` (or, ``per_minute``, for its minute only).
    Needs ``directory.with_card_rows``; no queries."""
    (card,) = directory.service_cards([service], moment=moment, near=near)
    html = render_to_string(
        CARD_TEMPLATE, {"card": card, "heading_level": 3, "when_marker": _WHEN_MARKER}
    )
    parts = html.split(_WHEN_MARKER)
    if len(parts) != 2:
        raise RuntimeError(f"{CARD_TEMPLATE} must write when_marker exactly once")
    if per_minute:
        changes, states = [0], [card.state]
    else:
        day = moment.astimezone(opening.LONDON).date()
        changes = when_changes(service, day=day)
        states = [
            directory.service_cards(
                [service],
                moment=dt.datetime.combine(
                    day, dt.time(minute // 60, minute % 60), tzinfo=opening.LONDON
                ),
                near=near,
            )[0].state
            for minute in changes
        ]
    rendered: dict[tuple[str, bool] | None, str] = {}
    kept: list[int] = []
    lines: list[str] = []
    for minute, state in zip(changes, states, strict=True):
        wording = None if state is None else (state.text, state.closes_soon)
        if wording not in rendered:
            rendered[wording] = when_line(state)
        # A change point where the line stays the same is dropped: fewer to keep and search.
        if not lines or lines[-1] != rendered[wording]:
            kept.append(minute)
            lines.append(rendered[wording])
    return CardParts(
        uuid=str(service.uuid),
        name=service.name,
        before=parts[0],
        after=parts[1],
        changes=tuple(kept),
        lines=tuple(lines),
    )


def result_cards(
    ids: Sequence[int], *, version: str, moment: dt.datetime, near: PostcodeResult | None
) -> list[ResultCard]:
    """The cards for one page of results, as they read at ``moment``. Cached per service under
    the directory version, the day, the language and the point searched from (each entry for
    ``DIRECTORY_CACHE_SECONDS``, like everything worked out from the directory); only the
    services missing from the cache are loaded (in a fixed number of queries) and rendered.

    The two days a year the clocks change are cached per minute instead (the minute's UTC
    offset in the key: on the day they go back, 01:30 happens twice), because "closes soon"
    counts real minutes, which there do not follow the wall clock ``when_changes`` works in.
    """
    local = moment.astimezone(opening.LONDON)
    per_minute = is_clock_change_day(local.date())
    stamp = local.strftime("%Y-%m-%dT%H:%M%z" if per_minute else "%Y-%m-%d")
    point = (
        "-"
        if near is None or near.latitude is None or near.longitude is None
        else f"{near.latitude:.5f},{near.longitude:.5f}"
    )
    prefix = f"hubs:card:{version}:{stamp}:{get_language()}:{point}:"
    keys = {pk: f"{prefix}{pk}" for pk in ids}
    found: dict[str, CardParts] = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {
            keys[service.pk]: _card_parts(service, moment=moment, near=near, per_minute=per_minute)
            for service in directory.services_in_order(missing)
        }
        cache.set_many(fresh, timeout=DIRECTORY_CACHE_SECONDS)
        found.update(fresh)
    minute = 0 if per_minute else local.hour * 60 + local.minute
    # A service no longer listed since the order was worked out has no card: it is left out.
    return [found[keys[pk]].at(minute) for pk in ids if keys[pk] in found]


# --- filter options ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    """One option of a search filter as templates/hubs/includes/search_options.html writes it."""

    value: str
    label: str  # with the count: "Food (12)"
    selected: bool


def filter_options(
    filters: ServiceFilter, facets: Mapping[str, Sequence[directory.FacetOption]]
) -> dict[str, list[OptionRow]]:
    """Each facet's options with their counts, ticked as the resident sent them: a value that
    failed validation too, as Django's own widgets keep it (``format_value`` of the submitted
    value). A select's "any" option comes first. Plain rows: the form-widget machinery cost
    ~8 ms a search for the ~40 options."""
    rows: dict[str, list[OptionRow]] = {}
    for name, options in facets.items():
        field = filters.form[name]
        chosen = set(field.field.widget.format_value(field.value()))
        empty_label = filters.filters[name].extra.get("empty_label")
        first = [] if empty_label is None else [OptionRow("", str(empty_label), "" in chosen)]
        rows[name] = first + [
            OptionRow(o.value, f"{o.label} ({o.count})", o.value in chosen) for o in options
        ]
    return rows
