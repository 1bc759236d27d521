"""The Luton 2040 vocabulary the taskforce works against: priorities, outcomes, commitments
(all editable by staff)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.Model):
    """One of the five Luton 2040 priorities (Empowered community is the portal's first)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.Model):
    """A target outcome of a priority, such as "Resident voice"."""

    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.PROTECT, related_name="outcomes"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    short_name = models.CharField(_("short name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    statement = models.TextField(_("outcome statement"))

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["priority__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "number"], name="taskforce_outcome_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_name}"


class Commitment(models.Model):
    """A major development the taskforce has committed to deliver (by 2028)."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    due_year = models.PositiveSmallIntegerField(_("due by (year)"), default=2028)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
