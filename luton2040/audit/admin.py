"""The audit log in the Django admin: read-only for everyone, superusers included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "actor_label", "verb", "content_type", "object_id", "object_repr"]
    list_filter = ["verb", "content_type"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"
    search_fields = ["actor_label", "object_repr"]
    ordering = ["-created_at", "-id"]
    # Counting a table that only grows, on every page, for a number nobody needs.
    show_full_result_count = False

    # Who may read it is the same rule as the staff audit page, not a model permission that
    # could be granted to a group by mistake.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("accounts.view_audit_log")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.view_audit_log")

    # Rows are only ever added by audit.record(); the database refuses changes anyway, and
    # these keep the admin from offering what would fail.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
