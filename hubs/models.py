"""Hubs and the service directory. Issue 4 builds the full Open Referral UK model here; the
platform foundation needs only organisations and who edits them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A voluntary, community or statutory organisation that runs services."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganisationEditor",
        related_name="edited_organisations",
        verbose_name=_("editors"),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationEditor(models.Model):
    """Binds an Organisation editor to an organisation whose listings they keep correct."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="editor_bindings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_bindings"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation editor")
        verbose_name_plural = _("organisation editors")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="hubs_one_editor_binding"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} edits {self.organisation}"


class Programme(models.Model):
    """A town-wide programme services can belong to: Food First, Warm Spaces, City of Sanctuary."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
