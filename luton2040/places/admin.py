from __future__ import annotations

from django.contrib import admin

from luton2040.audit.admin_mixins import AuditedModelAdmin

from .models import Ward


@admin.register(Ward)
class WardAdmin(AuditedModelAdmin):
    """Council staff keep the wards right: names, ONS codes and centre points."""

    list_display = ("name", "slug", "gss_code", "latitude", "longitude")
    search_fields = ("name", "gss_code")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
