"""The Django admin for the directory: how council staff change listings directly (behind MFA,
every change audited through AuditedModelAdmin). Organisation editors use the review queue."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from luton2040.audit.admin_mixins import AuditedModelAdmin

from .models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Language,
    ListingEdit,
    ListingReport,
    Location,
    Organisation,
    OrganisationEditor,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


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


class ServiceAtLocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ("location",)
    fields = ("location", "description")


class ServiceScheduleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Schedule
    fk_name = "service"
    extra = 0
    fields = (
        "service_at_location",
        "freq",
        "interval",
        "byday",
        "dtstart",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "open_on_bank_holidays",
    )


class ServiceAttributeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Attribute
    fk_name = "service"
    extra = 0
    fields = ("taxonomy_term", "link_type", "value")
    autocomplete_fields = ("taxonomy_term",)


class ServiceLanguageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Language
    fk_name = "service"
    extra = 0
    fields = ("name", "code", "note")


class CostOptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CostOption
    extra = 0
    fields = ("option", "amount", "amount_description", "valid_from", "valid_to")


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ("name", "organisation", "status", "assured_date")
    list_filter = ("status",)
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisation",)
    exclude = ("search_vector",)
    inlines = (
        ServiceAtLocationInline,
        ServiceScheduleInline,
        ServiceAttributeInline,
        ServiceLanguageInline,
        CostOptionInline,
    )


class AddressInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Address
    extra = 0


class AccessibilityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Accessibility
    extra = 0
    # As AuditedModelAdmin does for whole pages: web addresses typed without a scheme are https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class PhoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Phone
    fk_name = "location"
    extra = 0
    fields = ("number", "extension", "type", "description")


@admin.register(Location)
class LocationAdmin(AuditedModelAdmin):
    list_display = ("name", "organisation", "is_hub")
    list_filter = ("is_hub",)
    list_select_related = ("organisation",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisation",)
    exclude = ("search_vector",)
    inlines = (AddressInline, AccessibilityInline, PhoneInline)


class TaxonomyTermInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TaxonomyTerm
    extra = 0
    fields = ("name", "slug", "description", "parent")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Taxonomy)
class TaxonomyAdmin(AuditedModelAdmin):
    list_display = ("name", "kind")
    inlines = (TaxonomyTermInline,)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(AuditedModelAdmin):
    list_display = ("name", "taxonomy")
    list_filter = ("taxonomy",)
    list_select_related = ("taxonomy",)
    search_fields = ("name", "slug")


@admin.register(ListingReport)
class ListingReportAdmin(AuditedModelAdmin):
    list_display = ("problem", "status", "created_at")
    list_filter = ("status", "problem")
    raw_id_fields = ("service", "location")


@admin.register(ListingEdit)
class ListingEditAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: proposals are decided on the review pages, where decisions are audited."""

    list_display = ("__str__", "organisation", "status", "submitted_at")
    list_filter = ("status", "kind")
    list_select_related = ("organisation",)

    def has_add_permission(self, request: object) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # type: ignore[override]
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:  # type: ignore[override]
        return False
