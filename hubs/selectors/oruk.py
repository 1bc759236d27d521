"""Reads behind the Open Referral UK v3 API: which records are published, filtered how, and with
which related rows loaded up front so every endpoint costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from luton2040.places.models import Ward

from ..models import (
    Attribute,
    Contact,
    Language,
    Organisation,
    Phone,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from ..models.directory import SEARCH_CONFIG
from ..opening import local_today

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG), metres, as places.postcodes uses in km


@dataclass(frozen=True)
class Point:
    """Where a searched postcode is, and what we know of its ward."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Coverage:
    """The postcode's answer for service-area checks (see services_filter)."""

    ward: Ward | None
    in_luton: bool


@dataclass(frozen=True)
class ServiceFilters:
    """The ORUK list parameters that narrow services, already parsed and checked by the view."""

    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None
    days: Sequence[str] = field(default_factory=tuple)
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    coverage: Coverage | None = None
    near: Point | None = None
    proximity_m: float | None = None


# --- prefetch plans --------------------------------------------------------------------------


def _attributes() -> QuerySet[Attribute]:
    return Attribute.objects.select_related("taxonomy_term__taxonomy").order_by("pk")


def _upcoming_exceptions(lookup: str) -> Prefetch:  # type: ignore[type-arg]
    # Past exceptions tell a consumer nothing; only today's and future ones are published.
    return Prefetch(
        lookup,
        queryset=ScheduleException.objects.filter(ends_on__gte=local_today()),
        to_attr="upcoming_exceptions",
    )


def _location_prefetches(prefix: str) -> list[str | Prefetch]:  # type: ignore[type-arg]
    return [
        f"{prefix}addresses",
        f"{prefix}accessibility",
        f"{prefix}phones",
        f"{prefix}languages",
        Prefetch(f"{prefix}attributes", queryset=_attributes()),
    ]


def _service_prefetches(prefix: str = "") -> list[str | Prefetch]:  # type: ignore[type-arg]
    """Everything a fully nested service needs, each relation in one query."""
    sal_qs = ServiceAtLocation.objects.select_related("location").order_by("location__name", "pk")
    return [
        f"{prefix}schedules",
        f"{prefix}service_areas",
        Prefetch(f"{prefix}service_at_locations", queryset=sal_qs),
        f"{prefix}service_at_locations__schedules",
        *_location_prefetches(f"{prefix}service_at_locations__location__"),
        _upcoming_exceptions(f"{prefix}service_at_locations__exceptions"),
        _upcoming_exceptions(f"{prefix}service_at_locations__location__exceptions"),
        _upcoming_exceptions(f"{prefix}exceptions"),
        Prefetch(f"{prefix}languages", queryset=_ordered_languages()),
        f"{prefix}funding",
        f"{prefix}cost_options",
        Prefetch(
            f"{prefix}contacts",
            queryset=Contact.objects.order_by("pk").prefetch_related(
                Prefetch("phones", queryset=Phone.objects.order_by("pk"))
            ),
        ),
        Prefetch(f"{prefix}phones", queryset=Phone.objects.order_by("pk")),
        f"{prefix}required_documents",
        Prefetch(f"{prefix}attributes", queryset=_attributes()),
        f"{prefix}organisation__identifiers",
        Prefetch(f"{prefix}organisation__attributes", queryset=_attributes()),
    ]


def _ordered_languages() -> QuerySet[Language]:
    return Language.objects.order_by("name", "pk")


# --- services --------------------------------------------------------------------------------


def _distance_m(latitude: Combinable | str, longitude: Combinable | str, point: Point) -> Sqrt:
    """Great-circle distance in metres from a stored latitude/longitude to a point (haversine).

    Plain SQL arithmetic: the directory is a few thousand rows, so PostGIS would add a database
    extension for no measurable gain.
    """
    lat = F(latitude) if isinstance(latitude, str) else latitude
    lon = F(longitude) if isinstance(longitude, str) else longitude
    lat0 = Radians(Value(point.latitude, output_field=FloatField()))
    d_lat = Radians(lat) - lat0
    d_lon = Radians(lon) - Radians(Value(point.longitude, output_field=FloatField()))
    half = Power(Sin(d_lat / 2), 2) + Cos(lat0) * Cos(Radians(lat)) * Power(Sin(d_lon / 2), 2)
    # Least(..., 1): rounding can push the haversine term a hair above 1 for antipodal points.
    return Value(2 * EARTH_RADIUS_M, output_field=FloatField()) * ASin(  # type: ignore[return-value]
        Sqrt(Least(half, Value(1.0, output_field=FloatField())))
    )


def _coverage_q(coverage: Coverage, prefix: str = "") -> Q:
    """Services whose service area covers the postcode, or that declare no area at all."""
    areas = ServiceArea.objects.filter(service=OuterRef(f"{prefix}pk"))
    no_area = Q(~Exists(areas))
    if coverage.ward is not None:
        # A service area with no ward covers the whole town.
        covering = areas.filter(Q(ward__isnull=True) | Q(ward=coverage.ward))
        return no_area | Q(Exists(covering))
    if coverage.in_luton:
        # The offline lookup answers at district level and LU1-LU4 each span several wards:
        # we cannot tell which ward the person is in, so no service is ruled out by its area.
        return Q()
    # Outside Luton: only services that cover "anywhere" (no area) are offered.
    return no_area


def services_filter(qs: QuerySet[Service], filters: ServiceFilters) -> QuerySet[Service]:
    """Apply the ORUK parameters (cumulative, AND) to a queryset of services."""
    if filters.search:
        query = SearchQuery(filters.search, config=SEARCH_CONFIG, search_type="websearch")
        qs = qs.filter(Q(search_vector=query) | Q(name__trigram_word_similar=filters.search))
        qs = qs.annotate(rank=SearchRank(F("search_vector"), query))
    if filters.taxonomy_term_id is not None:
        qs = qs.filter(
            Exists(
                Attribute.objects.filter(
                    service=OuterRef("pk"), taxonomy_term__uuid=filters.taxonomy_term_id
                )
            )
        )
    if filters.taxonomy_id is not None:
        qs = qs.filter(
            Exists(
                Attribute.objects.filter(
                    service=OuterRef("pk"), taxonomy_term__taxonomy__uuid=filters.taxonomy_id
                )
            )
        )
    if filters.organization_id is not None:
        qs = qs.filter(organisation__uuid=filters.organization_id)
    if filters.modified_after is not None:
        qs = qs.filter(last_modified__gte=filters.modified_after)
    # Ages are read as an overlap: a service for 16-25s matches minimum_age=18&maximum_age=30
    # because an 18- to 25-year-old can use it. A blank bound on the service is open-ended.
    if filters.minimum_age is not None:
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.minimum_age))
    if filters.maximum_age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.maximum_age))
    if filters.days or filters.start_time is not None or filters.end_time is not None:
        running = Service.objects.running_during(
            days=list(filters.days), start_time=filters.start_time, end_time=filters.end_time
        )
        qs = qs.filter(pk__in=running.values("pk"))
    if filters.coverage is not None:
        qs = qs.filter(_coverage_q(filters.coverage))
    return qs


def _ordered(qs: QuerySet[Service], filters: ServiceFilters) -> QuerySet[Service]:
    if filters.near is not None:
        return qs.order_by(F("distance").asc(nulls_last=True), "name", "pk")
    if filters.search:
        # "rank" is annotated by services_filter whenever there is a search.
        return qs.order_by(F("rank").desc(), "name", "pk")
    return qs.order_by("name", "pk")


def services_published() -> QuerySet[Service]:
    """Every service the API publishes: what residents may see, no more."""
    return Service.objects.listed()


def service_list(*, filters: ServiceFilters, full: bool) -> QuerySet[Service]:
    """Published services matching the filters, nearest first when a point is given.

    Slice it for a page; prefetches apply to the slice only, so the page costs the same number
    of queries whatever its size.
    """
    qs = services_filter(services_published(), filters)
    if filters.near is not None:
        qs = qs.annotate(
            distance=Min(
                _distance_m(
                    "service_at_locations__location__latitude",
                    "service_at_locations__location__longitude",
                    filters.near,
                )
            )
        )
        if filters.proximity_m is not None:
            qs = qs.filter(distance__lte=filters.proximity_m)
    qs = qs.select_related("organisation__parent_organisation")
    if full:
        qs = qs.prefetch_related(*_service_prefetches())
    return _ordered(qs, filters)


def service_minimal_list(*, filters: ServiceFilters) -> QuerySet[Service]:
    """Only what a consumer needs to sync: id and last modified."""
    return (
        services_filter(services_published(), filters)
        .order_by("last_modified", "pk")
        .only("uuid", "last_modified")
    )


def service_get(*, service_id: uuid.UUID) -> Service | None:
    """One published service, fully loaded; None if it does not exist or is not published."""
    return (
        services_published()
        .select_related("organisation__parent_organisation")
        .prefetch_related(*_service_prefetches())
        .filter(uuid=service_id)
        .first()
    )


# --- services at locations -------------------------------------------------------------------


def service_at_location_list(*, filters: ServiceFilters, full: bool) -> QuerySet[ServiceAtLocation]:
    """Places where published, matching services run; nearest first when a point is given."""
    service_filters = ServiceFilters(
        **{**filters.__dict__, "modified_after": None, "near": None, "proximity_m": None}
    )
    services = services_filter(services_published(), service_filters)
    qs = ServiceAtLocation.objects.filter(service__in=services.values("pk"))
    if filters.modified_after is not None:
        when = filters.modified_after
        qs = qs.filter(
            Q(last_modified__gte=when)
            | Q(service__last_modified__gte=when)
            | Q(location__last_modified__gte=when)
        )
    qs = qs.select_related("location", "service__organisation__parent_organisation")
    if full:
        qs = qs.prefetch_related(
            *_location_prefetches("location__"), *_service_prefetches("service__")
        )
    if filters.near is not None:
        qs = qs.annotate(
            distance=_distance_m("location__latitude", "location__longitude", filters.near)
        )
        if filters.proximity_m is not None:
            qs = qs.filter(distance__lte=filters.proximity_m)
        return qs.order_by(F("distance").asc(nulls_last=True), "service__name", "pk")
    if filters.search:
        query = SearchQuery(filters.search, config=SEARCH_CONFIG, search_type="websearch")
        qs = qs.annotate(rank=SearchRank(F("service__search_vector"), query))
        return qs.order_by("-rank", "service__name", "pk")
    return qs.order_by("service__name", "location__name", "pk")


def service_at_location_get(*, sal_id: uuid.UUID) -> ServiceAtLocation | None:
    """One service at a location with everything nested; None unless its service is published."""
    return (
        ServiceAtLocation.objects.filter(uuid=sal_id, service__in=services_published())
        .select_related("location", "service__organisation__parent_organisation")
        .prefetch_related(*_location_prefetches("location__"), *_service_prefetches("service__"))
        .first()
    )


# --- taxonomies ------------------------------------------------------------------------------


def _terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("name", "pk")


def taxonomy_list(*, search: str, full: bool) -> QuerySet[Taxonomy]:
    """Published taxonomies (all of ours), by name."""
    qs = Taxonomy.objects.order_by("name", "pk")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if full:
        qs = qs.prefetch_related(Prefetch("terms", queryset=_terms()))
    return qs


def taxonomy_get(*, taxonomy_id: uuid.UUID) -> Taxonomy | None:
    """One taxonomy with its terms."""
    return (
        Taxonomy.objects.prefetch_related(Prefetch("terms", queryset=_terms()))
        .filter(uuid=taxonomy_id)
        .first()
    )


def taxonomy_term_list(
    *,
    search: str,
    taxonomy_id: uuid.UUID | None,
    parent_id: uuid.UUID | None,
    top_only: bool,
) -> QuerySet[TaxonomyTerm]:
    """Taxonomy terms, narrowed by taxonomy, parent or top level, by name."""
    qs = _terms()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if taxonomy_id is not None:
        qs = qs.filter(taxonomy__uuid=taxonomy_id)
    if parent_id is not None:
        qs = qs.filter(parent__uuid=parent_id)
    if top_only:
        qs = qs.filter(parent__isnull=True)
    return qs


def taxonomy_term_get(*, term_id: uuid.UUID) -> TaxonomyTerm | None:
    """One taxonomy term."""
    return _terms().filter(uuid=term_id).first()


# --- organisations ---------------------------------------------------------------------------


def _organisation_prefetches(*, full: bool, full_service: bool) -> list[str | Prefetch]:  # type: ignore[type-arg]
    if not (full or full_service):
        return []
    services = (
        services_published()
        .select_related("organisation__parent_organisation")
        .order_by("name", "pk")
    )
    if full_service:
        services = services.prefetch_related(*_service_prefetches())
    return [
        "identifiers",
        Prefetch("attributes", queryset=_attributes()),
        Prefetch("services", queryset=services, to_attr="published_services"),
    ]


def organisation_list(*, search: str, full: bool, full_service: bool) -> QuerySet[Organisation]:
    """Organisations, by name (all are public: they are who runs the services)."""
    qs = Organisation.objects.select_related("parent_organisation").order_by("name", "pk")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(name__trigram_word_similar=search))
    return qs.prefetch_related(*_organisation_prefetches(full=full, full_service=full_service))


def organisation_get(*, organisation_id: uuid.UUID, full_service: bool) -> Organisation | None:
    """One organisation with identifiers, attributes and its published services."""
    return (
        Organisation.objects.select_related("parent_organisation")
        .prefetch_related(*_organisation_prefetches(full=True, full_service=full_service))
        .filter(uuid=organisation_id)
        .first()
    )


__all__ = [
    "Coverage",
    "Point",
    "ServiceFilters",
    "organisation_get",
    "organisation_list",
    "service_at_location_get",
    "service_at_location_list",
    "service_get",
    "service_list",
    "service_minimal_list",
    "taxonomy_get",
    "taxonomy_list",
    "taxonomy_term_get",
    "taxonomy_term_list",
]
