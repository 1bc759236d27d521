"""Filters on the consultation lists: residents narrow by status, ward and topic; staff by
status. Choices are named by slug in the address, so a filtered list is a readable link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from luton2040.places.models import Ward

from .models import Consultation, Topic

Status = Consultation.Status

# What residents choose from: "closed" covers the postal grace period and waiting for the
# outcome, which look the same from outside.
PUBLIC_STATUS_CHOICES = [
    ("open", _("Open")),
    ("forthcoming", _("Opening soon")),
    ("closed", _("Closed, awaiting outcome")),
    ("outcome-published", _("Outcome published")),
]
_STATUSES_FOR_CHOICE = {
    "open": [Status.OPEN],
    "forthcoming": [Status.FORTHCOMING],
    "closed": [Status.CLOSED, Status.AWAITING_OUTCOME],
    "outcome-published": [Status.OUTCOME_PUBLISHED],
}


@dataclass(frozen=True)
class SelectedFilter:
    """One filter in use, as the MOJ filter pattern shows it: a tag that removes it."""

    label: str
    value: str
    remove_query: str


def _selected(filterset: django_filters.FilterSet) -> list[SelectedFilter]:
    """A tag for each value chosen (a ward ticked twice is two tags, each removing one)."""
    cleaned: dict[str, Any] = getattr(filterset.form, "cleaned_data", {})
    data = filterset.data if isinstance(filterset.data, QueryDict) else QueryDict()
    selected = []
    for name, value in cleaned.items():
        field = filterset.form.fields[name]
        values = list(value) if isinstance(value, list | tuple | QuerySet) else [value]
        for item in values:
            if item in (None, ""):
                continue
            if isinstance(item, Model):
                # A ward: its name, with no second look at the field's choices (a query).
                raw, shown = str(getattr(item, "slug", item.pk)), str(item)
            else:
                raw, shown = str(item), str(dict(field.choices).get(item, item))
            query = data.copy()
            query.setlist(name, [kept for kept in data.getlist(name) if kept != raw])
            query.pop("page", None)
            selected.append(
                SelectedFilter(
                    label=str(filterset.filters[name].label),
                    value=shown,
                    remove_query=query.urlencode(),
                )
            )
    return selected


class ConsultationFilter(django_filters.FilterSet):
    """The public list. Within one filter the choices are alternatives ("Housing" or
    "Transport"); across filters they all apply."""

    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=PUBLIC_STATUS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        method="filter_status",
    )
    ward = django_filters.ModelMultipleChoiceFilter(
        label=_("Ward"),
        help_text=_("Consultations about the whole of Luton are always included."),
        queryset=Ward.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_ward",
    )
    topic = django_filters.MultipleChoiceFilter(
        label=_("Topic"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_topic",
    )

    class Meta:
        model = Consultation
        fields: list[str] = []

    def filter_status(
        self, queryset: QuerySet[Consultation], name: str, value: list[str]
    ) -> QuerySet[Consultation]:
        statuses = [status for choice in value for status in _STATUSES_FOR_CHOICE[choice]]
        return queryset.filter(status__in=statuses)

    def filter_ward(
        self, queryset: QuerySet[Consultation], name: str, value: Any
    ) -> QuerySet[Consultation]:
        wards = list(value)  # an empty choice arrives as an empty queryset, not as nothing
        if not wards:
            return queryset
        # EXISTS, not a join, so a consultation in two chosen wards is listed (and counted) once.
        through = Consultation.wards.through.objects.filter(consultation=OuterRef("pk"))
        return queryset.filter(Q(Exists(through.filter(ward__in=wards))) | ~Q(Exists(through)))

    def filter_topic(
        self, queryset: QuerySet[Consultation], name: str, value: list[str]
    ) -> QuerySet[Consultation]:
        return queryset.filter(topics__overlap=value)

    def selected(self) -> list[SelectedFilter]:
        """The filters in use with a readable value each; call after is_valid()."""
        return _selected(self)


class StaffConsultationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        empty_label=_("Any status"),
    )

    class Meta:
        model = Consultation
        fields: list[str] = []

    def selected(self) -> list[SelectedFilter]:
        return _selected(self)
