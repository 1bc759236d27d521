from __future__ import annotations

from django.contrib import admin

from luton2040.audit.admin_mixins import AuditedModelAdmin

from .models import Organisation, OrganisationEditor


class OrganisationEditorInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrganisationEditor
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    """Council staff bind organisation editors to the organisations they keep correct."""

    list_display = ("name", "website")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (OrganisationEditorInline,)
