"""Reads for the staff outbox view."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Notification


def notification_list() -> QuerySet[Notification]:
    """Every outbox row, newest first, with what the list shows loaded in the same query."""
    return Notification.objects.select_related("user").order_by("-created_at", "-id")


def notification_status_counts() -> dict[str, int]:
    """How many rows are in each status, for the summary above the list (one query)."""
    counts = Notification.objects.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in counts}
