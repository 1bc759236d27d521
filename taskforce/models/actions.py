"""Actions the taskforce takes towards the target outcomes, their updates and evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PopulationGroup(models.Model):
    """A group of residents an action aims to help, and a breakdown for indicators."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("group of residents")
        verbose_name_plural = _("groups of residents")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.Model):
    """A status from the staff-managed list (planned, in progress, at risk, ...), with its RAG."""

    class Rag(models.TextChoices):
        # Text as well as colour everywhere it is shown: colour alone fails WCAG 1.4.1.
        GREEN = "green", _("On track")
        AMBER = "amber", _("At risk")
        RED = "red", _("Off track")
        BLUE = "blue", _("Done")
        GREY = "grey", _("Not started or stopped")

    class Group(models.TextChoices):
        # How the outcome summary counts it: "12 actions: 7 on track, 3 at risk, 2 done".
        NOT_STARTED = "not-started", _("not started")
        ON_TRACK = "on-track", _("on track")
        AT_RISK = "at-risk", _("at risk")
        DONE = "done", _("done")
        STOPPED = "stopped", _("stopped")

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    rag = models.CharField(_("RAG rating"), max_length=5, choices=Rag)
    summary_group = models.CharField(_("counts as"), max_length=12, choices=Group)
    description = models.CharField(_("what it means"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action status")
        verbose_name_plural = _("action statuses")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    """Something the taskforce is doing towards one or more target outcomes."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal (taskforce and council staff only)")

    class Review(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, help_text=_("For example FT-014.")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary in plain English"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    outcomes = models.ManyToManyField(
        "taskforce.Outcome", related_name="actions", verbose_name=_("outcomes")
    )
    commitment = models.ForeignKey(
        "taskforce.Commitment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("commitment"),
    )
    lead_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name=_("lead taskforce member"),
    )
    # Free text, not a link to the directory's organisations: the taskforce app imports no
    # other domain app (DESIGN.md), and leads are often partnerships with no listing.
    lead_organisation = models.CharField(_("lead organisation"), max_length=200, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    wards = models.ManyToManyField(
        "places.Ward", blank=True, related_name="actions", verbose_name=_("wards")
    )
    groups = models.ManyToManyField(
        PopulationGroup,
        blank=True,
        related_name="actions",
        verbose_name=_("groups it aims to help"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    status = models.ForeignKey(
        ActionStatus, on_delete=models.PROTECT, related_name="actions", verbose_name=_("status")
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_actions",
        verbose_name=_("part of"),
    )
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    review = models.CharField(
        _("review"), max_length=10, choices=Review, default=Review.DRAFT, db_index=True
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    # When it was last sent for review: the queue serves the longest-waiting first, and an
    # edit while waiting must not send it to the back.
    submitted_at = models.DateTimeField(_("sent for review"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="created_actions",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set when a published action is changed, so the public page can say "edited on ...".
    edited_after_publication_at = models.DateTimeField(_("edited"), null=True, blank=True)
    last_update_at = models.DateTimeField(
        _("last progress update"), null=True, blank=True, db_index=True
    )
    # The beat job's memory of what it last flagged, so it flags each lapse once.
    overdue_flagged_on = models.DateField(null=True, blank=True)
    stale_flagged_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["review", "visibility", "reference"], name="tf_action_public"),
            models.Index(fields=["status", "review"], name="tf_action_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="taskforce_action_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(start_date__lte=models.F("due_date")),
                name="taskforce_action_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="taskforce_action_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("taskforce:action-detail", kwargs={"reference": self.reference})

    @property
    def is_public(self) -> bool:
        return self.review == self.Review.PUBLISHED and self.visibility == self.Visibility.PUBLIC


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "position"]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """A dated progress note on an action's timeline; a status or progress change is one too."""

    class Review(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="action_updates",
    )
    body = models.TextField(_("what has happened"))
    # What the update changed, recorded so the timeline reads "Status: at risk -> in progress".
    status_before = models.ForeignKey(
        ActionStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_after = models.ForeignKey(
        ActionStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    progress_before = models.PositiveSmallIntegerField(null=True, blank=True)
    progress_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    review = models.CharField(
        _("review"), max_length=10, choices=Review, default=Review.SUBMITTED, db_index=True
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_action_updates",
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    edited_after_publication_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["action", "review", "-published_at"], name="tf_update_timeline"),
        ]

    def __str__(self) -> str:
        return f"{self.action.reference} update {self.created_at:%Y-%m-%d}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Never the uploader's file name on disk: a random name under a private folder, served only
    # by the evidence view with safe headers (MEDIA_ROOT is not served as static files).
    return f"taskforce/evidence/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A link or an uploaded file that backs up an update."""

    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="taskforce_evidence_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title
