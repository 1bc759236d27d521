from __future__ import annotations

from django.contrib import admin

from luton2040.audit.admin_mixins import AuditedModelAdmin

from .models import (
    Action,
    ActionStatus,
    Commitment,
    Indicator,
    Milestone,
    Outcome,
    PopulationGroup,
    Priority,
)


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


@admin.register(ActionStatus)
class ActionStatusAdmin(AuditedModelAdmin):
    list_display = ("name", "rag", "summary_group", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PopulationGroup)
class PopulationGroupAdmin(AuditedModelAdmin):
    list_display = ("name", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ("name", "outcome", "unit", "direction", "is_public")
    list_filter = ("outcome", "is_public")
    prepopulated_fields = {"slug": ("name",)}


class MilestoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Milestone
    extra = 0


@admin.register(Action)
class ActionAdmin(AuditedModelAdmin):
    """For staff corrections; members work through /taskforce/my/, where changes are reviewed."""

    list_display = ("reference", "title", "status", "review", "visibility", "due_date")
    list_filter = ("review", "visibility", "status")
    search_fields = ("reference", "title")
    list_select_related = ("status",)
    raw_id_fields = ("lead_member", "created_by", "parent")
    filter_horizontal = ("outcomes", "wards", "groups")
    inlines = [MilestoneInline]
