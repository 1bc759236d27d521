from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpenReferralRecord(models.Model):
    """A record published through the Open Referral UK API, which identifies records by UUID."""

    uuid = models.UUIDField(_("Open Referral id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
