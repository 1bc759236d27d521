"""Filters residents use on the public tracker: which outcome, commitment, status, ward, group
or lead. Choices are named by slug in the address, so a filtered tracker is a readable link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from luton2040.places.models import Ward

from .models import Action, ActionStatus, Commitment, Outcome, PopulationGroup


@dataclass(frozen=True)
class SelectedFilter:
    """One filter in use, as the MOJ filter pattern shows it: a tag that removes it."""

    label: str
    value: str
    remove_query: str


class ActionFilter(django_filters.FilterSet):
    outcome = django_filters.ModelChoiceFilter(
        field_name="outcomes",
        label=_("Outcome"),
        empty_label=_("Any outcome"),
        to_field_name="slug",
        queryset=Outcome.objects.order_by("priority__position", "number"),
    )
    commitment = django_filters.ModelChoiceFilter(
        field_name="commitment",
        label=_("Commitment"),
        empty_label=_("Any commitment"),
        to_field_name="slug",
        queryset=Commitment.objects.order_by("position", "title"),
    )
    status = django_filters.ModelChoiceFilter(
        field_name="status",
        label=_("Status"),
        empty_label=_("Any status"),
        to_field_name="slug",
        queryset=ActionStatus.objects.order_by("position", "name"),
    )
    ward = django_filters.ModelChoiceFilter(
        field_name="wards",
        label=_("Ward"),
        empty_label=_("Any ward"),
        to_field_name="slug",
        queryset=Ward.objects.order_by("name"),
    )
    group = django_filters.ModelChoiceFilter(
        field_name="groups",
        label=_("Group of residents it helps"),
        empty_label=_("Any group"),
        to_field_name="slug",
        queryset=PopulationGroup.objects.order_by("position", "name"),
    )
    lead = django_filters.CharFilter(
        label=_("Lead"),
        help_text=_("Part of the name of the lead member or organisation"),
        method="filter_lead",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def filter_lead(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        # The member's name only, never their email address: this is a public page.
        return queryset.filter(
            Q(lead_member__full_name__icontains=value) | Q(lead_organisation__icontains=value)
        )

    def selected(self) -> list[SelectedFilter]:
        """The filters in use with a readable value each; call after is_valid()."""
        cleaned: dict[str, Any] = getattr(self.form, "cleaned_data", {})
        selected = []
        for name, value in cleaned.items():
            if value in (None, ""):
                continue
            query = (
                self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
            )
            query.pop(name, None)
            query.pop("page", None)
            selected.append(
                SelectedFilter(
                    label=str(self.filters[name].label),
                    value=str(value),
                    remove_query=query.urlencode(),
                )
            )
        return selected
