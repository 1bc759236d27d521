"""Every change made through the Django admin lands in the audit log, not only admin's LogEntry."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from luton2040 import audit


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose additions, changes and deletions are audited."""

    # Websites typed without a scheme are https:// (Django 6's default; silences 5.2's warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record(
            actor=request.user,
            obj=obj,
            verb=f"{obj._meta.model_name}.added_in_admin",
            changes={"admin_message": message},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record(
            actor=request.user,
            obj=obj,
            verb=f"{obj._meta.model_name}.changed_in_admin",
            changes={"admin_message": message},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            audit.record(
                actor=request.user, obj=obj, verb=f"{obj._meta.model_name}.deleted_in_admin"
            )
        return super().log_deletions(request, queryset)
