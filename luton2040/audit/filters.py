"""Filters for the staff audit log: who, what, which object, and when."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .forms import AuditEventFilterForm, UKDateField
from .models import AuditEvent, content_type_label


class _ByLabel(django_filters.fields.ModelChoiceIterator):
    # Content types come from the database in app order; people look for "Hub" under H.
    def __iter__(self) -> Iterator[Any]:
        choices = iter(super().__iter__())
        if self.field.empty_label is not None:
            yield next(choices)
        yield from sorted(choices, key=lambda choice: str(choice[1]).casefold())


class ObjectTypeField(django_filters.fields.ModelChoiceField):
    iterator = _ByLabel

    def label_from_instance(self, obj: ContentType) -> str:
        return content_type_label(obj)


class ObjectTypeFilter(django_filters.ModelChoiceFilter):
    field_class = ObjectTypeField


class UKDateFilter(django_filters.DateFilter):
    field_class = UKDateField


@dataclass(frozen=True)
class SelectedFilter:
    """One filter in use, as the MOJ filter pattern shows it: a tag that removes it."""

    label: str
    value: str
    remove_query: str


def _start_of_day(day: datetime.date) -> datetime.datetime:
    # Days begin at midnight in Europe/London (the current time zone), not UTC; comparing
    # created_at with a datetime, not created_at::date with a date, lets the index serve it.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilter(django_filters.FilterSet):
    who = django_filters.CharFilter(
        label=_("Who"),
        help_text=_("Part of a name or email address"),
        method="filter_who",
    )
    what = django_filters.ChoiceFilter(
        field_name="verb", label=_("What"), empty_label=_("Anything"), choices=[]
    )
    object_type = ObjectTypeFilter(
        field_name="content_type",
        label=_("Object type"),
        empty_label=_("Any type"),
        queryset=ContentType.objects.order_by("app_label", "model"),
    )
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object ID"))
    date_from = UKDateFilter(
        label=_("Date from"), help_text=_("For example, 27/3/2026"), method="filter_date_from"
    )
    date_to = UKDateFilter(
        label=_("Date to"), help_text=_("For example, 27/3/2026"), method="filter_date_to"
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []
        form = AuditEventFilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .selectors import audit_verb_list

        super().__init__(*args, **kwargs)
        # Offer only the verbs that have happened: one query, made once per page.
        self.filters["what"].extra["choices"] = [(verb, verb) for verb in audit_verb_list()]

    def filter_who(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        # actor_label is what the account was called when it acted (and all that is left once
        # it is erased); the account's current email and name find events recorded before a
        # change of address.
        return queryset.filter(
            Q(actor_label__icontains=value)
            | Q(actor__email__icontains=value)
            | Q(actor__full_name__icontains=value)
        )

    def filter_date_from(
        self, queryset: QuerySet[AuditEvent], name: str, value: datetime.date
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(created_at__gte=_start_of_day(value))

    def filter_date_to(
        self, queryset: QuerySet[AuditEvent], name: str, value: datetime.date
    ) -> QuerySet[AuditEvent]:
        # "Date to" includes the whole of that day.
        return queryset.filter(created_at__lt=_start_of_day(value + datetime.timedelta(days=1)))

    def selected(self) -> list[SelectedFilter]:
        """The filters in use with a readable value each; call after is_valid()."""
        cleaned = getattr(self.form, "cleaned_data", {})
        selected = []
        for name, value in cleaned.items():
            if value in (None, ""):
                continue
            if isinstance(value, ContentType):
                shown = content_type_label(value)
            elif isinstance(value, datetime.date):
                shown = date_format(value, "j M Y")
            else:
                shown = str(value)
            query = (
                self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
            )
            query.pop(name, None)
            query.pop("page", None)
            selected.append(
                SelectedFilter(
                    label=str(self.filters[name].label), value=shown, remove_query=query.urlencode()
                )
            )
        return selected
