"""A consultation's survey: sections (one page each) of questions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Section(models.Model):
    """One page of the survey."""

    consultation = models.ForeignKey(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    # 0, 1, 2 ... with no gaps or ties: engagement.services.survey renumbers on every change.
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("survey section")
        verbose_name_plural = _("survey sections")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["consultation", "position"], name="section_order_idx")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short-text", _("Short text")
        LONG_TEXT = "long-text", _("Long text")
        SINGLE_CHOICE = "single-choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple-choice", _("Multiple choice")
        SCALE = "scale", _("Scale (agree to disagree)")
        RANKING = "ranking", _("Ranking")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        WARD = "ward", _("Ward")
        POSTCODE = "postcode", _("Postcode")

    # Kinds whose answer is one or more of the question's options.
    WITH_OPTIONS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.SCALE, Kind.RANKING})
    FREE_TEXT = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT})

    consultation = models.ForeignKey(
        "engagement.Consultation", on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("type of question"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    # Counted through the whole survey in reading order (0, 1, 2 ... across sections, no gaps),
    # so ordering by position alone, or by section then position, gives what residents see.
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Single and multiple choice: add an "Other" option with its own text box.
    allow_other = models.BooleanField(_('offer "Other" with a text box'), default=False)
    # Multiple choice: at most this many ticks (empty: any number).
    max_choices = models.PositiveSmallIntegerField(
        _("most options a person may tick"), null=True, blank=True
    )
    # Text: most characters.
    max_length = models.PositiveIntegerField(_("most characters"), null=True, blank=True)
    # Number: the range allowed.
    min_value = models.DecimalField(
        _("smallest number allowed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest number allowed"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position", "pk"]
        indexes = [models.Index(fields=["consultation", "position"], name="question_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_number_range",
            )
        ]

    def __str__(self) -> str:
        return self.text


class QuestionOption(models.Model):
    """An option of a choice, scale or ranking question (a scale's options run from one end
    to the other, e.g. "Strongly agree" ... "Strongly disagree")."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label
