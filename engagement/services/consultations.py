"""Writes for consultations: create, edit, publish, documents, and the lifecycle beat job.

The lifecycle. Staff write a consultation as a draft and publish it when its survey has at
least one question; it then goes to wherever its dates put it (forthcoming, open, or straight
to closed for one recorded after the event). From there the beat job ``consultations_advance``
moves it on by its dates: forthcoming -> open at ``opens_at``, open -> closed at ``closes_at``,
closed -> awaiting outcome ``ENGAGEMENT_POSTAL_GRACE_DAYS`` later (postal responses posted by
the closing date still count until then). Publishing the outcome (another area) ends it.

Every move and every notice is claimed with a conditional UPDATE before anything is written,
so two workers, or a job run twice, move and tell once. A consultation that skipped "open"
(its dates had both passed) never sends "it has opened".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luton2040 import audit
from luton2040.notifications.subscriptions import notify_followers
from luton2040.uploads import CheckedUpload, accept_attribute, served_types, upload_check

from .. import kinds
from ..models import Consultation, ConsultationDocument
from .responses import responses_forget_links

if TYPE_CHECKING:
    from luton2040.accounts.models import User

Status = Consultation.Status

# Fields consultation_create / consultation_update may set; many-to-many ones with .set().
CONSULTATION_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "topics",
    "opens_at",
    "closes_at",
    "allow_anonymous",
    "one_response_per_person",
    "allow_save_and_return",
    "ask_equality_questions",
    "publish_results",
    "contact_email",
)
CONSULTATION_M2M_FIELDS = ("wards", "groups")
# Slugs that would clash with a staff page's address (/staff/engagement/consultations/new/).
RESERVED_SLUGS = frozenset({"new"})


class WorkflowError(Exception):
    """The change is not allowed in the consultation's current state; the message says why,
    in words for the member of staff who tried."""


# --- Dates and states ------------------------------------------------------------------------


def status_for_dates(
    *, opens_at: datetime.datetime, closes_at: datetime.datetime, now: datetime.datetime
) -> str:
    """Where a published consultation with these dates belongs at ``now``."""
    if now < opens_at:
        return Status.FORTHCOMING
    if now < closes_at:
        return Status.OPEN
    if now < closes_at + datetime.timedelta(days=settings.ENGAGEMENT_POSTAL_GRACE_DAYS):
        return Status.CLOSED
    return Status.AWAITING_OUTCOME


def locked_fields(consultation: Consultation | None) -> frozenset[str]:
    """Fields that may no longer change. Once published, the web address has been shared; once
    open, responses exist under its opening date and response rules; once closed, its dates and
    the questions people were asked about how to respond are history."""
    if consultation is None or consultation.status == Status.DRAFT:
        return frozenset()
    if consultation.status == Status.FORTHCOMING:
        return frozenset({"slug"})
    if consultation.status == Status.OPEN:
        return frozenset({"slug", "opens_at", "allow_anonymous", "one_response_per_person"})
    return frozenset(
        {
            "slug",
            "opens_at",
            "closes_at",
            "allow_anonymous",
            "one_response_per_person",
            "allow_save_and_return",
            "ask_equality_questions",
        }
    )


def time_in_words(moment: datetime.datetime) -> str:
    """GOV.UK style: "9am", "5:30pm", "11:59pm", "midday" (London time)."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (12, 0):
        return _("midday")
    if (local.hour, local.minute) == (0, 0):
        return _("midnight")
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def date_in_words(moment: datetime.datetime | datetime.date) -> str:
    """ "Friday 12 June 2026" (London date)."""
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return formats.date_format(day, "l j F Y")


def moment_in_words(moment: datetime.datetime) -> str:
    """ "11:59pm on Friday 12 June 2026"."""
    return _("%(time)s on %(date)s") % {
        "time": time_in_words(moment),
        "date": date_in_words(moment),
    }


# --- Create, edit, publish -------------------------------------------------------------------


def _audit_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return sorted(str(item) for item in value)
    return value


def _unique_slug(title: str) -> str:
    """A web address made from the title, with -2, -3... if it is taken."""
    base = slugify(title)[:190].strip("-") or "consultation"
    if base in RESERVED_SLUGS:
        base = f"{base}-consultation"
    taken = set(Consultation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_fields(fields: Mapping[str, Any], *, verb: str) -> None:
    unknown = set(fields) - set(CONSULTATION_FIELDS) - set(CONSULTATION_M2M_FIELDS)
    if unknown:
        raise TypeError(f"{verb}() got unexpected fields {sorted(unknown)}")


@transaction.atomic
def consultation_create(*, by: User, **fields: Any) -> Consultation:
    """Create a draft consultation. ``fields`` are Consultation fields (wards and groups as
    lists); a blank slug is made from the title."""
    _check_fields(fields, verb="consultation_create")
    m2m = {name: fields.pop(name) for name in CONSULTATION_M2M_FIELDS if name in fields}
    if not fields.get("slug"):
        fields["slug"] = _unique_slug(fields["title"])
    consultation = Consultation.objects.create(created_by=by, status=Status.DRAFT, **fields)
    for name, values in m2m.items():
        getattr(consultation, name).set(values)
    audit.record(
        actor=by,
        obj=consultation,
        verb="consultation.created",
        changes={
            name: _audit_value(value)
            for name, value in {**fields, **m2m}.items()
            if value not in (None, "", [])
        },
    )
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, by: User, changes: Mapping[str, Any]
) -> Consultation:
    """Change a consultation's details. Fields locked in its current state (``locked_fields``)
    refuse to change. Moving an open consultation's closing date later re-arms the closing
    reminder, so followers are told about the new date."""
    _check_fields(changes, verb="consultation_update")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    locked = locked_fields(consultation)
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        if name in CONSULTATION_M2M_FIELDS:
            current = set(getattr(consultation, name).all())
            if current != set(value):
                diff[name] = {"from": _audit_value(current), "to": _audit_value(value)}
                getattr(consultation, name).set(value)
            continue
        current = getattr(consultation, name)
        if current == value:
            continue
        if name in locked:
            raise WorkflowError(
                _("%(field)s cannot change now the consultation is %(status)s.")
                % {
                    "field": str(
                        getattr(Consultation._meta.get_field(name), "verbose_name", name)
                    ).capitalize(),
                    "status": consultation.get_status_display().lower(),
                }
            )
        diff[name] = {"from": _audit_value(current), "to": _audit_value(value)}
        setattr(consultation, name, value)
    if not diff:
        return consultation
    if "closes_at" in diff and consultation.closing_reminder_sent_at is not None:
        reminder_due = consultation.closes_at - datetime.timedelta(
            days=settings.ENGAGEMENT_CLOSING_REMINDER_DAYS
        )
        if reminder_due > timezone.now():
            consultation.closing_reminder_sent_at = None
    consultation.save()
    audit.record(actor=by, obj=consultation, verb="consultation.edited", changes=diff)
    return consultation


@transaction.atomic
def consultation_publish(
    *, consultation: Consultation, by: User, now: datetime.datetime | None = None
) -> Consultation:
    """Publish a draft: it goes to forthcoming, open or (dates past) closed as its dates say,
    and if it is open its followers are told now. A consultation without a question is refused
    with WorkflowError. Publishing twice changes nothing."""
    now = now or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Status.DRAFT:
        return consultation  # a second click: already published
    if not consultation.questions.exists():
        raise WorkflowError(
            _(
                "Add at least one question to the survey before you publish the consultation. "
                "People need something to answer."
            )
        )
    consultation.status = status_for_dates(
        opens_at=consultation.opens_at, closes_at=consultation.closes_at, now=now
    )
    consultation.published_at = now
    consultation.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=by,
        obj=consultation,
        verb="consultation.published",
        changes={"status": consultation.status},
    )
    if consultation.status == Status.OPEN:
        _notify_opened(pk=consultation.pk, now=now)
    return consultation


# --- Documents -------------------------------------------------------------------------------

# extension -> the Content-Type we serve it with
DOCUMENT_TYPES = served_types("pdf", "docx", "odt", "ods", "xlsx")
# What residents are told a download is, beside its link.
DOCUMENT_FORMATS = {
    DOCUMENT_TYPES["pdf"]: "PDF",
    DOCUMENT_TYPES["docx"]: "Word",
    DOCUMENT_TYPES["odt"]: "OpenDocument text",
    DOCUMENT_TYPES["ods"]: "OpenDocument spreadsheet",
    DOCUMENT_TYPES["xlsx"]: "Excel",
}
DOCUMENT_ACCEPT = accept_attribute(DOCUMENT_TYPES)

_WRONG_TYPE = gettext_lazy(
    "The selected file must be a PDF, Word (.docx), OpenDocument text (.odt) or spreadsheet "
    "(.ods or .xlsx)"
)


def consultation_document_check(
    upload: IO[bytes], *, name: str, size: int | None = None
) -> CheckedUpload:
    """Check a document by its bytes (see ``luton2040.uploads``): one of DOCUMENT_TYPES, no
    larger than ENGAGEMENT_DOCUMENT_MAX_BYTES. Raises ValidationError with a message for the
    person uploading it."""
    return upload_check(
        upload,
        name=name,
        size=size,
        accepted=DOCUMENT_TYPES,
        max_bytes=settings.ENGAGEMENT_DOCUMENT_MAX_BYTES,
        wrong_type_message=_WRONG_TYPE,
    )


@transaction.atomic
def document_add(
    *,
    consultation: Consultation,
    by: User,
    title: str,
    upload: IO[bytes],
    file_name: str,
    file_size: int | None = None,
    kind: str = ConsultationDocument.Kind.MAIN,
    language: str = "",
) -> ConsultationDocument:
    """Attach a document to a consultation. The file is checked again here (the form checked
    it first) and stored under a random name; it goes last in the list."""
    checked = consultation_document_check(upload, name=file_name, size=file_size)
    last = (
        consultation.documents.aggregate(last=models.Max("position"))["last"]
        if consultation.pk
        else None
    )
    document = ConsultationDocument(
        consultation=consultation,
        title=title.strip(),
        kind=kind,
        language=language.strip(),
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.data),
        position=0 if last is None else last + 1,
    )
    # The name given is ignored (document_upload_to is random); a rollback leaves an orphan
    # file, never a row pointing at nothing.
    document.file.save(checked.original_name, ContentFile(checked.data), save=False)
    document.save()
    audit.record(
        actor=by,
        obj=document,
        verb="consultation_document.added",
        changes={
            "consultation": consultation.slug,
            "title": document.title,
            "file": document.original_name,
            "size": document.size,
        },
    )
    return document


@transaction.atomic
def document_remove(*, document: ConsultationDocument, by: User) -> None:
    """Remove a document; its file is deleted once the removal has committed."""
    audit.record(
        actor=by,
        obj=document,
        verb="consultation_document.removed",
        changes={"consultation": document.consultation_id, "title": document.title},
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- The lifecycle job -----------------------------------------------------------------------


@dataclass(frozen=True)
class AdvanceResult:
    moved: int
    opened_notices: int
    closing_reminders: int


_VERB_FOR_STATUS = {
    Status.OPEN: "consultation.opened",
    Status.CLOSED: "consultation.closed",
    Status.AWAITING_OUTCOME: "consultation.awaiting_outcome",
}


def consultations_advance(*, now: datetime.datetime) -> AdvanceResult:
    """Move published consultations on by their dates, tell followers when one opens and
    remind them before it closes. Safe to run twice or on two workers at once: each move and
    each notice is claimed with a conditional UPDATE first (one transaction per consultation,
    so one failure holds up no other)."""
    grace = datetime.timedelta(days=settings.ENGAGEMENT_POSTAL_GRACE_DAYS)
    due = Consultation.objects.filter(
        Q(status=Status.FORTHCOMING, opens_at__lte=now)
        | Q(status=Status.OPEN, closes_at__lte=now)
        | Q(status=Status.CLOSED, closes_at__lte=now - grace)
    ).values_list("pk", "status", "opens_at", "closes_at")
    moved = 0
    for pk, status, opens_at, closes_at in due:
        target = status_for_dates(opens_at=opens_at, closes_at=closes_at, now=now)
        moved += _move(pk=pk, from_status=status, to_status=target, now=now)

    opened = 0
    unannounced = Consultation.objects.filter(status=Status.OPEN, opening_notified_at=None)
    for pk in unannounced.values_list("pk", flat=True):
        opened += _notify_opened(pk=pk, now=now)

    reminders = 0
    closing_soon = Consultation.objects.filter(
        status=Status.OPEN,
        closing_reminder_sent_at=None,
        closes_at__gt=now,
        closes_at__lte=now + datetime.timedelta(days=settings.ENGAGEMENT_CLOSING_REMINDER_DAYS),
    )
    for pk in closing_soon.values_list("pk", flat=True):
        reminders += _remind_closing(pk=pk, now=now)
    return AdvanceResult(moved=moved, opened_notices=opened, closing_reminders=reminders)


@transaction.atomic
def _move(*, pk: int, from_status: str, to_status: str, now: datetime.datetime) -> int:
    """Claim one move: only the run whose UPDATE changed the row records it."""
    if from_status == to_status:
        return 0
    claimed = Consultation.objects.filter(pk=pk, status=from_status).update(
        status=to_status, updated_at=now
    )
    if claimed != 1:
        return 0  # another run moved it first, or staff changed it meanwhile
    consultation = Consultation.objects.get(pk=pk)
    if to_status in (Status.CLOSED, Status.AWAITING_OUTCOME):
        # Nobody may change a response now, so the private links in receipts and
        # save-and-return emails stop leading to one (those messages hold an address).
        responses_forget_links(consultation=consultation)
    audit.record(
        actor=None,
        obj=consultation,
        verb=_VERB_FOR_STATUS[Status(to_status)],
        changes={"status": {"from": from_status, "to": to_status}, "at": now.isoformat()},
    )
    return 1


def _followers_context(consultation: Consultation) -> dict[str, Any]:
    wards = list(consultation.wards.all())
    return {
        "wards": wards,
        "context": {
            "title": consultation.title,
            "summary": consultation.summary,
            "opens": moment_in_words(consultation.opens_at),
            "closes": moment_in_words(consultation.closes_at),
            "where": ", ".join(ward.name for ward in wards),
            "url": consultation.get_absolute_url(),
        },
    }


@transaction.atomic
def _notify_opened(*, pk: int, now: datetime.datetime) -> int:
    """Tell the followers of an open consultation, its wards and its topics, once. A
    consultation for the whole town (no wards) goes to followers of it and its topics only:
    every ward's followers would otherwise get every town-wide consultation."""
    claimed = Consultation.objects.filter(
        pk=pk, status=Status.OPEN, opening_notified_at=None
    ).update(opening_notified_at=now)
    if claimed != 1:
        return 0
    consultation = Consultation.objects.get(pk=pk)
    reminder_window = datetime.timedelta(days=settings.ENGAGEMENT_CLOSING_REMINDER_DAYS)
    if consultation.closes_at <= now + reminder_window:
        # It opens with only days to go: this message says when it closes, and a "closes
        # soon" reminder straight after it would be noise.
        Consultation.objects.filter(pk=pk, closing_reminder_sent_at=None).update(
            closing_reminder_sent_at=now
        )
    _tell_followers(
        consultation,
        kind=kinds.CONSULTATION_OPENED,
        event=f"engagement.consultation-opened:{pk}",
        verb="consultation.opening_announced",
    )
    return 1


@transaction.atomic
def _remind_closing(*, pk: int, now: datetime.datetime) -> int:
    """Remind followers a few days before closing, once per closing date."""
    claimed = Consultation.objects.filter(
        pk=pk, status=Status.OPEN, closing_reminder_sent_at=None
    ).update(closing_reminder_sent_at=now)
    if claimed != 1:
        return 0
    consultation = Consultation.objects.get(pk=pk)
    _tell_followers(
        consultation,
        kind=kinds.CONSULTATION_CLOSING,
        # Keyed by the closing date: moved later, it is a new reminder (see consultation_update).
        event=f"engagement.consultation-closing:{pk}:{consultation.closes_at.timestamp():.0f}",
        verb="consultation.closing_reminder_sent",
    )
    return 1


def _tell_followers(consultation: Consultation, *, kind: str, event: str, verb: str) -> None:
    """Notify followers of the consultation, its wards and its topics, and audit how many."""
    found = _followers_context(consultation)
    rows = notify_followers(
        target=consultation,
        ward=found["wards"] or None,
        topic=consultation.topics,
        kind=kind,
        event=event,
        context=found["context"],
    )
    audit.record(actor=None, obj=consultation, verb=verb, changes={"messages": len(rows)})
