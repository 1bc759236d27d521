"""Directory rows for the benchmark: written with bulk_create, labelled, and removed afterwards.

Every row this module writes is found again by a prefix: organisations, services and locations
have slugs starting "bench-directory-" and names ending "(bench data)", so they can never be
mistaken for demo or real listings, and `remove_directory()` deletes exactly them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count

from hubs.demo import generate_directory
from hubs.models import Location, Organisation, Service

PREFIX = "bench-directory"
BARE_PATH = "/bench-bare/"  # the bare view in bench/bare_urls.py
LABEL = "(bench data)"
ORGANISATIONS = 50


@dataclass(frozen=True)
class Seeded:
    services_created: int
    locations_created: int
    seconds: float


def seed_directory(*, services: int, locations: int) -> Seeded:
    """Bring the bench rows up to `services` services at `locations` locations, then ANALYZE."""
    start = time.perf_counter()
    with transaction.atomic():
        have = Organisation.objects.filter(slug__startswith=f"{PREFIX}-org-").count()
        Organisation.objects.bulk_create(
            Organisation(
                slug=f"{PREFIX}-org-{n}",
                name=f"Bench Organisation {n} {LABEL}",
                description="Benchmark data: not a real organisation.",
            )
            for n in range(have, ORGANISATIONS)
        )
        organisations = list(
            Organisation.objects.filter(slug__startswith=f"{PREFIX}-org-").order_by("pk")
        )
        services_created, locations_created = generate_directory(
            slug_prefix=PREFIX,
            name_suffix=LABEL,
            organisations=organisations,
            services=services,
            locations=locations,
        )
    # Fresh statistics, as autovacuum would give a live database after a bulk import: without
    # them the planner guesses row counts for the new rows and the figures measure the guess.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Seeded(services_created, locations_created, time.perf_counter() - start)


def counts() -> dict[str, int]:
    """What the benchmark measures against: its own rows and everything else listed."""
    return {
        "bench services": Service.objects.filter(slug__startswith=f"{PREFIX}-service-").count(),
        "bench locations": Location.objects.filter(slug__startswith=f"{PREFIX}-location-").count(),
        "listed services (all)": Service.objects.listed().count(),
        "locations (all)": Location.objects.count(),
    }


def a_bench_hub_slug() -> str:
    """The busiest bench hub: the hub page's worst case."""
    hub = (
        Location.objects.filter(slug__startswith=f"{PREFIX}-location-", is_hub=True)
        .annotate(services=Count("service_at_locations"))
        .order_by("-services", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    if hub is None:
        raise RuntimeError("No bench hub: seed_directory() first.")
    return hub


@transaction.atomic
def remove_directory() -> None:
    """Delete every bench row (services first: organisations and locations are protected)."""
    Service.objects.filter(slug__startswith=f"{PREFIX}-service-").delete()
    Location.objects.filter(slug__startswith=f"{PREFIX}-location-").delete()
    Organisation.objects.filter(slug__startswith=f"{PREFIX}-org-").delete()
