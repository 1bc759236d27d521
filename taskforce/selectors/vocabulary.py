from __future__ import annotations

from django.db.models import QuerySet

from ..models import Outcome


def outcome_list(*, priority_slug: str = "empowered-community") -> QuerySet[Outcome]:
    """The target outcomes of one priority, in their published order."""
    return Outcome.objects.filter(priority__slug=priority_slug).order_by("number")
