"""Responses, their answers, and what is kept apart from them.

Anonymity is a property of the data, not of a page: an anonymous response has no respondent,
no IP address, no email and no timestamps finer than the day it was submitted. Equality
monitoring answers and requests to hear about the outcome are separate rows with no key to
the response, so neither can be joined back to what someone said.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone")
    ASSISTED = "assisted", _("In person, with help")
    EVENT = "event", _("At an event or drop-in")
    EMAIL = "email", _("Email or letter")


class Response(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", _("Not yet sent")
        SUBMITTED = "submitted", _("Sent")

    consultation = models.ForeignKey(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="responses"
    )
    # Null for an anonymous response, and after the person's account is deleted.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # Assisted and offline responses: who typed it in, and at which hub.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hub = models.ForeignKey(
        "hubs.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_hub": True},
    )
    # Save and return / edit until close: a link with a random token. Only its SHA-256 is
    # stored, so a database reader cannot use it.
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The section reached, so "come back later" returns to the right page.
    last_section = models.PositiveSmallIntegerField(default=0)
    # Dates only (no time of day) for anonymous responses: see the module docstring.
    submitted_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Copied from the consultation when the response is made, for the constraint below.
    one_per_person = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["consultation", "status"], name="response_status_idx"),
            models.Index(fields=["consultation", "channel"], name="response_channel_idx"),
        ]
        constraints = [
            # One response per person per consultation, where staff choose it: the database
            # refuses the second, so two tabs submitting at once cannot both succeed. The
            # service fills ``one_per_person`` from the consultation.
            models.UniqueConstraint(
                fields=["consultation", "respondent"],
                condition=Q(one_per_person=True, respondent__isnull=False),
                name="response_one_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.consultation_id}"


class Answer(models.Model):
    """One question's answer in a response. Which field holds it depends on the question's
    kind; choice, scale and ranking answers are option ids (a ranking in the order given)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "engagement.Question", on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    option_ids = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    other_text = models.CharField(max_length=500, blank=True)
    ward = models.ForeignKey(
        "places.Ward", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    postcode = models.CharField(max_length=10, blank=True)
    tags = models.ManyToManyField("engagement.AnswerTag", blank=True, related_name="answers")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_each")
        ]
        indexes = [models.Index(fields=["question", "response"], name="answer_question_idx")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in response {self.response_id}"


class AnswerTag(models.Model):
    """A theme staff use to code free-text answers ("bus fares", "childcare")."""

    consultation = models.ForeignKey(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="answer_tags"
    )
    name = models.CharField(_("tag"), max_length=80)

    class Meta:
        verbose_name = _("answer tag")
        verbose_name_plural = _("answer tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="answer_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EqualityMonitoring(models.Model):
    """Optional equality monitoring answers given with a response, with no key to it (so they
    cannot be joined to what someone said). Categories follow the Census 2021 questions."""

    class AgeBand(models.TextChoices):
        UNDER_18 = "under-18", _("Under 18")
        AGE_18_24 = "18-24", _("18 to 24")
        AGE_25_34 = "25-34", _("25 to 34")
        AGE_35_49 = "35-49", _("35 to 49")
        AGE_50_64 = "50-64", _("50 to 64")
        AGE_65_PLUS = "65-plus", _("65 or over")
        NOT_SAID = "not-said", _("Prefer not to say")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        NOT_SAID = "not-said", _("Prefer not to say")

    class EthnicGroup(models.TextChoices):
        ASIAN = "asian", _("Asian or Asian British")
        BLACK = "black", _("Black, Black British, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Another ethnic group")
        NOT_SAID = "not-said", _("Prefer not to say")

    class Disability(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_SAID = "not-said", _("Prefer not to say")

    consultation = models.ForeignKey(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="equality_monitoring"
    )
    ward = models.ForeignKey(
        "places.Ward", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    ethnic_group = models.CharField(max_length=10, choices=EthnicGroup.choices, blank=True)
    disability = models.CharField(max_length=10, choices=Disability.choices, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    recorded_on = models.DateField()

    class Meta:
        verbose_name = _("equality monitoring answers")
        verbose_name_plural = _("equality monitoring answers")
        indexes = [models.Index(fields=["consultation"], name="equality_consultation_idx")]

    def __str__(self) -> str:
        return f"Equality monitoring {self.pk}"


class PopulationShare(models.Model):
    """Luton's population by the same categories (Census 2021), entered as data, so staff can
    compare who is responding with who lives here. ``dimension`` is "ward" (``category`` a ward
    slug) or an EqualityMonitoring field name."""

    dimension = models.CharField(_("dimension"), max_length=20)
    category = models.CharField(_("category"), max_length=100)
    share = models.DecimalField(_("share of residents (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    checked = models.BooleanField(
        _("checked against the published figures"),
        default=False,
        help_text=_("Shown beside the figures until someone has checked them."),
    )

    class Meta:
        verbose_name = _("population share")
        verbose_name_plural = _("population shares")
        ordering = ["dimension", "category"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "category"], name="population_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.category} {self.share}%"


class OutcomeRequest(models.Model):
    """Someone who responded and asked to hear what came of it. Kept apart from their response
    (no key to it) so an anonymous response stays anonymous. An account holder is kept by
    account (their current address is used); anyone else by the address they gave."""

    consultation = models.ForeignKey(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="outcome_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultation_outcome_requests",
    )
    email = models.EmailField(blank=True)
    created_on = models.DateField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request to hear the outcome")
        verbose_name_plural = _("requests to hear the outcome")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="outcome_request_addressed"
            ),
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="outcome_request_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["consultation", "email"],
                condition=~Q(email=""),
                name="outcome_request_once_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome request {self.pk}"
