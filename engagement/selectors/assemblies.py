"""Reads for citizens' assemblies: the public pages, council staff's pages, and the input a
draw by lot reads (see services/sortition.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from taskforce.extensions import ActionLink
from taskforce.selectors.actions import parent_choices
from taskforce.selectors.tracker import public_actions

from ..models import (
    Assembly,
    FeatureCategory,
    Recommendation,
    SelectionRun,
    StratificationFeature,
    Volunteer,
)

if TYPE_CHECKING:
    from taskforce.models import Action

# The statuses in which a volunteer is part of the pool a draw chooses from.
IN_POOL = ~Q(status=Volunteer.Status.WITHDRAWN)
ACTIVE_RUN = (SelectionRun.Status.QUEUED, SelectionRun.Status.RUNNING)


# --- Public ---------------------------------------------------------------------------------


def published_assemblies() -> QuerySet[Assembly]:
    """Assemblies residents may see (anything but a draft), soonest first, with how many
    members were chosen: one query."""
    return (
        Assembly.objects.published()
        .annotate(
            member_count=Count("volunteers", filter=Q(volunteers__status=Volunteer.Status.SELECTED))
        )
        .order_by("-starts_on", "pk")
    )


def followable_assemblies() -> QuerySet[Assembly]:
    return Assembly.objects.published()


def assembly_for_public(*, slug: str) -> Assembly | None:
    """The assembly behind /have-your-say/assemblies/<slug>/, with its sessions and, for
    recommendations, the taskforce actions the public may see."""
    return (
        Assembly.objects.prefetch_related(
            "sessions",
            "sessions__hub",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=public_actions().select_related("status").order_by("reference"),
                    )
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def features_with_categories(*, assembly: Assembly) -> list[StratificationFeature]:
    """The assembly's features in order, each with its categories: two queries."""
    return list(
        assembly.features.prefetch_related(
            Prefetch("categories", queryset=FeatureCategory.objects.order_by("position", "pk"))
        ).order_by("position", "pk")
    )


def confirmed_run(*, assembly: Assembly) -> SelectionRun | None:
    """The draw whose members the assembly has (staff confirmed it), if any."""
    return SelectionRun.objects.filter(assembly=assembly, confirmed=True).first()


@dataclass(frozen=True)
class CompositionRow:
    label: str
    population_share: Decimal | None
    members: int
    members_share: float


def composition(*, run: SelectionRun) -> list[tuple[str, list[CompositionRow]]]:
    """How the chosen members compare with Luton's population, by feature: counts only, from
    the draw's own record (no names, nothing about any one volunteer)."""
    size = len(run.result.get("selected", [])) or 1
    features: dict[str, list[CompositionRow]] = {}
    for row in run.result.get("quotas", []):
        share = row.get("population_share")
        features.setdefault(row["feature_name"], []).append(
            CompositionRow(
                label=row["label"],
                population_share=Decimal(share) if share is not None else None,
                members=row["selected"],
                members_share=100 * row["selected"] / size,
            )
        )
    return list(features.items())


# --- Council staff ----------------------------------------------------------------------------


def assembly_staff_list() -> QuerySet[Assembly]:
    """Every assembly, newest first, with its volunteer count: one query."""
    return Assembly.objects.annotate(
        volunteer_count=Count("volunteers", filter=IN_POOL, distinct=True)
    ).order_by("-created_at", "-pk")


def assembly_for_staff(*, pk: int) -> Assembly | None:
    return Assembly.objects.filter(pk=pk).first()


def assembly_counts(*, assembly: Assembly) -> dict[str, int]:
    """Volunteers by status, and recommendations, for the overview page: two queries."""
    by_status = Counter(
        dict(
            assembly.volunteers.values_list("status")
            .order_by()
            .annotate(count=Count("pk"))
            .values_list("status", "count")
        )
    )
    return {
        "volunteers": sum(n for s, n in by_status.items() if s != Volunteer.Status.WITHDRAWN),
        "selected": by_status[Volunteer.Status.SELECTED],
        "reserves": by_status[Volunteer.Status.RESERVE],
        "recommendations": assembly.recommendations.count(),
    }


def quota_categories(*, assembly: Assembly) -> list[FeatureCategory]:
    """Every category of the assembly with its feature and how many volunteers in the pool
    chose it (``volunteer_count``), in the order features and categories are shown: one
    query."""
    return list(
        FeatureCategory.objects.filter(feature__assembly=assembly)
        .select_related("feature")
        .annotate(
            volunteer_count=Count(
                "volunteers", filter=~Q(volunteers__status=Volunteer.Status.WITHDRAWN)
            )
        )
        .order_by("feature__position", "feature__pk", "position", "pk")
    )


def quota_suggestions(*, assembly: Assembly, categories: list[FeatureCategory]) -> dict[int, Any]:
    """Quotas proposed from Luton's population: for a category with a population share, the
    seats its share of the assembly would be, rounded, give or take one (never below none or
    above the assembly's size). Categories with no figure keep their quota. Writes nothing."""
    size = assembly.target_size
    suggestions: dict[int, Any] = {}
    for category in categories:
        if category.population_share is None:
            continue
        seats = round(category.population_share * size / 100)
        suggestions[category.pk] = (max(0, seats - 1), min(size, seats + 1))
    return suggestions


def volunteer_list(*, assembly: Assembly) -> QuerySet[Volunteer]:
    """The assembly's volunteers in the order they registered, with their answers (categories
    and features): two queries for any page of them."""
    return (
        Volunteer.objects.filter(assembly=assembly)
        .prefetch_related(
            Prefetch(
                "categories",
                queryset=FeatureCategory.objects.select_related("feature").order_by(
                    "feature__position", "feature__pk"
                ),
            )
        )
        .order_by("registered_at", "pk")
    )


def run_list(*, assembly: Assembly) -> QuerySet[SelectionRun]:
    return SelectionRun.objects.filter(assembly=assembly).select_related("requested_by")


def run_for_staff(*, assembly: Assembly, pk: int) -> SelectionRun | None:
    return (
        SelectionRun.objects.select_related("requested_by").filter(assembly=assembly, pk=pk).first()
    )


def active_run(*, assembly: Assembly) -> SelectionRun | None:
    """A draw waiting or running for this assembly (one at a time)."""
    return SelectionRun.objects.filter(assembly=assembly, status__in=ACTIVE_RUN).first()


def earlier_run_with_seed(*, run: SelectionRun) -> SelectionRun | None:
    """The first earlier draw of the same assembly with this seed: this run replays it."""
    return (
        SelectionRun.objects.filter(
            assembly_id=run.assembly_id, seed=run.seed, requested_at__lt=run.requested_at
        )
        .exclude(pk=run.pk)
        .order_by("requested_at")
        .first()
    )


def run_volunteers(*, run: SelectionRun) -> dict[int, Volunteer]:
    """The volunteers a finished draw names, by id: one query."""
    ids = {int(pk) for pk in run.result.get("probabilities", {})}
    ids |= set(run.result.get("selected", [])) | set(run.result.get("reserves", []))
    return Volunteer.objects.in_bulk(ids)


def recommendation_list(*, assembly: Assembly) -> QuerySet[Recommendation]:
    """The assembly's recommendations in number order with every linked action: two queries."""
    return (
        Recommendation.objects.filter(assembly=assembly)
        .prefetch_related(Prefetch("actions", queryset=parent_choices()))
        .order_by("number")
    )


# --- The draw's input -------------------------------------------------------------------------


def draw_input(*, assembly: Assembly, seed: int, algorithm: str) -> dict[str, Any]:
    """What services/sortition.py reads: quotas, and the pool (every volunteer not withdrawn)
    with the category they chose for each feature. A volunteer who has not answered every
    feature (a feature added after they registered) cannot be placed and is left out. Two
    queries, however many volunteers."""
    categories = list(
        FeatureCategory.objects.filter(feature__assembly=assembly)
        .select_related("feature")
        .order_by("feature__position", "feature__pk", "position", "pk")
    )
    features: dict[int, dict[str, Any]] = {}
    for category in categories:
        feature = features.setdefault(
            category.feature_id,
            {"key": category.feature.key, "name": category.feature.name, "categories": []},
        )
        feature["categories"].append(
            {
                "key": category.key,
                "label": category.label,
                "min": category.min_seats,
                "max": category.max_seats,
                "population_share": (
                    None if category.population_share is None else str(category.population_share)
                ),
            }
        )
    through = Volunteer.categories.through
    answers: dict[int, dict[str, str]] = {}
    for volunteer_id, feature_key, category_key in (
        through.objects.filter(
            volunteer__assembly=assembly, featurecategory__feature__assembly=assembly
        )
        .filter(~Q(volunteer__status=Volunteer.Status.WITHDRAWN))
        .values_list("volunteer_id", "featurecategory__feature__key", "featurecategory__key")
    ):
        answers.setdefault(volunteer_id, {})[feature_key] = category_key
    keys = {feature["key"] for feature in features.values()}
    people = [
        {"id": volunteer_id, "answers": given}
        for volunteer_id, given in sorted(answers.items())
        if set(given) == keys
    ]
    return {
        "seed": seed,
        "algorithm": algorithm,
        "size": assembly.target_size,
        "reserves": assembly.reserves,
        "features": list(features.values()),
        "people": people,
    }


# --- Explaining a draw that cannot meet its quotas ---------------------------------------------


def _labels(result: dict[str, Any]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    features = {feature["key"]: feature["name"] for feature in result.get("features", [])}
    categories = {
        (feature["key"], category["key"]): category["label"]
        for feature in result.get("features", [])
        for category in feature["categories"]
    }
    return features, categories


def explain_problems(result: dict[str, Any]) -> list[str]:
    """Each quota a draw could not meet, named, with why and what would fix it, in plain
    English, from the structured issues the library reported (services/sortition.py)."""
    features, categories = _labels(result)
    lines: list[str] = []
    for issue in result.get("issues", []):
        kind = issue["kind"]
        feature = features.get(issue.get("feature", ""), issue.get("feature", ""))
        category = categories.get((issue.get("feature", ""), issue.get("category", "")), "")
        if kind == "pool-too-small":
            lines.append(
                _(
                    "There are %(pool)s volunteers who can be placed, but the assembly needs "
                    "%(size)s members. Recruit more volunteers or choose fewer members."
                )
                % issue
            )
        elif kind == "minimums-above-size":
            lines.append(
                _(
                    "%(feature)s: the fewest seats for its answers add up to %(total)s, more than "
                    "the %(size)s members to be chosen. Lower some of the fewest seats for "
                    "%(feature)s."
                )
                % {**issue, "feature": feature}
            )
        elif kind == "maximums-below-size":
            lines.append(
                _(
                    "%(feature)s: the most seats for its answers add up to only %(total)s, fewer "
                    "than the %(size)s members to be chosen. Raise the most seats for "
                    "%(feature)s so they add up to at least %(size)s."
                )
                % {**issue, "feature": feature}
            )
        elif kind == "features-disagree":
            lines.append(
                _(
                    "%(minimum_feature)s needs at least %(minimum_total)s members in total, but "
                    "%(maximum_feature)s allows at most %(maximum_total)s. Lower the fewest "
                    "seats for %(minimum_feature)s or raise the most seats for "
                    "%(maximum_feature)s."
                )
                % {
                    **issue,
                    "minimum_feature": features.get(issue["minimum_feature"], ""),
                    "maximum_feature": features.get(issue["maximum_feature"], ""),
                }
            )
        elif kind == "too-few-volunteers":
            lines.append(
                _(
                    "%(feature)s, %(category)s: the quota needs at least %(min)s members, but only "
                    "%(volunteers)s volunteers gave this answer. Lower the fewest seats to "
                    "%(volunteers)s or fewer, or recruit more volunteers who gave this answer."
                )
                % {**issue, "feature": feature, "category": category}
            )
        elif kind == "relax-min":
            lines.append(
                _(
                    "%(feature)s, %(category)s: at least %(from)s seats cannot be filled together "
                    "with the other quotas, because the volunteers who gave this answer also "
                    "count towards other quotas that are already full. The smallest change that "
                    "would work is to lower the fewest seats from %(from)s to %(to)s."
                )
                % {**issue, "feature": feature, "category": category}
            )
        elif kind == "relax-max":
            lines.append(
                _(
                    "%(feature)s, %(category)s: at most %(from)s seats is too few to meet the "
                    "other quotas with these volunteers, because the people needed for other "
                    "quotas also gave this answer. The smallest change that would work is to "
                    "raise the most seats from %(from)s to %(to)s."
                )
                % {**issue, "feature": feature, "category": category}
            )
        else:
            lines.append(
                _(
                    "The quotas cannot all be met with these volunteers, and no small change to "
                    "them would help. Check there are enough volunteers for each quota."
                )
            )
    return lines


def recommendation_links_for_action(action: Action) -> list[ActionLink]:
    """Assembly recommendations this action carries out, once the council's response to them
    is published (before that the link is staff's working, not public). One query."""
    recommendations = (
        Recommendation.objects.filter(actions=action, assembly__status=Assembly.Status.RESPONDED)
        .select_related("assembly")
        .order_by("assembly__ends_on", "number")
    )
    return [
        ActionLink(
            kind=_("Assembly recommendation"),
            title=_("%(assembly)s, recommendation %(number)s: %(title)s")
            % {
                "assembly": recommendation.assembly.title,
                "number": recommendation.number,
                "title": recommendation.title,
            },
            url=f"{recommendation.assembly.get_absolute_url()}#recommendation-{recommendation.pk}",
        )
        for recommendation in recommendations
    ]
