from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing someone did. Rows are only ever inserted (a database trigger refuses changes)."""

    # Indexed with id in Meta.indexes, in the order the list is sorted.
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # actor and content_type lead the composite indexes in Meta, so their own are left out.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the record still reads after the account is gone.
    actor_label = models.CharField(_("who (as recorded)"), max_length=254)
    verb = models.CharField(_("what"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
            # The staff list and the CSV are sorted newest first, with id breaking ties, and
            # the date filters are ranges on created_at: one index serves both.
            models.Index(fields=["-created_at", "-id"], name="audit_when_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"

    @property
    def object_type_label(self) -> str:
        """The object's kind in words ("Hub"), read from the app registry, not the database."""
        return content_type_label(self.content_type)

    @property
    def change_lines(self) -> list[tuple[str, str]]:
        """`changes` as (field, "old → new") pairs, for a compact table cell or a CSV column."""
        lines = []
        for field, value in self.changes.items() if isinstance(self.changes, dict) else ():
            lines.append((str(field), _describe_change(value)))
        return lines


def content_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    # A model removed from the code leaves its content type (and its audit rows) behind.
    if model is None:
        return f"{content_type.app_label}.{content_type.model}"
    return str(capfirst(model._meta.verbose_name))


def _describe_change(value: Any) -> str:
    # Services record a change either as [old, new], as {"old": .., "new": ..} or as the new
    # value alone; show all three the same way.
    if isinstance(value, list | tuple) and len(value) == 2:
        old, new = value
    elif isinstance(value, dict) and set(value) == {"old", "new"}:
        old, new = value["old"], value["new"]
    else:
        return _as_text(value)
    return f"{_as_text(old)} → {_as_text(new)}"


def _as_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
