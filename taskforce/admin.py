from __future__ import annotations

from django.contrib import admin

from luton2040.audit.admin_mixins import AuditedModelAdmin

from .models import Commitment, Outcome, Priority


@admin.register(Priority)
class PriorityAdmin(AuditedModelAdmin):
    list_display = ("name", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Outcome)
class OutcomeAdmin(AuditedModelAdmin):
    list_display = ("number", "short_name", "priority")
    list_filter = ("priority",)
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(Commitment)
class CommitmentAdmin(AuditedModelAdmin):
    list_display = ("title", "due_year", "position")
    prepopulated_fields = {"slug": ("title",)}
