"""Reads of wards, for every app that shows or filters by ward."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Ward


def ward_list() -> QuerySet[Ward]:
    """Every ward, ordered by name."""
    return Ward.objects.order_by("name")


def ward_get(slug: str) -> Ward | None:
    """The ward with this slug, or None."""
    return Ward.objects.filter(slug=slug).first()


def ward_match(*, name: str, gss_code: str = "") -> Ward | None:
    """The ward an outside source names: by ONS code when both sides have one, else by name.

    The code wins because it survives a change of spelling; the name (ignoring case) is the
    fallback because codes stay blank until staff fill them in.
    """
    if gss_code:
        ward = Ward.objects.filter(gss_code=gss_code).first()
        if ward is not None:
            return ward
    name = name.strip()
    if not name:
        return None
    return Ward.objects.filter(name__iexact=name).first()
