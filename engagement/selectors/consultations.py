"""Reads of consultations for the public pages and the follow form."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Consultation


def published_consultations() -> QuerySet[Consultation]:
    """Every consultation residents may see (anything but a draft)."""
    return Consultation.objects.exclude(status=Consultation.Status.DRAFT)


def followable_consultations() -> QuerySet[Consultation]:
    return published_consultations()
