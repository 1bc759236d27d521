"""The freshness loop: ask providers to confirm their listings, take their one-click answer,
and flag the listings nobody confirmed.

1. `verification_requests_send` (beat, daily): every listed service not verified for
   HUBS_VERIFY_AFTER_DAYS, and not asked in that window, is claimed with a conditional UPDATE of
   `verification_requested_at` and its contact is emailed a signed "Still correct?" link.
2. `service_verify_by_link`: the provider presses "Yes, it is still correct"; assured_date
   becomes today and the request and any flag are cleared.
3. `services_flag_unconfirmed` (beat, daily): a service asked HUBS_UNCONFIRMED_AFTER_DAYS ago
   with no answer gets `unconfirmed_since`, and council staff get one message listing them.

Each step claims its rows with a conditional UPDATE, so running a job twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import ngettext

from luton2040 import audit
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role
from luton2040.notifications.services import Recipient, notify

from .. import kinds
from ..models import Contact, Service
from ..selectors.feedback import (
    service_list_due_for_verification,
    service_list_to_flag_unconfirmed,
)

VERIFY_SALT = "hubs.freshness.verify-listing"
# Long enough for a provider back from leave; short enough that an old email cannot be used to
# vouch for a listing that has changed hands since.
VERIFY_LINK_MAX_AGE = datetime.timedelta(days=60)


class BadVerificationLink(Exception):
    """The link was changed, has expired, or is older than the listing's last verification."""

    def __init__(self, reason: str) -> None:  # "invalid", "expired", "used"
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerificationLink:
    service_uuid: uuid.UUID
    assured_date: str  # the assured_date the link was issued for ("" for never verified)
    email: str


def verification_token(*, service: Service, email: str) -> str:
    """A signed, timestamped token for one service, its current assured_date and the address
    it is sent to: once the listing is verified again, older links stop working."""
    payload = {
        "s": str(service.uuid),
        "a": service.assured_date.isoformat() if service.assured_date else "",
        "e": email,
    }
    return signing.dumps(payload, salt=VERIFY_SALT, compress=True)


def verification_link_read(*, token: str) -> tuple[Service, VerificationLink]:
    """The service a token is for, or BadVerificationLink (never any other exception)."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise BadVerificationLink("expired") from exc
    except signing.BadSignature as exc:
        raise BadVerificationLink("invalid") from exc
    try:
        link = VerificationLink(
            service_uuid=uuid.UUID(str(payload["s"])),
            assured_date=str(payload["a"]),
            email=str(payload["e"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadVerificationLink("invalid") from exc
    service = (
        Service.objects.listed()
        .select_related("organisation")
        .filter(uuid=link.service_uuid)
        .first()
    )
    if service is None:
        raise BadVerificationLink("invalid")
    current = service.assured_date.isoformat() if service.assured_date else ""
    if current != link.assured_date:
        raise BadVerificationLink("used")
    return service, link


def service_contact_emails(*, service: Service) -> list[str]:
    """Who is asked to verify a listing: the service's email, else its contacts' emails, else
    its organisation's email."""
    if service.email:
        return [service.email]
    contact_emails = list(
        Contact.objects.filter(service=service)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if contact_emails:
        return list(dict.fromkeys(contact_emails))
    organisation_email = service.organisation.email
    return [organisation_email] if organisation_email else []


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _edit_url(service: Service) -> str:
    # The provider's edit page belongs to the editor area; until it exists the email says how
    # to reach us instead of linking to it.
    try:
        return _absolute(reverse("hubs:service-edit", kwargs={"slug": service.slug}))
    except NoReverseMatch:
        return ""


@transaction.atomic
def verification_request(*, service_id: int, now: datetime.datetime) -> bool:
    """Ask one service's contacts to verify it, if it is still due. Claims the service with a
    conditional UPDATE of verification_requested_at; False if another run got there first."""
    service = (
        service_list_due_for_verification(now=now)
        .select_related("organisation")
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        return False
    claimed = Service.objects.filter(
        pk=service.pk, verification_requested_at=service.verification_requested_at
    ).update(verification_requested_at=now)
    if claimed != 1:
        return False
    emails = service_contact_emails(service=service)
    audit.record(
        actor=None,
        obj=service,
        verb="service.verification_requested",
        changes={"sent_to": emails},
    )
    listing_url = _absolute(service.get_absolute_url()) if _has_detail_page() else ""
    for email in emails:
        token = verification_token(service=service, email=email)
        notify(
            kind=kinds.LISTING_VERIFICATION_DUE,
            event=f"{kinds.LISTING_VERIFICATION_DUE}:{service.pk}:{now.isoformat()}",
            recipients=[Recipient(email=email)],
            context={
                "service_name": service.name,
                "organisation_name": service.organisation.name,
                "assured_date": service.assured_date.isoformat() if service.assured_date else "",
                "confirm_url": _absolute(reverse("hubs:service-confirm", args=[token])),
                "edit_url": _edit_url(service),
                "listing_url": listing_url,
                "link_days": VERIFY_LINK_MAX_AGE.days,
            },
        )
    return True


def _has_detail_page() -> bool:
    try:
        reverse("hubs:service-detail", kwargs={"slug": "x"})
    except NoReverseMatch:
        return False
    return True


def verification_requests_send(*, now: datetime.datetime | None = None) -> int:
    """Beat job body: ask every due service, one transaction each (a failure leaves the rest
    sent). Returns how many were asked. Running it twice asks nobody twice."""
    now = now or timezone.now()
    due = list(service_list_due_for_verification(now=now).values_list("pk", flat=True))
    return sum(verification_request(service_id=pk, now=now) for pk in due)


@transaction.atomic
def service_verify_by_link(*, service: Service, link: VerificationLink) -> bool:
    """The provider confirmed the listing by its link: assured today, request and flag cleared.
    Claims the service with a conditional UPDATE on the assured_date the link was issued for,
    so a second press (or an older link) changes nothing and returns False."""
    today = timezone.localdate()
    assured_for = datetime.date.fromisoformat(link.assured_date) if link.assured_date else None
    claimed = Service.objects.filter(pk=service.pk, assured_date=assured_for).update(
        assured_date=today,
        assurer_email=link.email,
        verification_requested_at=None,
        unconfirmed_since=None,
        last_modified=timezone.now(),
    )
    if claimed != 1:
        return False
    audit.record(
        actor=None,
        obj=service,
        verb="service.verified_by_link",
        changes={
            "assured_date": [link.assured_date or None, today.isoformat()],
            "sent_to": link.email,
        },
    )
    return True


def staff_recipients() -> list[Recipient]:
    """Every active council staff account."""
    users = User.objects.filter(groups__name=Role.COUNCIL_STAFF.value, is_active=True).distinct()
    return [Recipient(user=user) for user in users.order_by("pk")]


@transaction.atomic
def services_flag_unconfirmed(*, now: datetime.datetime | None = None) -> list[Service]:
    """Beat job body: flag each service asked long enough ago with no answer, and tell council
    staff once with the list of those this run flagged. Running it twice flags and tells
    nothing more."""
    now = now or timezone.now()
    flagged = []
    for service in service_list_to_flag_unconfirmed(now=now).select_related("organisation"):
        claimed = Service.objects.filter(pk=service.pk, unconfirmed_since__isnull=True).update(
            unconfirmed_since=now
        )
        if claimed != 1:
            continue
        service.unconfirmed_since = now
        flagged.append(service)
        audit.record(
            actor=None,
            obj=service,
            verb="service.flagged_unconfirmed",
            changes={"asked_at": service.verification_requested_at.isoformat()}
            if service.verification_requested_at
            else {},
        )
    if flagged:
        # The set flagged is unique to this run (a service is flagged once), so the event names
        # it: a retried run that flags the same services cannot message staff twice.
        digest = hashlib.sha256(",".join(str(s.pk) for s in flagged).encode()).hexdigest()[:16]
        notify(
            kind=kinds.LISTINGS_UNCONFIRMED,
            event=f"{kinds.LISTINGS_UNCONFIRMED}:{digest}",
            recipients=staff_recipients(),
            context={
                "count": len(flagged),
                "services": [
                    {"name": s.name, "organisation": s.organisation.name} for s in flagged[:50]
                ],
                "list_url": _absolute(reverse("hubs-staff:unconfirmed-list")),
                # For the daily summary, which shows subject, summary and url.
                "subject": ngettext(
                    "%(count)d directory listing is now unconfirmed",
                    "%(count)d directory listings are now unconfirmed",
                    len(flagged),
                )
                % {"count": len(flagged)},
                "summary": ", ".join(s.name for s in flagged[:10]),
                "url": _absolute(reverse("hubs-staff:unconfirmed-list")),
            },
        )
    return flagged
