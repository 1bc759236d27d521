from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ward(models.Model):
    """A Luton Borough Council electoral ward (boundaries from May 2023). Staff may edit."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    # ONS GSS code (E05...), filled in from the ONS register; blank until checked.
    gss_code = models.CharField(_("ONS ward code"), max_length=9, blank=True)
    latitude = models.FloatField(_("latitude of centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude of centre"), null=True, blank=True)

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
