"""Filters for the staff outbox view: by status, kind and recipient."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Notification


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in kinds.all_kinds()]


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Notification.Status.choices, empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=_kind_choices, empty_label=_("Any kind")
    )
    to = django_filters.CharFilter(
        label=_("Sent to"),
        lookup_expr="icontains",
        help_text=_("Part of an email address or phone number"),
    )

    class Meta:
        model = Notification
        fields = ["status", "kind", "to"]

    @property
    def qs(self) -> QuerySet[Notification]:
        # An invalid filter shows its error and no rows, rather than quietly ignoring it.
        if not self.is_bound or self.is_valid():
            return super().qs
        return self.queryset.none()
