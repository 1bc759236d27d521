"""The Django admin for engagement: for staff corrections behind MFA, every change audited
(AuditedModelAdmin). Staff run consultations and assemblies through /staff/engagement/.

What people said, their equality answers, who asked to hear back and who volunteered for an
assembly are personal data: the admin shows them and changes none of them (no adding,
editing or deleting), so corrections and erasure go through the services that keep anonymity
and audit intact. Document files are uploaded only through the staff page that checks them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from luton2040.audit.admin_mixins import AuditedModelAdmin

from .models import (
    Answer,
    AnswerTag,
    Assembly,
    AssemblySession,
    Consultation,
    ConsultationDocument,
    ConsultationOutcome,
    EqualityMonitoring,
    FeatureCategory,
    OutcomeDecision,
    OutcomeRequest,
    PopulationShare,
    Question,
    QuestionOption,
    Recommendation,
    Response,
    Section,
    SelectionRun,
    StratificationFeature,
    Volunteer,
)


class ReadOnlyAdmin(AuditedModelAdmin):
    """Shows rows; adds, changes and deletes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Consultations and surveys ----------------------------------------------------------------


class ConsultationDocumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ConsultationDocument
    extra = 0
    fields = ("title", "kind", "language", "position", "original_name", "size")
    readonly_fields = ("original_name", "size")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # uploads go through the staff page, which checks the file's bytes


@admin.register(Consultation)
class ConsultationAdmin(AuditedModelAdmin):
    list_display = ("title", "status", "opens_at", "closes_at")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    date_hierarchy = "opens_at"
    filter_horizontal = ("wards", "groups")
    readonly_fields = ("opening_notified_at", "closing_reminder_sent_at", "published_at")
    raw_id_fields = ("created_by",)
    inlines = [ConsultationDocumentInline]


@admin.register(ConsultationDocument)
class ConsultationDocumentAdmin(AuditedModelAdmin):
    list_display = ("title", "consultation", "kind", "language", "size")
    list_filter = ("kind",)
    list_select_related = ("consultation",)
    search_fields = ("title", "consultation__title")
    fields = ("consultation", "title", "kind", "language", "position", "original_name", "size")
    readonly_fields = ("consultation", "original_name", "size")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # uploads go through the staff page, which checks the file's bytes


class SectionQuestionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Question
    extra = 0
    fields = ("position", "kind", "text", "required")


@admin.register(Section)
class SectionAdmin(AuditedModelAdmin):
    list_display = ("title", "consultation", "position")
    list_select_related = ("consultation",)
    search_fields = ("title", "consultation__title")
    inlines = [SectionQuestionInline]


class QuestionOptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = QuestionOption
    extra = 0


@admin.register(Question)
class QuestionAdmin(AuditedModelAdmin):
    list_display = ("text", "kind", "consultation", "required")
    list_filter = ("kind",)
    list_select_related = ("consultation",)
    search_fields = ("text", "consultation__title")
    raw_id_fields = ("consultation", "section")
    inlines = [QuestionOptionInline]


@admin.register(QuestionOption)
class QuestionOptionAdmin(AuditedModelAdmin):
    list_display = ("label", "question", "position")
    list_select_related = ("question",)
    raw_id_fields = ("question",)


# --- Responses and what is kept apart from them (read-only) -------------------------------------


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "consultation", "status", "channel", "submitted_on")
    list_filter = ("status", "channel")
    list_select_related = ("consultation",)
    # Who responded is not shown even here: an anonymous response has nobody, and a list of
    # named respondents is an export staff do not need.
    exclude = ("respondent", "resume_token_hash", "entered_by")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("pk", "question", "response")
    list_select_related = ("question",)
    exclude = ("tags",)


@admin.register(AnswerTag)
class AnswerTagAdmin(AuditedModelAdmin):
    list_display = ("name", "consultation")
    list_select_related = ("consultation",)
    search_fields = ("name",)


@admin.register(EqualityMonitoring)
class EqualityMonitoringAdmin(ReadOnlyAdmin):
    list_display = ("pk", "consultation", "channel", "recorded_on")
    list_filter = ("channel",)
    list_select_related = ("consultation",)


@admin.register(OutcomeRequest)
class OutcomeRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "consultation", "created_on", "notified_at")
    list_select_related = ("consultation",)
    exclude = ("user", "email")


@admin.register(PopulationShare)
class PopulationShareAdmin(AuditedModelAdmin):
    list_display = ("dimension", "category", "share", "checked")
    list_filter = ("dimension", "checked")


# --- Outcomes --------------------------------------------------------------------------------


class OutcomeDecisionInline(admin.StackedInline):  # type: ignore[type-arg]
    model = OutcomeDecision
    extra = 0
    filter_horizontal = ("actions",)


@admin.register(ConsultationOutcome)
class ConsultationOutcomeAdmin(AuditedModelAdmin):
    list_display = ("consultation", "published_at")
    list_select_related = ("consultation",)
    raw_id_fields = ("consultation", "published_by")
    inlines = [OutcomeDecisionInline]


@admin.register(OutcomeDecision)
class OutcomeDecisionAdmin(AuditedModelAdmin):
    list_display = ("text", "decision", "outcome")
    list_filter = ("decision",)
    raw_id_fields = ("outcome",)
    filter_horizontal = ("actions",)


# --- Assemblies ------------------------------------------------------------------------------


class AssemblySessionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AssemblySession
    extra = 0
    raw_id_fields = ("hub",)


@admin.register(Assembly)
class AssemblyAdmin(AuditedModelAdmin):
    list_display = ("title", "status", "starts_on", "target_size")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("published_at",)
    inlines = [AssemblySessionInline]


@admin.register(AssemblySession)
class AssemblySessionAdmin(AuditedModelAdmin):
    list_display = ("title", "assembly", "starts_at", "place")
    list_select_related = ("assembly",)
    raw_id_fields = ("hub",)


class FeatureCategoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FeatureCategory
    extra = 0


@admin.register(StratificationFeature)
class StratificationFeatureAdmin(AuditedModelAdmin):
    list_display = ("name", "assembly", "position")
    list_select_related = ("assembly",)
    inlines = [FeatureCategoryInline]


@admin.register(FeatureCategory)
class FeatureCategoryAdmin(AuditedModelAdmin):
    list_display = ("label", "feature", "min_seats", "max_seats")
    list_select_related = ("feature",)


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    """Volunteers' names and contact details are personal data: read-only here too."""

    list_display = ("pk", "assembly", "status", "registered_at")
    list_filter = ("status",)
    list_select_related = ("assembly",)
    exclude = ("user", "name", "email", "phone", "postcode", "categories")


@admin.register(SelectionRun)
class SelectionRunAdmin(ReadOnlyAdmin):
    """A draw is a record that anyone can replay: never edited after the event."""

    list_display = ("pk", "assembly", "status", "algorithm", "requested_at", "confirmed")
    list_filter = ("status",)
    list_select_related = ("assembly",)


@admin.register(Recommendation)
class RecommendationAdmin(AuditedModelAdmin):
    list_display = ("number", "title", "assembly", "response")
    list_filter = ("response",)
    list_select_related = ("assembly",)
    filter_horizontal = ("actions",)
