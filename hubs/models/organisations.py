"""Organisations that run services, and the editors who keep their listings correct."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import OpenReferralRecord


class Organisation(OpenReferralRecord):
    """A voluntary, community or statutory organisation that runs services."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.URLField(_("logo address"), blank=True)
    # HSDS "uri": a persistent identifier for the organisation, not its website.
    uri = models.URLField(_("persistent identifier"), blank=True)
    parent_organisation = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_organisations",
        verbose_name=_("parent organisation"),
    )
    last_modified = models.DateTimeField(_("last modified"), auto_now=True, db_index=True)
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


class OrganisationIdentifier(OpenReferralRecord):
    """A charity or company number, say (HSDS organization_identifier)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers"
    )
    identifier_scheme = models.CharField(
        _("scheme"), max_length=50, blank=True, help_text=_("For example GB-CHC or GB-COH.")
    )
    identifier_type = models.CharField(_("type"), max_length=100)
    identifier = models.CharField(_("identifier"), max_length=100)

    class Meta:
        verbose_name = _("organisation identifier")
        verbose_name_plural = _("organisation identifiers")

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


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
