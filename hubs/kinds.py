"""The notifications the directory sends, registered from HubsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luton2040.accounts.roles import Role
from luton2040.notifications import kinds
from luton2040.notifications.kinds import NotificationKind

LISTING_EDIT_DECIDED = "hubs.listing_edit_decided"
LISTING_EDIT_SUBMITTED = "hubs.listing_edit_submitted"
REPORT_RESOLVED = "hubs.report_resolved"
LISTING_VERIFICATION_DUE = "hubs.verification_due"
LISTINGS_UNCONFIRMED = "hubs.listings_unconfirmed"


def register_kinds() -> None:
    kinds.register(
        NotificationKind(
            key=LISTING_EDIT_DECIDED,
            label=_("A change you proposed to a directory listing is approved or not"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=LISTING_EDIT_SUBMITTED,
            label=_("A provider proposes a change to a directory listing (council staff)"),
            default=kinds.Frequency.DAILY,
            roles=(Role.COUNCIL_STAFF.value,),
        )
    )
    kinds.register(
        NotificationKind(
            key=REPORT_RESOLVED,
            label=_("A problem you reported with a listing is resolved"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=LISTING_VERIFICATION_DUE,
            label=_("A listing you are the contact for needs checking"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=LISTINGS_UNCONFIRMED,
            label=_("Directory listings nobody has confirmed (council staff)"),
            default=kinds.Frequency.DAILY,
            roles=(Role.COUNCIL_STAFF.value,),
        )
    )
