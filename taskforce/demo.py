"""The Luton 2040 vocabulary: priorities, the five Empowered Community outcomes, the 2028
commitments. These are the real published words (see shared/seed.md), not invented data; they
are created once and then belong to staff, so re-running never overwrites their edits."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.text import slugify

from .models import Commitment, Outcome, Priority

PRIORITIES = [
    (
        "Empowered community",
        "A town built on fairness, with a strong voluntary and community "
        "sector and a powerful voice for all residents.",
    ),
    ("Net zero town", ""),
    ("Child friendly town", ""),
    ("Improving wellbeing", ""),
    ("Inclusive economy", ""),
]

EMPOWERED_COMMUNITY_OUTCOMES = [
    (
        "Fairness",
        "Equitable outcomes for every resident; a town built on fairness and social justice.",
    ),
    (
        "Resilience",
        "A more resilient community that protects and enables the most excluded and vulnerable.",
    ),
    (
        "Thriving voluntary and community sector",
        "A thriving voluntary and community sector, delivering shared priorities with residents.",
    ),
    (
        "Resident voice",
        "A stronger, meaningful say for all residents in the vision and direction of the town.",
    ),
    (
        "Welcoming and compassionate town",
        "A welcoming and compassionate town: respect, social responsibility and civic pride.",
    ),
]

COMMITMENTS = [
    "A Fairness and Social Justice Strategy, made and delivered in partnership with the community",
    "New forms of civic involvement, such as citizens' assemblies",
    "Place-based community networks and hubs",
    "Town-wide programmes: Food First, City of Sanctuary, Warm Spaces",
    "The Fairness Taskforce delivering citizen-led solutions for equity and social inclusion",
]


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """Create the priorities, outcomes and commitments if they are missing."""
    for position, (name, summary) in enumerate(PRIORITIES, start=1):
        Priority.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "summary": summary, "position": position}
        )
    empowered = Priority.objects.get(slug="empowered-community")
    for number, (short_name, statement) in enumerate(EMPOWERED_COMMUNITY_OUTCOMES, start=1):
        Outcome.objects.get_or_create(
            priority=empowered,
            number=number,
            defaults={
                "short_name": short_name,
                "slug": slugify(short_name),
                "statement": statement,
            },
        )
    for position, title in enumerate(COMMITMENTS, start=1):
        Commitment.objects.get_or_create(
            slug=slugify(title)[:200], defaults={"title": title, "position": position}
        )
    log(
        f"Luton 2040 vocabulary: {Priority.objects.count()} priorities, "
        f"{Outcome.objects.count()} outcomes, {Commitment.objects.count()} commitments."
    )
