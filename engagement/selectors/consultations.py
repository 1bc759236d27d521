"""Reads of consultations: the public list and page, the follow form, and staff's pages."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import Consultation, ConsultationDocument, Question, Response

Status = Consultation.Status

# The order residents read the list in: what they can answer now, then what is coming, then
# what has closed.
STAGE_OPEN, STAGE_FORTHCOMING, STAGE_CLOSED = 0, 1, 2


def published_consultations() -> QuerySet[Consultation]:
    """Every consultation residents may see (anything but a draft)."""
    return Consultation.objects.exclude(status=Status.DRAFT)


def followable_consultations() -> QuerySet[Consultation]:
    return published_consultations()


def public_consultation_list() -> QuerySet[Consultation]:
    """Published consultations, open ones first (closing soonest first), then forthcoming ones
    (opening soonest first), then closed ones (most recently closed first), with their wards.
    Two queries however many rows (three with the count for a page)."""
    return (
        published_consultations()
        .annotate(
            stage=Case(
                When(status=Status.OPEN, then=Value(STAGE_OPEN)),
                When(status=Status.FORTHCOMING, then=Value(STAGE_FORTHCOMING)),
                default=Value(STAGE_CLOSED),
                output_field=IntegerField(),
            ),
            soonest=Case(
                When(status=Status.OPEN, then=F("closes_at")),
                When(status=Status.FORTHCOMING, then=F("opens_at")),
            ),
            latest=Case(
                When(
                    status__in=(Status.CLOSED, Status.AWAITING_OUTCOME, Status.OUTCOME_PUBLISHED),
                    then=F("closes_at"),
                )
            ),
        )
        .order_by(
            "stage",
            F("soonest").asc(nulls_last=True),
            F("latest").desc(nulls_last=True),
            "pk",
        )
        .prefetch_related("wards")
    )


def consultation_for_page(*, slug: str) -> Consultation | None:
    """One consultation (any state: the view decides who may see a draft) with its wards,
    groups and documents."""
    return (
        Consultation.objects.prefetch_related(
            "wards",
            "groups",
            Prefetch(
                "documents",
                queryset=ConsultationDocument.objects.order_by("position", "pk"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def consultation_document(*, consultation: Consultation, pk: int) -> ConsultationDocument | None:
    """One of this consultation's documents, or None (another consultation's is missing)."""
    return ConsultationDocument.objects.filter(consultation=consultation, pk=pk).first()


def _submitted_responses() -> Coalesce:
    # A subquery, not a join: counting responses and questions in one statement with joins
    # would multiply one by the other.
    count = (
        Response.objects.filter(consultation=OuterRef("pk"), status=Response.Status.SUBMITTED)
        .order_by()
        .values("consultation")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def _questions() -> Coalesce:
    count = (
        Question.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def staff_consultation_list() -> QuerySet[Consultation]:
    """Every consultation for staff, latest opening first, each with its count of sent
    responses. One query however many rows (two with the count for a page)."""
    return Consultation.objects.annotate(response_count=_submitted_responses()).order_by(
        "-opens_at", "title", "pk"
    )


def consultation_for_staff(*, slug: str) -> Consultation | None:
    """One consultation for staff's pages, with its counts of sent responses and questions,
    its wards, groups and documents."""
    return (
        Consultation.objects.annotate(
            response_count=_submitted_responses(), question_count=_questions()
        )
        .select_related("created_by")
        .prefetch_related(
            "wards",
            "groups",
            Prefetch(
                "documents",
                queryset=ConsultationDocument.objects.order_by("position", "pk"),
            ),
        )
        .filter(slug=slug)
        .first()
    )
