"""Filters residents use on the directory: what kind of help, where, when, and who it suits.

Within one facet the choices are alternatives ("Food" or "Housing"); across facets they all
apply, as in LocalGov Drupal and Scout. The "when" and "good to know" choices and accessibility
features each narrow further: a resident ticking "free" and "no referral" wants both.

Every filter is an EXISTS or ``pk IN`` subquery, never a join, so no service is counted twice
and the counts beside each option stay right.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cos, Power, Radians, Sqrt
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from luton2040.places.models import Ward

from . import opening
from .forms import DirectorySearchForm
from .models import (
    Attribute,
    Language,
    Location,
    Organisation,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .models.directory import SEARCH_CONFIG

EARTH_RADIUS_KM = 6371.0088
WORD_SIMILARITY_MIN = 0.5

WHEN_CHOICES = [
    ("now", _("Open now")),
    ("today", _("Open today")),
    ("weekends", _("Open at weekends")),
    ("evenings", _("Open in the evenings (after 6pm)")),
]
ACCESS_CHOICES = [
    ("free", _("Free")),
    ("no-referral", _("No referral needed")),
]
NO_REFERRAL = [Service.Referral.DROP_IN, Service.Referral.SELF_REFERRAL]


def term_choices(kind: str) -> list[tuple[str, str]]:
    """(slug, name) for every term of one of our taxonomies, by name."""
    return list(
        TaxonomyTerm.objects.filter(taxonomy__kind=kind)
        .order_by("name")
        .values_list("slug", "name")
    )


def keyword_query(text: str) -> SearchQuery:
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


def keyword_q(text: str) -> Q:
    """Services matching the words, their name misspelt, or the name of a place they run at."""
    query = keyword_query(text)
    at_place = ServiceAtLocation.objects.filter(service=OuterRef("pk")).filter(
        Q(location__search_vector=query) | Q(location__name__trigram_word_similar=text)
    )
    # ``name %> text`` is word_similarity(text, name) >= pg_trgm.word_similarity_threshold,
    # which settings set to WORD_SIMILARITY_MIN on every connection: the same test as comparing
    # the similarity, but one the trigram index on the name can answer (the comparison was
    # worked out for every listed service on each search).
    return Q(search_vector=query) | Q(name__trigram_word_similar=text) | Q(Exists(at_place))


def with_name_similarity(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    # word_similarity compares the text with the closest run of words in the name: "food bak"
    # scores 0.78 and "foodbank" 0.58 against "Luton Food Bank". The <% operator (which the
    # trigram index serves) cuts off at pg_trgm's default 0.6 and so loses "foodbank".
    return services.alias(name_similarity=TrigramWordSimilarity(text, "name"))


def distance_km_expression(latitude: float, longitude: float, prefix: str = "") -> Any:
    """Distance in km from a point to a row's latitude/longitude (equirectangular: within a
    town the error is far below the precision of a postcode district)."""
    lat, lon = F(f"{prefix}latitude"), F(f"{prefix}longitude")
    x = Radians(lon - Value(longitude)) * Cos(Radians((lat + Value(latitude)) / Value(2.0)))
    y = Radians(lat - Value(latitude))
    return Sqrt(Power(x, 2) + Power(y, 2)) * Value(EARTH_RADIUS_KM)


def when_q(option: str, *, moment: dt.datetime) -> Q:
    """The condition for one "when" option, as a ``pk IN`` subquery."""
    services = Service.objects.all()
    if option == "now":
        services = services.open_at(moment)
    elif option == "today":
        services = services.open_on(moment.date())
    elif option == "weekends":
        services = services.open_at_weekends()
    elif option == "evenings":
        services = services.open_in_evenings()
    else:  # pragma: no cover - the form only lets the choices through
        raise ValueError(option)
    return Q(pk__in=services.values("pk"))


class IdArray(str):
    """A list of ids written once as a PostgreSQL array literal ("{1,2,3}"). psycopg writes a
    Python list out element by element in Python on every query: ~20 ms a search for the four
    "when" sets; the literal is built once, cached with the set, and sent as one string."""

    @classmethod
    def of(cls, ids: Iterable[int]) -> IdArray:
        return cls("{" + ",".join(str(int(pk)) for pk in ids) + "}")


class AnyOf(Expression):
    """``column = ANY(ids)``: a filter on a list of ids passed as ONE array parameter (an
    ``__in`` with thousands of ids compiles a placeholder each, and is re-parsed every time)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str | F, ids: IdArray | Iterable[int]) -> None:
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.ids = ids if isinstance(ids, IdArray) else IdArray.of(ids)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.column)
        # "+ 0" keeps PostgreSQL from using the array as an index condition (a bitmap index
        # probe per id: 6 ms for 3,500 ids); as a filter it hashes the array once instead.
        return f"({sql} + 0) = ANY(%s::bigint[])", (*params, str(self.ids))


# How long anything worked out from the directory's data is reused (the "when" id sets, the
# option lists, a search's counts, result order and cards, a hub's day, a visitor's whole page).
# Adding a row, or saving a service, place, service-at-location or organisation (every editor and
# import path does), changes ``directory_version`` and so shows within a second (at once to the
# person who saved it: DIRECTORY_VERSION_SECONDS); a row deleted or changed in place by other
# means shows within this many seconds.
DIRECTORY_CACHE_SECONDS = 60

# Tables whose highest id is part of the version: an insert into any of them changes it.
_VERSION_ID_TABLES = (
    Service,
    Location,
    ServiceAtLocation,
    Schedule,
    ScheduleException,
    Attribute,
    Language,
    ServiceArea,
    TaxonomyTerm,
    Ward,
)
# Tables with an indexed ``last_modified`` (auto_now): saving a row changes the version (a card
# shows the organisation's name).
_VERSION_MODIFIED_TABLES = (Service, Location, ServiceAtLocation, Organisation)


def version_sql() -> str:
    """The directory's version as one SQL expression: the highest id of every table the search
    reads (ids are never reused, even after a rollback, so a cached answer can never be taken for
    another state's), and the latest ``last_modified`` of services, places, services-at-locations
    and organisations, all index-only lookups. No ``count(*)``: that scans the tables (it cost
    ~5 ms a request), so a bare delete of a row that is not the newest is only caught by
    ``DIRECTORY_CACHE_SECONDS``. md5: a short key, safe for any cache backend."""
    parts = [
        f"(SELECT max(id) FROM {model._meta.db_table})"  # noqa: S608  table names, not input
        for model in _VERSION_ID_TABLES
    ] + [
        f"(SELECT max(last_modified) FROM {model._meta.db_table})"  # noqa: S608
        for model in _VERSION_MODIFIED_TABLES
    ]
    return f"md5(concat_ws('-', {', '.join(parts)}))"


# How long a web process keeps the version it last read. A save through the ORM to any table in
# the version forgets it at once in the saving process (``forget_directory_version``, connected
# in HubsConfig.ready), so an editor sees their change at once; other processes see it within
# this long. Most search and hub page requests then make no query at all.
DIRECTORY_VERSION_SECONDS = 1.0
_read: tuple[float, str] | None = None  # (until, version): one tuple, swapped whole (threads)
_clock = time.monotonic


def directory_version() -> str:
    """A cheap stamp of the directory's data (``version_sql``), read at most once a second by
    each process (``DIRECTORY_VERSION_SECONDS``).

    Read through the database function ``hubs_directory_version()`` (migration 0007), which is
    that expression in PL/pgSQL: PostgreSQL keeps its plan for the connection's life, where the
    plain statement was planned again on every request (0.56 ms of its 0.84 ms).
    """
    global _read
    read, now = _read, _clock()
    if read is not None and now < read[0]:
        return read[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT hubs_directory_version()")
        version = str(cursor.fetchone()[0])
    _read = (now + DIRECTORY_VERSION_SECONDS, version)
    return version


def forget_directory_version() -> None:
    """Read the version from the database next time."""
    global _read
    _read = None


def directory_changed(**kwargs: Any) -> None:
    """Signal receiver for a save or delete of a row the version reads. Forgotten now (this
    request's own next read) and again after the commit: a read by another thread between the
    two would have seen the database without the change."""
    forget_directory_version()
    transaction.on_commit(forget_directory_version)


VERSION_MODELS = tuple(dict.fromkeys(_VERSION_ID_TABLES + _VERSION_MODIFIED_TABLES))


def directory_choices(version: str) -> dict[str, list[tuple[str, str]]]:
    """The search's option lists (terms, wards, languages), five queries, cached per version:
    they are the same for every resident."""
    key = f"hubs:choices:{version}"
    choices: dict[str, list[tuple[str, str]]] | None = cache.get(key)
    if choices is None:
        choices = {
            "category": term_choices(Taxonomy.Kind.CATEGORY),
            "programme": term_choices(Taxonomy.Kind.PROGRAMME),
            "accessibility": term_choices(Taxonomy.Kind.ACCESSIBILITY),
            "ward": list(Ward.objects.order_by("name").values_list("slug", "name")),
            "language": language_choices(),
        }
        cache.set(key, choices, timeout=DIRECTORY_CACHE_SECONDS)
    return choices


def open_service_ids(moment: dt.datetime, *, version: str) -> dict[str, IdArray]:
    """The ids of the services each "when" option keeps, at ``moment`` (to the minute).

    Working them out costs ~300 ms at 10,000 services (each is a nest of EXISTS over the
    schedules), and the search needs all four on every request: for the counts beside the
    options, and for the filter. They change only when the minute ("open now"), the day (the
    others) or the opening data changes, so they are cached briefly and shared by all workers.
    Times are whole minutes, so "open now" worked out at the start of the minute is exact.
    """
    local = moment.astimezone(opening.LONDON).replace(second=0, microsecond=0)
    keys = {
        "day": f"hubs:open-ids:{local:%Y-%m-%d}:{version}",
        "minute": _minute_key(local, version=version),
    }
    found = cache.get_many(keys.values())
    options = {"day": ["today", "weekends", "evenings"], "minute": ["now"]}
    ids: dict[str, IdArray] = {}
    for part, key in keys.items():
        if key not in found:
            # Single flight: at the turn of a minute (or of the day, or after an edit) every
            # thread in flight wants the new set (~300 ms of PostgreSQL for "open now"); one
            # works it out, the others wait for it briefly. There is no older set to serve
            # instead: "open now" must be exact to the minute.
            found[key] = _await_set(key)
        if found.get(key) is None:
            found[key] = _when_sets(options[part], local)
            cache.set(key, found[key], timeout=DIRECTORY_CACHE_SECONDS)
        ids.update(found[key])
    if moment.astimezone(opening.LONDON).second >= PREPARE_AHEAD_SECOND:
        _prepare_next_minute(local, version=version)
    return ids


# In the last seconds of a minute, one request works out the next minute's "open now" set, so
# the turn of the minute finds it ready instead of every thread waiting on it.
PREPARE_AHEAD_SECOND = 50
_LOCK_SECONDS = 5
_WAIT_SECONDS = 2.0


def _minute_key(local: dt.datetime, *, version: str) -> str:
    # Wall-clock minute: "open now" is a wall-clock rule, so the two 01:30s of the day the
    # clocks go back have the same set.
    return f"hubs:open-ids:{local:%Y-%m-%dT%H:%M}:{version}"


def _when_sets(options: Sequence[str], local: dt.datetime) -> dict[str, IdArray]:
    return {
        option: IdArray.of(
            Service.objects.filter(when_q(option, moment=local))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for option in options
    }


def _await_set(key: str) -> dict[str, IdArray] | None:
    """None when this thread should work the set out itself (it holds the lock, or the one
    that does took too long or failed); else the set another thread put in the cache meanwhile.
    The lock is left to expire (``_LOCK_SECONDS``), never deleted: see
    ``selectors.directory.cached_single_flight``."""
    if cache.add(f"{key}:lock", 1, timeout=_LOCK_SECONDS):
        return None
    deadline = time.monotonic() + _WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        found: dict[str, IdArray] | None = cache.get(key)
        if found is not None:
            return found
    return None


def _prepare_next_minute(local: dt.datetime, *, version: str) -> None:
    # The next minute in real time (aware arithmetic in one zone is wall-clock arithmetic: at
    # 00:59 on the day the clocks go forward it would give 01:00, which never happens).
    following = (local.astimezone(dt.UTC) + dt.timedelta(minutes=1)).astimezone(opening.LONDON)
    key = _minute_key(following, version=version)
    if cache.get(key) is None and cache.add(f"{key}:lock", 1, timeout=_LOCK_SECONDS):
        cache.set(key, _when_sets(["now"], following), timeout=DIRECTORY_CACHE_SECONDS)


def id_set(ids: IdArray) -> frozenset[int]:
    """The ids in an array literal, as a set (~1 ms for 10,000)."""
    body = ids[1:-1]
    return frozenset(int(pk) for pk in body.split(",")) if body else frozenset()


def access_q(option: str) -> Q:
    if option == "free":
        return Q(cost=Service.Cost.FREE)
    return Q(referral__in=NO_REFERRAL)


def term_q(kind: str, slugs: list[str]) -> Q:
    return Q(
        Exists(
            Attribute.objects.filter(
                service=OuterRef("pk"),
                taxonomy_term__taxonomy__kind=kind,
                taxonomy_term__slug__in=slugs,
            )
        )
    )


def ward_q(slug: str) -> Q:
    """Services covering the ward, or running at a place in it."""
    covers = ServiceArea.objects.filter(service=OuterRef("pk"), ward__slug=slug)
    runs_in = ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__ward__slug=slug)
    return Q(Exists(covers)) | Q(Exists(runs_in))


def language_q(code: str) -> Q:
    """Services whose staff speak the language, here or at one of their places."""
    spoken = Language.objects.filter(service=OuterRef("pk"), code=code)
    at_place = ServiceAtLocation.objects.filter(
        service=OuterRef("pk"), location__languages__code=code
    )
    return Q(Exists(spoken)) | Q(Exists(at_place))


def accessibility_q(slug: str) -> Q:
    return Q(
        Exists(
            ServiceAtLocation.objects.filter(
                service=OuterRef("pk"),
                location__attributes__taxonomy_term__taxonomy__kind=Taxonomy.Kind.ACCESSIBILITY,
                location__attributes__taxonomy_term__slug=slug,
            )
        )
    )


def age_q(age: int) -> Q:
    return (Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & (
        Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    )


@dataclass(frozen=True)
class SelectedFilter:
    """One filter in use, as the MOJ filter pattern shows it: a tag that removes it."""

    label: str
    value: str
    remove_query: str


class ServiceFilter(django_filters.FilterSet):
    """The directory search: keywords, facets and "near me"."""

    q = django_filters.CharFilter(
        label=_("Search"),
        help_text=_("For example, food bank, warm space or debt advice"),
        method="filter_keywords",
    )
    postcode = django_filters.CharFilter(
        label=_("Postcode"),
        help_text=_("To show the nearest first, like LU1 2BQ"),
        method="filter_near",
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Type of help"),
        choices=[],
        widget=django_filters.widgets.forms.CheckboxSelectMultiple,
        method="filter_category",
    )
    programme = django_filters.MultipleChoiceFilter(
        label=_("Programme"),
        choices=[],
        widget=django_filters.widgets.forms.CheckboxSelectMultiple,
        method="filter_programme",
    )
    when = django_filters.MultipleChoiceFilter(
        label=_("When"),
        choices=WHEN_CHOICES,
        widget=django_filters.widgets.forms.CheckboxSelectMultiple,
        method="filter_when",
    )
    access = django_filters.MultipleChoiceFilter(
        label=_("Good to know"),
        choices=ACCESS_CHOICES,
        widget=django_filters.widgets.forms.CheckboxSelectMultiple,
        method="filter_access",
    )
    ward = django_filters.ChoiceFilter(
        label=_("Ward"), choices=[], empty_label=_("Anywhere in Luton"), method="filter_ward"
    )
    language = django_filters.ChoiceFilter(
        label=_("Language spoken"),
        choices=[],
        empty_label=_("Any language"),
        method="filter_language",
    )
    accessibility = django_filters.MultipleChoiceFilter(
        label=_("Accessibility"),
        choices=[],
        widget=django_filters.widgets.forms.CheckboxSelectMultiple,
        method="filter_accessibility",
    )
    age = django_filters.NumberFilter(
        label=_("Age of the person who needs help"),
        help_text=_("In years, for example 16"),
        method="filter_age",
        min_value=0,
        max_value=120,
    )

    class Meta:
        model = Service
        fields: list[str] = []
        form = DirectorySearchForm

    def __init__(
        self,
        *args: Any,
        moment: dt.datetime | None = None,
        with_choices: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.moment = moment or opening.local_now()
        self._open_ids: dict[str, IdArray] | None = None
        self._version: str | None = None
        if with_choices:
            self.set_choices(**directory_choices(self.version))

    def set_choices(self, **choices: list[tuple[str, str]]) -> None:
        """Offer these options (the view passes them with counts in the labels)."""
        for name, options in choices.items():
            self.filters[name].extra["choices"] = options
            if name in self.form.fields:
                self.form.fields[name].choices = (  # type: ignore[attr-defined]
                    [("", self.filters[name].extra.get("empty_label"))]
                    if "empty_label" in self.filters[name].extra
                    else []
                ) + options

    # --- filters -----------------------------------------------------------------------------

    def filter_keywords(self, queryset: QuerySet[Service], name: str, value: str) -> QuerySet:
        text = " ".join(value.split())
        if not text:
            return queryset
        rank = SearchRank(F("search_vector"), keyword_query(text)) + F("name_similarity")
        return with_name_similarity(queryset, text).filter(keyword_q(text)).annotate(rank=rank)

    def filter_near(self, queryset: QuerySet[Service], name: str, value: str) -> QuerySet:
        # A postcode narrows nothing: it orders, nearest first, and the search statement
        # (selectors.directory._facet_counts) works the distances out for the matches only.
        return queryset

    def filter_category(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(term_q(Taxonomy.Kind.CATEGORY, value)) if value else queryset

    def filter_programme(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(term_q(Taxonomy.Kind.PROGRAMME, value)) if value else queryset

    def filter_when(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        for option in value:
            queryset = queryset.filter(AnyOf("pk", self.open_ids()[option]))
        return queryset

    def filter_access(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        for option in value:
            queryset = queryset.filter(access_q(option))
        return queryset

    def filter_ward(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(ward_q(value)) if value else queryset

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(language_q(value)) if value else queryset

    def filter_accessibility(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        for slug in value:
            queryset = queryset.filter(accessibility_q(slug))
        return queryset

    def filter_age(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(age_q(int(value))) if value is not None else queryset

    # --- helpers for the view and the facet counts -------------------------------------------

    def cleaned(self) -> dict[str, Any]:
        """The valid values typed or ticked (a field with an error is left out)."""
        self.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @property
    def version(self) -> str:
        """``directory_version()``, asked once per request."""
        if self._version is None:
            self._version = directory_version()
        return self._version

    def open_ids(self) -> dict[str, IdArray]:
        """The services each "when" option keeps, worked out once per request (the filter and
        the counts share them)."""
        if self._open_ids is None:
            self._open_ids = open_service_ids(self.moment, version=self.version)
        return self._open_ids

    def apply(
        self, queryset: QuerySet[Service], *, without: str | Collection[str] = ()
    ) -> QuerySet:
        """Narrow by every valid filter, leaving out some (for the facet counts)."""
        skip = {without} if isinstance(without, str) else set(without)
        for name, value in self.cleaned().items():
            if name in skip or name not in self.filters:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def either_of_conditions(self) -> dict[str, Q | None]:
        """The condition each "either of" facet (type of help, programme, ward, language) adds,
        or None when nothing is chosen in it. Its own counts leave it out; the others' keep it."""
        cleaned = self.cleaned()
        category, programme = cleaned.get("category"), cleaned.get("programme")
        ward, language = cleaned.get("ward"), cleaned.get("language")
        return {
            "category": term_q(Taxonomy.Kind.CATEGORY, category) if category else None,
            "programme": term_q(Taxonomy.Kind.PROGRAMME, programme) if programme else None,
            "ward": ward_q(ward) if ward else None,
            "language": language_q(language) if language else None,
        }

    def selected(self, labels: dict[str, dict[str, str]]) -> list[SelectedFilter]:
        """The filters in use, each with a link that removes it (postcode and words excepted)."""
        data = self.data if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        selected = []
        for name, value in self.cleaned().items():
            if name in ("q", "postcode") or value in (None, "", []):
                continue
            values = value if isinstance(value, list) else [value]
            for one in values:
                query = data.copy()
                query.pop("page", None)
                if isinstance(value, list):
                    query.setlist(name, [v for v in data.getlist(name) if v != one])
                else:
                    query.pop(name, None)
                shown = labels.get(name, {}).get(str(one), str(one))
                selected.append(
                    SelectedFilter(
                        label=str(self.filters[name].label),
                        value=shown,
                        remove_query=query.urlencode(),
                    )
                )
        return selected


def language_choices() -> list[tuple[str, str]]:
    """Each language code recorded on a listed service or on a place, with one name for it."""
    rows = (
        Language.objects.filter(
            Q(service__status__in=["active", "temporarily closed"]) | Q(location__isnull=False)
        )
        .order_by("code", "name")
        .distinct("code")
        .values_list("code", "name")
    )
    return sorted(((code, name) for code, name in rows), key=lambda row: row[1].casefold())


class HubFilter(django_filters.FilterSet):
    """The hub list: by ward, and open today."""

    ward = django_filters.ChoiceFilter(
        label=_("Ward"),
        choices=[],
        empty_label=_("Anywhere in Luton"),
        field_name="ward__slug",
    )
    open_today = django_filters.BooleanFilter(
        label=_("Open today"),
        widget=django_filters.widgets.forms.CheckboxInput,
        method="filter_open_today",
    )

    class Meta:
        model = Location
        fields: list[str] = []

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or opening.local_today()
        wards = list(Ward.objects.order_by("name").values_list("slug", "name"))
        self.filters["ward"].extra["choices"] = wards
        self.form.fields["ward"].choices = [("", _("Anywhere in Luton")), *wards]  # type: ignore[attr-defined]

    def filter_open_today(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(pk__in=Location.objects.open_on(self.today).values("pk"))
