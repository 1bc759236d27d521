"""Intention-named filters over directory records (no writes here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    pass


class ServiceQuerySet(models.QuerySet["Service"]):
    def listed(self) -> ServiceQuerySet:
        """What residents may see: running or temporarily closed, not closed for good."""
        return self.filter(status__in=["active", "temporarily closed"])


class LocationQuerySet(models.QuerySet["Location"]):
    def hubs(self) -> LocationQuerySet:
        return self.filter(is_hub=True)


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    pass
