"""How long the directory keeps personal data (see luton2040/accounts/retention.py)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from luton2040.accounts.retention import RetentionRule, register

from .models import ListingReport


def _resolved_report_emails_blank(cutoff: datetime.datetime) -> int:
    # The address is asked for only to tell the reporter what we did. Once the report is
    # resolved and they have been told, it has done its job; the report itself (what was
    # wrong, what we did) stays, as the listing's history and for the feedback figures.
    # Anonymised, not deleted, so those figures and the reporter's status link still work.
    return ListingReport.objects.filter(resolved_at__lt=cutoff).exclude(email="").update(email="")


register(
    RetentionRule(
        key="listing_report_emails",
        kind=_("Email addresses on reports about a listing"),
        what_happens=_(
            "If you report a problem with a listing and give your email address, we remove "
            "the address from the report %(period)s after the problem is resolved."
        ),
        model_label="hubs.ListingReport",
        default_days=30,
        apply=_resolved_report_emails_blank,
    ),
)
