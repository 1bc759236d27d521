"""Consultations: what the council asks residents, for whom, and when."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a consultation is about. A fixed list, because residents follow topics by name
    (each is registered as a notification topic in EngagementConfig.ready())."""

    COST_OF_LIVING = "cost-of-living", _("Cost of living")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health and wellbeing")
    COMMUNITY_SAFETY = "community-safety", _("Community safety")
    TRANSPORT = "transport", _("Transport and streets")
    ENVIRONMENT = "environment", _("Parks and environment")
    YOUNG_PEOPLE = "young-people", _("Children and young people")
    JOBS = "jobs", _("Jobs and skills")
    COMMUNITY = "community", _("Community hubs and services")


class Consultation(models.Model):
    """One consultation and its survey.

    ``status`` is stored (so lists filter and index on it) and moved on by the beat job
    ``consultations_advance`` from the dates: forthcoming -> open at ``opens_at``, open ->
    closed at ``closes_at``, closed -> awaiting outcome once postal responses stop counting
    (``ENGAGEMENT_POSTAL_GRACE_DAYS`` after closing). Publishing the outcome moves it to
    outcome published. A draft is never moved on: staff publish it first.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        AWAITING_OUTCOME = "awaiting-outcome", _("Awaiting outcome")
        OUTCOME_PUBLISHED = "outcome-published", _("Outcome published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=200, unique=True)
    summary = models.CharField(_("summary in plain English"), max_length=400)
    description = models.TextField(
        _("what we are asking and why"),
        blank=True,
        help_text=_("Plain text. Leave a blank line between paragraphs."),
    )
    wards = models.ManyToManyField(
        "places.Ward",
        blank=True,
        related_name="consultations",
        verbose_name=_("wards it affects"),
        help_text=_("Leave empty if it affects the whole town."),
    )
    topics = ArrayField(
        models.CharField(max_length=30, choices=Topic.choices),
        default=list,
        blank=True,
        verbose_name=_("topics"),
    )
    groups = models.ManyToManyField(
        "taskforce.PopulationGroup",
        blank=True,
        related_name="consultations",
        verbose_name=_("groups of residents it affects"),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )

    # How people may respond (staff choose per consultation).
    allow_anonymous = models.BooleanField(
        _("allow anonymous responses"),
        default=False,
        help_text=_(
            "No account, no IP address and nothing else that links a response to a person "
            "is stored."
        ),
    )
    one_response_per_person = models.BooleanField(
        _("one response per person"),
        default=True,
        help_text=_("Needs people to sign in, so it cannot be combined with anonymous responses."),
    )
    allow_save_and_return = models.BooleanField(
        _("let people save and come back by email link"), default=True
    )
    ask_equality_questions = models.BooleanField(
        _("ask the optional equality monitoring questions"), default=True
    )
    publish_results = models.BooleanField(
        _("publish results after it closes"),
        default=False,
        help_text=_("Counts and charts for each question; free-text answers are never published."),
    )
    contact_email = models.EmailField(_("email for questions about it"), blank=True)

    # Set once by the beat job, so a notification goes out once however often it runs.
    opening_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "title"]
        indexes = [
            models.Index(fields=["status", "closes_at"], name="consultation_status_close_idx"),
            models.Index(fields=["status", "opens_at"], name="consultation_status_open_idx"),
            models.Index(fields=["closes_at"], name="consultation_closes_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(allow_anonymous=True, one_response_per_person=True),
                name="consultation_one_per_person_needs_sign_in",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:consultation", kwargs={"slug": self.slug})

    @property
    def outcome_due(self) -> datetime.date:
        """The UK Consultation Principles expect a response within 12 weeks of closing."""
        return timezone.localdate(self.closes_at) + datetime.timedelta(weeks=12)


def document_upload_to(instance: ConsultationDocument, filename: str) -> str:
    # Never the uploader's file name on disk: a random name, served only by the download view
    # as an attachment (MEDIA_ROOT is not served), so a name cannot collide, guess or inject.
    return f"engagement/documents/{uuid.uuid4().hex}"


class ConsultationDocument(models.Model):
    """A document residents read before responding (the proposal, a map, an Easy Read
    version). Stored under a random name; served as an attachment, never inline."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Consultation document")
        EASY_READ = "easy-read", _("Easy Read version")
        TRANSLATION = "translation", _("Translation")
        SUPPORTING = "supporting", _("Supporting information")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MAIN)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("For a translation, e.g. ur, pl.")
    )
    file = models.FileField(_("file"), upload_to=document_upload_to)
    original_name = models.CharField(max_length=200, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation document")
        verbose_name_plural = _("consultation documents")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title
