"""Taxonomies, their terms, and attributes that tag records with terms (HSDS 3.0).

The portal's own taxonomies are identified by ``Taxonomy.Kind`` so resident filters can find
"the category taxonomy" or "the programme taxonomy" without relying on names staff may edit.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import OpenReferralRecord


class Taxonomy(OpenReferralRecord):
    """A published list of terms, such as our service categories or the programmes."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("Category")
        PROGRAMME = "programme", _("Programme")
        ELIGIBILITY = "eligibility", _("Who it is for")
        AUDIENCE = "audience", _("Audience")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("used for"), max_length=20, choices=Kind, default=Kind.OTHER)
    uri = models.URLField(_("address of the published taxonomy"), blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]
        constraints = [
            # One taxonomy per portal use, so "the programme taxonomy" is unambiguous.
            models.UniqueConstraint(
                fields=["kind"], condition=~Q(kind="other"), name="hubs_one_taxonomy_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(OpenReferralRecord):
    """One term in a taxonomy, optionally below a parent term."""

    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.CASCADE, related_name="terms", verbose_name=_("taxonomy")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent term"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"))
    code = models.CharField(_("code"), max_length=50, blank=True)
    term_uri = models.URLField(_("address of the term"), blank=True)
    last_modified = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "slug"], name="hubs_term_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Attribute(OpenReferralRecord):
    """Tags one service, location or organisation with a taxonomy term (HSDS attribute).

    HSDS links by (link_entity, link_id); we keep one real foreign key per kind of record so the
    database guarantees the link and filters can join on an index.
    """

    class LinkType(models.TextChoices):
        CATEGORY = "category", _("Category")
        PROGRAMME = "programme", _("Programme")
        ELIGIBILITY = "eligibility", _("Eligibility")
        AUDIENCE = "audience", _("Audience")
        ACCESSIBILITY = "accessibility", _("Accessibility")

    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    link_type = models.CharField(_("link type"), max_length=20, choices=LinkType)
    service = models.ForeignKey(
        "hubs.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )
    location = models.ForeignKey(
        "hubs.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )
    organisation = models.ForeignKey(
        "hubs.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attributes",
    )
    value = models.CharField(_("value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        # The type-of-help and programme counts join from the matching services: index-only.
        indexes = [
            models.Index(fields=["service", "taxonomy_term"], name="hubs_attribute_service_term")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(service__isnull=False, location__isnull=True, organisation__isnull=True)
                    | Q(service__isnull=True, location__isnull=False, organisation__isnull=True)
                    | Q(service__isnull=True, location__isnull=True, organisation__isnull=False)
                ),
                name="hubs_attribute_links_one_record",
            ),
            models.UniqueConstraint(
                fields=["taxonomy_term", "service"],
                condition=Q(service__isnull=False),
                name="hubs_attribute_once_per_service",
            ),
            models.UniqueConstraint(
                fields=["taxonomy_term", "location"],
                condition=Q(location__isnull=False),
                name="hubs_attribute_once_per_location",
            ),
            models.UniqueConstraint(
                fields=["taxonomy_term", "organisation"],
                condition=Q(organisation__isnull=False),
                name="hubs_attribute_once_per_organisation",
            ),
        ]

    @property
    def link_entity(self) -> str:
        if self.service_id:
            return "service"
        if self.location_id:
            return "location"
        return "organization"

    @property
    def link_id(self) -> object:
        linked = self.service or self.location or self.organisation
        return linked.uuid if linked else None

    def __str__(self) -> str:
        return f"{self.taxonomy_term} ({self.link_type})"
