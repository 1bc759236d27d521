"""Reads for the resident directory: search with facet counts, hub and service pages, shortlist.

Every list here costs a fixed number of queries: filters are subqueries, every count and the
order of the results come from one statement, and what a card shows (places, times, programme
tags) comes from prefetches that ``hubs.opening`` reads without touching the database. What is
the same for every resident is cached under ``filters.directory_version()`` (see
``DIRECTORY_CACHE_SECONDS`` for how fresh it stays).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid as uuid_module
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils.translation import get_language

from luton2040.places.postcodes import PostcodeResult, distance_km

from .. import opening
from ..filters import (
    ACCESS_CHOICES,
    DIRECTORY_CACHE_SECONDS,
    EARTH_RADIUS_KM,
    NO_REFERRAL,
    WHEN_CHOICES,
    AnyOf,
    HubFilter,
    ServiceFilter,
    access_q,
    id_set,
)
from ..models import (
    Attribute,
    Language,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

T = TypeVar("T")

KM_PER_MILE = 1.609344
SHORTLIST_MAX = 30


def stale_after_days() -> int:
    # The lead adds HUBS_STALE_AFTER_DAYS to settings; Scout warns after about six months.
    return int(getattr(settings, "HUBS_STALE_AFTER_DAYS", 183))


def is_stale(assured_date: dt.date | None, *, today: dt.date) -> bool:
    """Not verified at all, or not for longer than the stale threshold."""
    return assured_date is None or (today - assured_date).days > stale_after_days()


# --- search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int


# The facets whose ticked options are alternatives ("Food" or "Housing"): each one's counts
# leave its own choice out, so a resident sees what ticking another option would give.
EITHER_OF = ("category", "programme", "ward", "language")

# One statement for every count on the page. ``s`` is the search without the "either of"
# facets, worked out once (MATERIALIZED), with a flag per facet saying whether the service meets
# that facet's choice, and a flag per "when" and "good to know" option. Each facet is then one
# grouped join of its table to ``s``, keeping the rows that meet every OTHER facet's choice.
_FACET_COUNTS_SQL = """
WITH s ({columns}) AS MATERIALIZED ({core}),
terms AS (
    SELECT t.id, t.slug, x.kind
    FROM {term} t JOIN {taxonomy} x ON x.id = t.taxonomy_id
    WHERE x.kind IN (%(category)s, %(programme)s, %(accessibility)s)
)
SELECT terms.kind, terms.slug, count(DISTINCT s.id)
FROM s
JOIN {attribute} a ON a.service_id = s.id
JOIN terms ON terms.id = a.taxonomy_term_id AND terms.kind IN (%(category)s, %(programme)s)
WHERE (terms.kind = %(category)s AND s.f_programme AND s.f_ward AND s.f_language)
   OR (terms.kind = %(programme)s AND s.f_category AND s.f_ward AND s.f_language)
GROUP BY terms.kind, terms.slug
UNION ALL
SELECT terms.kind, terms.slug, count(DISTINCT s.id)
FROM s
JOIN {sal} sal ON sal.service_id = s.id
JOIN {attribute} a ON a.location_id = sal.location_id
JOIN terms ON terms.id = a.taxonomy_term_id AND terms.kind = %(accessibility)s
WHERE s.f_category AND s.f_programme AND s.f_ward AND s.f_language
GROUP BY terms.kind, terms.slug
UNION ALL
SELECT 'ward', w.slug, count(DISTINCT sw.service_id)
FROM (
    SELECT s.id AS service_id, sa.ward_id FROM s JOIN {area} sa ON sa.service_id = s.id
    WHERE s.f_category AND s.f_programme AND s.f_language
    UNION ALL
    SELECT s.id, l.ward_id FROM s
    JOIN {sal} sal ON sal.service_id = s.id
    JOIN {location} l ON l.id = sal.location_id
    WHERE s.f_category AND s.f_programme AND s.f_language
) sw
JOIN {ward} w ON w.id = sw.ward_id
GROUP BY w.slug
UNION ALL
SELECT 'language', sl.code, count(DISTINCT sl.service_id)
FROM (
    SELECT s.id AS service_id, lang.code FROM s JOIN {language} lang ON lang.service_id = s.id
    WHERE s.f_category AND s.f_programme AND s.f_ward
    UNION ALL
    SELECT s.id, lang.code FROM s
    JOIN {sal} sal ON sal.service_id = s.id
    JOIN {language} lang ON lang.location_id = sal.location_id
    WHERE s.f_category AND s.f_programme AND s.f_ward
) sl
GROUP BY sl.code
UNION ALL
SELECT flag.facet, flag.value, flag.n
FROM (
    SELECT count(*) AS total, {flag_counts} FROM s
    WHERE s.f_category AND s.f_programme AND s.f_ward AND s.f_language
) c
CROSS JOIN LATERAL (VALUES ('', '', c.total), {flag_rows}) AS flag (facet, value, n)
UNION ALL
SELECT 'order', (row_number() OVER (ORDER BY {order}))::text, o.id
FROM (
    SELECT s.id, s.name, {rank} AS rank, min({km}) AS km
    FROM s
    {near_join}
    WHERE s.f_category AND s.f_programme AND s.f_ward AND s.f_language
    GROUP BY s.id, s.name{rank_group}
) o
"""

# Distance from the resident's point to a place, as ``filters.distance_km_expression`` works it
# out (equirectangular); a service's distance is its nearest place's, and one with no place on
# the map sorts last.
_NEAR_JOIN = """
    LEFT JOIN {sal} near_sal ON near_sal.service_id = s.id
    LEFT JOIN {location} near ON near.id = near_sal.location_id
        AND near.latitude IS NOT NULL AND near.longitude IS NOT NULL
"""
_KM_SQL = (
    "sqrt(power(radians(near.longitude - %(lon)s) * cos(radians((near.latitude + %(lat)s) / 2.0)),"
    " 2) + power(radians(near.latitude - %(lat)s), 2)) * %(earth_radius)s"
)


def _facet_counts(filters: ServiceFilter) -> tuple[dict[tuple[str, str], int], list[int]]:
    """(facet, option value) -> how many services choosing it would show, and the ids of every
    service the search finds, in the order shown: nearest first with a postcode, else best
    match first with words, else by name. One query."""
    from luton2040.places.models import Ward

    from ..models import ServiceArea

    conditions = filters.either_of_conditions()
    open_ids = filters.open_ids()
    flags: dict[str, Any] = {
        f"f_{name}": (
            Value(True) if condition is None else ExpressionWrapper(condition, BooleanField())
        )
        for name, condition in conditions.items()
    }
    options = [("when", value) for value, _label in WHEN_CHOICES]
    options += [("access", value) for value, _label in ACCESS_CHOICES]
    columns = {("when", value): AnyOf("pk", open_ids[value]) for value, _label in WHEN_CHOICES} | {
        ("access", value): ExpressionWrapper(access_q(value), BooleanField())
        for value, _label in ACCESS_CHOICES
    }
    for n, option in enumerate(options):
        flags[f"o_{n}"] = columns[option]
    place = getattr(filters.form, "place", None)
    near = place is not None and place.latitude is not None and place.longitude is not None
    words = bool(" ".join(str(filters.cleaned().get("q") or "").split()))
    # The keyword filter annotates ``rank``; the order needs it and the name from ``s``.
    sort_columns = ["name", "rank"] if words else ["name"]
    core = (
        filters.apply(Service.objects.listed(), without=EITHER_OF)
        .order_by()
        .annotate(**flags)
        .values_list("pk", *flags, *sort_columns)
    )
    core_sql, core_params = core.query.sql_with_params()
    tables = {
        name: model._meta.db_table
        for name, model in {
            "term": TaxonomyTerm,
            "taxonomy": Taxonomy,
            "attribute": Attribute,
            "sal": ServiceAtLocation,
            "area": ServiceArea,
            "location": Location,
            "ward": Ward,
            "language": Language,
        }.items()
    }
    # The core's placeholders are positional (%s) and the rest named: name the core's too.
    numbers = iter(range(len(core_params)))
    core_sql = re.sub(
        r"%([%s])",
        lambda match: "%%" if match.group(1) == "%" else f"%(core_{next(numbers)})s",
        core_sql,
    )
    order = ["o.km", "o.name"] if near else ["o.rank DESC", "o.name"] if words else ["o.name"]
    sql = _FACET_COUNTS_SQL.format(
        columns=", ".join(["id", *flags, *sort_columns]),
        core=core_sql,
        order=", ".join([*order, "o.id"]),
        rank="s.rank" if words else "0.0",
        rank_group=", s.rank" if words else "",
        km=_KM_SQL if near else "NULL::float",
        near_join=_NEAR_JOIN.format(**tables) if near else "",
        flag_counts=", ".join(
            f"count(*) FILTER (WHERE s.o_{n}) AS o_{n}" for n in range(len(options))
        ),
        flag_rows=", ".join(
            f"(%(facet_{n})s, %(value_{n})s, c.o_{n})" for n in range(len(options))
        ),
        **tables,
    )
    params: dict[str, Any] = {f"core_{n}": value for n, value in enumerate(core_params)}
    params |= {
        "category": Taxonomy.Kind.CATEGORY.value,
        "programme": Taxonomy.Kind.PROGRAMME.value,
        "accessibility": Taxonomy.Kind.ACCESSIBILITY.value,
    }
    if near and place is not None:
        params |= {"lat": place.latitude, "lon": place.longitude, "earth_radius": EARTH_RADIUS_KM}
    for n, (facet, value) in enumerate(options):
        params[f"facet_{n}"], params[f"value_{n}"] = facet, value
    counts: dict[tuple[str, str], int] = {}
    ranked: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, n in cursor.fetchall():
            if facet == "order":
                ranked.append((int(value), n))
            else:
                counts[(facet, value)] = n
    return counts, [pk for _position, pk in sorted(ranked)]


@dataclass(frozen=True)
class SearchCounts:
    total: int  # how many services the search finds
    facets: dict[str, list[FacetOption]]


def _search_counts(filters: ServiceFilter, counts: dict[tuple[str, str], int]) -> SearchCounts:
    """How many services the search finds, and each facet's options with how many services
    each would show.

    "Either of" facets (type of help, programme, ward, language) count as if their own choice
    were cleared, so a resident sees what choosing another option would give; "all of" facets
    (when, good to know, accessibility) count within the current results.
    """
    kinds = {
        "category": Taxonomy.Kind.CATEGORY.value,
        "programme": Taxonomy.Kind.PROGRAMME.value,
        "accessibility": Taxonomy.Kind.ACCESSIBILITY.value,
    }
    facets: dict[str, list[FacetOption]] = {}
    for name in ("category", "programme", "accessibility", "ward", "language"):
        key = kinds.get(name, name)
        facets[name] = [
            FacetOption(value, str(label), counts.get((key, value), 0))
            for value, label in filters.filters[name].extra["choices"]
        ]
    for name, choices in (("when", WHEN_CHOICES), ("access", ACCESS_CHOICES)):
        facets[name] = [
            FacetOption(value, str(label), counts.get((name, value), 0)) for value, label in choices
        ]
    return SearchCounts(total=counts.get(("", ""), 0), facets=facets)


@dataclass(frozen=True)
class HubLink:
    """A hub named beside the results: all the search page shows of it."""

    name: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True)
class SearchPage:
    """What a search works out from the whole directory: the counts, the order of every match
    (ids), and the hubs whose names match the words. The page of cards is loaded separately."""

    counts: SearchCounts
    ids: list[int]
    hubs: list[HubLink]


def search_key(filters: ServiceFilter) -> str:
    """The cache key of a search: its filters as applied (normalised: words with single spaces,
    a postcode as the point it resolved to, ticked options sorted), the directory version, the
    language (the option labels are stored translated) and the day ("open today" changes with
    it). Not the minute: the "open now" count is worked out per request
    (``service_search_page``), so the key changes only with the data and the day, unless "open
    now" is ticked (then the matches themselves change with the minute)."""
    cleaned = filters.cleaned()  # first: validating the postcode sets ``form.place``
    place = getattr(filters.form, "place", None)
    applied: dict[str, Any] = {}
    for name, value in cleaned.items():
        if name == "postcode":
            value = None if place is None else [place.latitude, place.longitude]
        elif name == "q":
            value = " ".join(str(value or "").split())
        elif isinstance(value, list):
            value = sorted(str(one) for one in value)
        elif value is not None:
            value = str(value)
        if value not in (None, "", []):
            applied[name] = value
    when = "%Y-%m-%dT%H:%M" if "now" in applied.get("when", []) else "%Y-%m-%d"
    stamp = filters.moment.astimezone(opening.LONDON).strftime(when)
    text = json.dumps([applied, filters.version, get_language(), stamp], sort_keys=True)
    return "hubs:search:" + hashlib.sha256(text.encode()).hexdigest()


# Single flight: a cached entry is served as it is for DIRECTORY_CACHE_SECONDS and kept twice as
# long. The first request to find it stale takes a short lock and works it out again; everyone
# else keeps getting the stale entry meanwhile. The key has the directory version (and the day),
# so a stale entry can only miss a bare delete or an in-place edit: those show within
# DIRECTORY_CACHE_SECONDS plus the time one refresh takes. The lock is left to expire, never
# deleted: once the fresh entry is stored nobody asks for it, and a delete after a refresh slower
# than the lock would remove another worker's lock. A refresh that fails (an error) leaves it
# held too, so while the stale entry lasts it is tried again at most every
# _REFRESH_LOCK_SECONDS, not by every request.
_REFRESH_LOCK_SECONDS = 10


def refresh_lock_key(key: str) -> str:
    """The cache key of the lock a worker holds while it works out ``key`` again."""
    return f"{key}:lock"


def cached_single_flight(key: str, compute: Callable[[], T], *, now: dt.datetime) -> T:
    """``compute()``, cached under ``key`` for everyone, refreshed by one worker at a time
    (see ``_REFRESH_LOCK_SECONDS``); ``now`` is the request's moment."""
    entry: tuple[float, T] | None = cache.get(key)
    stamp = now.timestamp()
    if entry is not None:
        fresh_until, value = entry
        if stamp < fresh_until:
            return value
        if not cache.add(refresh_lock_key(key), 1, timeout=_REFRESH_LOCK_SECONDS):
            return value  # another worker is refreshing it
    value = compute()
    cache.set(key, (stamp + DIRECTORY_CACHE_SECONDS, value), timeout=2 * DIRECTORY_CACHE_SECONDS)
    return value


def service_search_page(*, filters: ServiceFilter) -> SearchPage:
    """Counts, result order and matching hubs for a search: two queries, or none when the
    same search was made today with the directory unchanged (cached, shared by every resident
    and worker, see ``cached_single_flight``). The "open now" count is the matches that are in
    this minute's "open now" set, worked out per request from cached sets (no query). The
    cards are loaded separately (``cards.result_cards``)."""

    def compute() -> SearchPage:
        hubs = hubs_matching(filters.cleaned().get("q", ""))
        counts, ids = _facet_counts(filters)
        return SearchPage(
            counts=_search_counts(filters, counts),
            ids=ids,
            hubs=[HubLink(name=hub.name, url=hub.get_absolute_url()) for hub in hubs],
        )

    found = cached_single_flight(search_key(filters), compute, now=filters.moment)
    open_now = id_set(filters.open_ids()["now"])
    now_count = sum(1 for pk in found.ids if pk in open_now)
    facets = dict(found.counts.facets)
    facets["when"] = [
        FacetOption(o.value, o.label, now_count) if o.value == "now" else o for o in facets["when"]
    ]
    return SearchPage(
        counts=SearchCounts(total=found.counts.total, facets=facets), ids=found.ids, hubs=found.hubs
    )


def services_in_order(ids: Sequence[int], *, contacts: bool = False) -> list[Service]:
    """The listed services with those ids, loaded for cards, in the order given (a service no
    longer listed since the order was worked out is left out)."""
    if not ids:
        return []
    found = {
        service.pk: service
        for service in with_card_rows(
            Service.objects.listed().filter(pk__in=list(ids)), contacts=contacts
        )
    }
    return [found[pk] for pk in ids if pk in found]


def hubs_matching(text: str, *, limit: int = 3) -> list[Location]:
    """Hubs whose name or description matches the words, best first."""
    text = " ".join(text.split())
    if not text:
        return []
    from ..filters import keyword_query

    query = keyword_query(text)
    return list(
        Location.objects.hubs()
        .filter(Q(search_vector=query) | Q(name__trigram_word_similar=text))
        .order_by("name")[:limit]
    )


# --- what a card shows -------------------------------------------------------------------------


# What ``opening.sal_rows`` reads of a place, for places loaded under their service (which has
# ``opening.SERVICE_PREFETCH``): loading the places of a service sets each one's ``service`` to
# that very object, so ``service__schedules`` here would only load the services and their
# timetables a second time (three queries).
_SAL_PREFETCH_UNDER_SERVICE = tuple(
    lookup for lookup in opening.SAL_PREFETCH if not lookup.startswith("service__")
)


def _places_prefetch(*, addresses: bool = True) -> Prefetch:
    """A service's places, for ``opening.sal_rows``: needs ``opening.SERVICE_PREFETCH`` on the
    services. Without ``addresses`` (a search card shows none), one query fewer."""
    places = ServiceAtLocation.objects.select_related("location")
    if addresses:
        places = places.select_related("location__ward").prefetch_related("location__addresses")
    return Prefetch(
        "service_at_locations",
        queryset=places.prefetch_related(*_SAL_PREFETCH_UNDER_SERVICE).order_by("location__name"),
    )


def _programmes_prefetch() -> Prefetch:
    return Prefetch(
        "attributes",
        queryset=Attribute.objects.filter(taxonomy_term__taxonomy__kind=Taxonomy.Kind.PROGRAMME)
        .select_related("taxonomy_term")
        .order_by("taxonomy_term__name"),
        to_attr="programme_attributes",
    )


def with_card_rows(services: QuerySet[Service], *, contacts: bool = False) -> QuerySet[Service]:
    """Load what a result card shows (and phone numbers and addresses, for the shortlist) in a
    fixed number of queries."""
    services = services.select_related("organisation").prefetch_related(
        _places_prefetch(addresses=contacts), _programmes_prefetch(), *opening.SERVICE_PREFETCH
    )
    return services.prefetch_related("phones") if contacts else services


@dataclass(frozen=True)
class PlaceTimes:
    """One place a service runs at, with its state now and (on service pages) this week."""

    sal: ServiceAtLocation
    location: Location
    state: opening.OpenState
    week: list[opening.DayTimes] = field(default_factory=list)
    distance_km: float | None = None

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / KM_PER_MILE


@dataclass(frozen=True)
class ServiceCard:
    """A service as a result card or shortlist entry shows it."""

    service: Service
    places: list[PlaceTimes]
    state: opening.OpenState | None  # the best answer across its places
    distance_km: float | None
    programmes: list[str]
    stale: bool

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / KM_PER_MILE

    @property
    def is_free(self) -> bool:
        return self.service.cost == Service.Cost.FREE

    @property
    def no_referral(self) -> bool:
        return self.service.referral in NO_REFERRAL

    @property
    def place(self) -> PlaceTimes | None:
        return self.places[0] if self.places else None


def _best_state(states: Sequence[opening.OpenState]) -> opening.OpenState | None:
    # Open now, then open (or opening) today, then the first place's answer.
    ranked = sorted(states, key=lambda state: (not state.open_now, not state.today.is_open_day))
    return ranked[0] if ranked else None


def _distance(place: PostcodeResult | None, location: Location) -> float | None:
    if place is None or place.latitude is None or place.longitude is None:
        return None
    if location.latitude is None or location.longitude is None:
        return None
    return distance_km(place.latitude, place.longitude, location.latitude, location.longitude)


def place_times(
    service: Service,
    *,
    moment: dt.datetime,
    near: PostcodeResult | None = None,
    week_days: int = 0,
) -> list[PlaceTimes]:
    """Each place the service runs at with its times (needs ``with_card_rows``), nearest first
    when a postcode was given."""
    rows = []
    for sal in service.service_at_locations.all():
        schedules, exceptions = opening.sal_rows(sal)
        rows.append(
            PlaceTimes(
                sal=sal,
                location=sal.location,
                state=opening.state_at(schedules=schedules, exceptions=exceptions, moment=moment),
                week=(
                    opening.week(
                        schedules=schedules,
                        exceptions=exceptions,
                        start=moment.astimezone(opening.LONDON).date(),
                        days=week_days,
                    )
                    if week_days
                    else []
                ),
                distance_km=_distance(near, sal.location),
            )
        )
    if near is not None:
        rows.sort(key=lambda row: (row.distance_km is None, row.distance_km or 0.0))
    return rows


def service_cards(
    services: Iterable[Service],
    *,
    moment: dt.datetime,
    near: PostcodeResult | None = None,
) -> list[ServiceCard]:
    """Cards for services loaded with ``with_card_rows``; no queries."""
    today = moment.astimezone(opening.LONDON).date()
    cards = []
    for service in services:
        places = place_times(service, moment=moment, near=near)
        states = [place.state for place in places]
        if not states:
            schedules, exceptions = opening.service_rows(service)
            if schedules or exceptions:
                states = [
                    opening.state_at(schedules=schedules, exceptions=exceptions, moment=moment)
                ]
        distances = [p.distance_km for p in places if p.distance_km is not None]
        cards.append(
            ServiceCard(
                service=service,
                places=places,
                state=_best_state(states),
                distance_km=min(distances) if distances else None,
                programmes=[
                    a.taxonomy_term.name for a in getattr(service, "programme_attributes", [])
                ],
                stale=is_stale(service.assured_date, today=today),
            )
        )
    return cards


# --- hubs --------------------------------------------------------------------------------------


def hub_list(*, filters: HubFilter) -> QuerySet[Location]:
    """Community hubs narrowed by the valid filters, by name, with what a hub card shows."""
    filters.is_valid()
    hubs = Location.objects.hubs().select_related("ward").order_by("name")
    hubs = filters.filter_queryset(hubs) if filters.is_valid() else hubs
    return hubs.prefetch_related(
        "addresses",
        *opening.LOCATION_PREFETCH,
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.filter(
                service__in=Service.objects.listed()
            ).select_related("service"),
            to_attr="listed_services",
        ),
    )


@dataclass(frozen=True)
class HubCard:
    hub: Location
    state: opening.OpenState | None
    service_names: list[str]


def hub_cards(hubs: Iterable[Location], *, moment: dt.datetime) -> list[HubCard]:
    """Cards for hubs loaded by ``hub_list``; no queries."""
    cards = []
    for hub in hubs:
        schedules, exceptions = opening.location_rows(hub)
        state = (
            opening.state_at(schedules=schedules, exceptions=exceptions, moment=moment)
            if schedules or exceptions
            else None
        )
        names = sorted(sal.service.name for sal in getattr(hub, "listed_services", []))
        cards.append(HubCard(hub=hub, state=state, service_names=names))
    return cards


def hub_get(*, slug: str) -> Location | None:
    """The community hub with that slug and everything its page shows, or None."""
    return (
        Location.objects.hubs()
        .filter(slug=slug)
        .select_related("ward", "organisation")
        .prefetch_related(
            "addresses",
            "accessibility",
            "languages",
            "phones",
            Prefetch("contacts", queryset=_contacts()),
            Prefetch(
                "attributes",
                queryset=Attribute.objects.filter(
                    taxonomy_term__taxonomy__kind=Taxonomy.Kind.ACCESSIBILITY
                )
                .select_related("taxonomy_term")
                .order_by("taxonomy_term__name"),
                to_attr="accessibility_attributes",
            ),
            *opening.LOCATION_PREFETCH,
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.filter(service__in=Service.objects.listed())
                .select_related("service", "location")
                .prefetch_related(*opening.SAL_PREFETCH)
                .order_by("service__name"),
                to_attr="listed_services",
            ),
        )
        .first()
    )


def hub_summary(*, slug: str) -> Location | None:
    """The community hub with that slug and its own opening hours (its name and "open now"),
    or None: all a hub page needs when the rest is cached."""
    return (
        Location.objects.hubs()
        .filter(slug=slug)
        .prefetch_related(*opening.LOCATION_PREFETCH)
        .first()
    )


def _contacts() -> QuerySet[Any]:
    from ..models import Contact

    return Contact.objects.prefetch_related("phones").order_by("name")


@dataclass(frozen=True)
class TimetableEntry:
    name: str
    service: Service | None  # None: the hub's own opening hours
    times: opening.DayTimes


@dataclass(frozen=True)
class TimetableDay:
    day: dt.date
    entries: list[TimetableEntry]


def hub_timetable(hub: Location, *, start: dt.date, days: int = 7) -> list[TimetableDay]:
    """What's on at a hub each day from ``start``: its own hours, then each service's sessions
    or the reason it is not running (a bank holiday, a closure). Needs ``hub_get``."""
    from django.utils.translation import gettext

    rows: list[tuple[str, Service | None, list[opening.DayTimes]]] = []
    schedules, exceptions = opening.location_rows(hub)
    if schedules or exceptions:
        rows.append(
            (
                gettext("Building open"),
                None,
                opening.week(schedules=schedules, exceptions=exceptions, start=start, days=days),
            )
        )
    for sal in getattr(hub, "listed_services", []):
        schedules, exceptions = opening.sal_rows(sal)
        rows.append(
            (
                sal.service.name,
                sal.service,
                opening.week(schedules=schedules, exceptions=exceptions, start=start, days=days),
            )
        )
    timetable = []
    for index in range(days):
        entries = [
            TimetableEntry(name=name, service=service, times=week[index])
            for name, service, week in rows
            # A day a service never runs is noise; a day it would have run but does not is news.
            if week[index].is_open_day or week[index].closed_reason
        ]
        timetable.append(TimetableDay(day=start + dt.timedelta(days=index), entries=entries))
    return timetable


# --- services ----------------------------------------------------------------------------------


def service_get(*, slug: str) -> Service | None:
    """The service with that slug (whatever its status) and everything its page shows, or None."""
    return (
        Service.objects.filter(slug=slug)
        .select_related("organisation")
        .prefetch_related(
            _places_prefetch(),
            _programmes_prefetch(),
            *opening.SERVICE_PREFETCH,
            "languages",
            "phones",
            "cost_options",
            "required_documents",
            "service_areas__ward",
            Prefetch("contacts", queryset=_contacts()),
            Prefetch(
                "attributes",
                queryset=Attribute.objects.filter(
                    taxonomy_term__taxonomy__kind__in=[
                        Taxonomy.Kind.ELIGIBILITY,
                        Taxonomy.Kind.AUDIENCE,
                    ]
                )
                .select_related("taxonomy_term")
                .order_by("taxonomy_term__name"),
                to_attr="eligibility_attributes",
            ),
        )
        .first()
    )


# --- shortlist ---------------------------------------------------------------------------------


def parse_uuids(values: Iterable[str], *, limit: int = SHORTLIST_MAX) -> list[str]:
    """The well-formed uuids among the values, in order, without repeats, at most ``limit``."""
    seen: list[str] = []
    for value in values:
        try:
            text = str(uuid_module.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            continue
        if text not in seen:
            seen.append(text)
        if len(seen) >= limit:
            break
    return seen


def shortlist_services(*, uuids: Sequence[str]) -> list[Service]:
    """The listed services with those uuids, in the order given; unknown ids are skipped."""
    ids = parse_uuids(uuids)
    if not ids:
        return []
    found = {
        str(s.uuid): s
        for s in with_card_rows(Service.objects.listed().filter(uuid__in=ids), contacts=True)
    }
    return [found[i] for i in ids if i in found]
