"""Citizens' assemblies: recruitment, stratified selection by lot, and recommendations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .outcomes import Decision


class AssemblyQuerySet(models.QuerySet["Assembly"]):
    def published(self) -> AssemblyQuerySet:
        """Assemblies residents may see: anything but a draft."""
        return self.exclude(status=Assembly.Status.DRAFT)


class Assembly(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RECRUITING = "recruiting", _("Recruiting")
        SELECTING = "selecting", _("Selecting members")
        MEETING = "meeting", _("Meeting")
        REPORTED = "reported", _("Recommendations made")
        RESPONDED = "responded", _("Council has responded")

    class Algorithm(models.TextChoices):
        MAXIMIN = "maximin", _("Maximin (fairest to the least likely volunteer)")
        NASH = "nash", _("Nash (balances everyone's chances)")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=200, unique=True)
    question = models.CharField(_("the question it answers"), max_length=400)
    summary = models.TextField(_("summary in plain English"))
    starts_on = models.DateField(_("first session"))
    ends_on = models.DateField(_("last session"))
    recruitment_closes_on = models.DateField(_("registration closes"))
    target_size = models.PositiveSmallIntegerField(_("members to select"))
    reserves = models.PositiveSmallIntegerField(_("reserves to select"), default=0)
    algorithm = models.CharField(
        _("selection method"), max_length=10, choices=Algorithm.choices, default=Algorithm.MAXIMIN
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssemblyQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizens' assembly")
        verbose_name_plural = _("citizens' assemblies")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["status", "starts_on"], name="assembly_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="assembly_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(target_size__gt=0), name="assembly_has_seats"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:assembly", kwargs={"slug": self.slug})


class AssemblySession(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("where"), max_length=300)
    hub = models.ForeignKey(
        "hubs.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_hub": True},
    )

    class Meta:
        verbose_name = _("assembly session")
        verbose_name_plural = _("assembly sessions")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class StratificationFeature(models.Model):
    """A characteristic the assembly is balanced on (ward, age band, sex...). The standard
    ones are added to each new assembly; staff may add others (e.g. "housing tenure")."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="features")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    question = models.CharField(_("question asked when registering"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("stratification feature")
        verbose_name_plural = _("stratification features")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "key"], name="feature_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FeatureCategory(models.Model):
    """One answer to a feature's question, with its share of Luton's population (Census 2021)
    and the quota: the fewest and most seats people in it may hold."""

    feature = models.ForeignKey(
        StratificationFeature, on_delete=models.CASCADE, related_name="categories"
    )
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=150)
    population_share = models.DecimalField(
        _("share of Luton's population (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_seats = models.PositiveSmallIntegerField(_("fewest seats"), default=0)
    max_seats = models.PositiveSmallIntegerField(_("most seats"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "key"], name="category_key_unique"),
            models.CheckConstraint(
                condition=Q(max_seats__gte=models.F("min_seats")), name="category_quota_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Volunteer(models.Model):
    """A resident who registered interest in serving on an assembly."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SELECTED = "selected", _("Selected")
        RESERVE = "reserve", _("Reserve")
        NOT_SELECTED = "not-selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assembly_registrations",
    )
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    categories = models.ManyToManyField(FeatureCategory, related_name="volunteers")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.REGISTERED)
    # From the selection run that chose the members: the chance this person had.
    selection_probability = models.DecimalField(
        max_digits=6, decimal_places=5, null=True, blank=True
    )
    reserve_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["registered_at", "pk"]
        indexes = [models.Index(fields=["assembly", "status"], name="volunteer_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "email"], name="volunteer_once_each")
        ]

    def __str__(self) -> str:
        return self.name


class SelectionRun(models.Model):
    """One draw by lot. The seed, the method and a digest of the pool are kept, so anyone can
    replay the draw and get the same members."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        INFEASIBLE = "infeasible", _("Quotas cannot be met")
        FAILED = "failed", _("Failed")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="selection_runs")
    seed = models.BigIntegerField()
    algorithm = models.CharField(max_length=10, choices=Assembly.Algorithm.choices)
    pool_digest = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.TextField(blank=True)  # what it is doing, or why the quotas fail
    result = models.JSONField(default=dict, blank=True)  # quota table, probabilities, chosen
    confirmed = models.BooleanField(default=False)  # staff accepted it: volunteers updated
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-requested_at"]
        constraints = [
            # The members are whoever one draw chose: confirming a second is refused here too,
            # so two staff confirming different draws at once cannot both succeed.
            models.UniqueConstraint(
                fields=["assembly"], condition=Q(confirmed=True), name="selection_run_one_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assembly} draw {self.pk}"


class Recommendation(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("recommendation"))
    support = models.PositiveSmallIntegerField(_("members in support (%)"), null=True, blank=True)
    response = models.CharField(
        _("council's response"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    response_reason = models.TextField(_("reasons"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    actions = models.ManyToManyField(
        "taskforce.Action",
        blank=True,
        related_name="assembly_recommendations",
        verbose_name=_("taskforce actions"),
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "number"], name="recommendation_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
