"""Writing consultation responses: drafts saved page by page, sending, changing until close.

Anonymity (see engagement/models/responses.py) is kept here: a response without a respondent
gets no time of day (``submitted_on`` only; ``submitted_at`` and ``updated_at`` stay empty), no
address and no key from anything else. Its secret link (save and return, change until close)
is a random token the person holds; only the token's SHA-256 is stored. Equality answers and
requests to hear the outcome are written in the same transaction but with no key to it.

Values of ``answers`` ({question id: value}) are those of
``engagement.forms.answers.SectionAnswersForm.answers()``; None (or an empty value) removes an
answer. Callers check permissions (``engagement.respond``, ``engagement.change_response``,
``engagement.enter_assisted_response``); these functions trust them.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from luton2040 import audit
from luton2040.notifications.services import Recipient, notify
from luton2040.places.models import Ward

from .. import kinds
from ..forms.answer_fields import ChoiceAnswer
from ..models import Answer, Channel, Consultation, OutcomeRequest, Question, Response
from ..selectors.responses import answers_for_display
from .equality import equality_record

if TYPE_CHECKING:
    from hubs.models import Location
    from luton2040.accounts.models import User

# The columns an answer's value may fill (all others are reset when an answer changes kind).
ANSWER_VALUE_FIELDS = ["text", "number", "date", "option_ids", "other_text", "ward", "postcode"]


class AlreadyResponded(Exception):
    """The person has already sent a response to a consultation that takes one each."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"already responded: response {response.pk}")
        self.response = response


class ResponseClosed(Exception):
    """The consultation has closed: the response can no longer be changed."""


# --- secret links ----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored for a secret link's token: its SHA-256, so a database reader cannot use
    it (the token itself has 256 random bits, so no salt is needed against guessing)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _formatted(day: datetime.date) -> str:
    return dateformat.format(day, "j F Y")


# --- writing answers -------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == ():
        return True
    return isinstance(value, ChoiceAnswer) and not value.option_ids and not value.other_text


def _answer_values(question: Question, value: Any) -> dict[str, Any]:
    """The Answer columns for one value (any column not named here is reset)."""
    kind = question.kind
    if kind in Question.FREE_TEXT:
        return {"text": str(value).strip()}
    if kind == Question.Kind.POSTCODE:
        return {"postcode": str(value).strip().upper()}
    if kind == Question.Kind.NUMBER:
        return {"number": Decimal(str(value))}
    if kind == Question.Kind.DATE:
        if not isinstance(value, datetime.date):
            raise TypeError(f"question {question.pk}: a date is needed, not {value!r}")
        return {"date": value}
    if kind == Question.Kind.WARD:
        return {"ward_id": value.pk if isinstance(value, Ward) else int(value)}
    if kind in Question.WITH_OPTIONS:
        if isinstance(value, ChoiceAnswer):
            return {"option_ids": list(value.option_ids), "other_text": value.other_text.strip()}
        if isinstance(value, int):
            return {"option_ids": [value]}
        return {"option_ids": [int(pk) for pk in value]}
    raise ValueError(f"no answer columns for question kind {kind!r}")


def _write_answers(response: Response, answers: Mapping[int, Any]) -> None:
    """Insert or replace the given questions' answers; remove those given as blank. Questions of
    another consultation are refused (a stale form, or a caller's mistake)."""
    if not answers:
        return
    questions = Question.objects.filter(
        consultation_id=response.consultation_id, pk__in=list(answers)
    ).in_bulk()
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValueError(f"questions {sorted(unknown)} are not in this consultation's survey")
    blank = [pk for pk, value in answers.items() if _is_blank(value)]
    if blank:
        Answer.objects.filter(response=response, question_id__in=blank).delete()
    rows = []
    for pk, value in answers.items():
        if pk in blank:
            continue
        columns: dict[str, Any] = {
            "text": "",
            "number": None,
            "date": None,
            "option_ids": [],
            "other_text": "",
            "ward_id": None,
            "postcode": "",
        }
        columns.update(_answer_values(questions[pk], value))
        rows.append(Answer(response=response, question_id=pk, **columns))
    if rows:
        # INSERT ... ON CONFLICT (response, question) DO UPDATE: one statement however many.
        Answer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["response", "question"],
            update_fields=ANSWER_VALUE_FIELDS,
        )


# --- drafts ----------------------------------------------------------------------------------


@transaction.atomic
def response_start(
    *, consultation: Consultation, respondent: User | None = None
) -> tuple[Response, str]:
    """An in-progress online response, and the token of its secret link ("" for a signed-in
    person, whose draft is found by their account). A signed-in person's existing draft is
    returned rather than a second one made; with one response each, a sent response raises
    AlreadyResponded."""
    if respondent is not None:
        existing = (
            Response.objects.select_for_update()
            .filter(consultation=consultation, respondent=respondent)
            .order_by("-status", "-pk")  # "submitted" > "in-progress": a sent one first
            .first()
        )
        if existing is not None:
            if existing.status == Response.Status.IN_PROGRESS:
                return existing, ""
            if consultation.one_response_per_person:
                raise AlreadyResponded(existing)
            draft = (
                Response.objects.filter(
                    consultation=consultation,
                    respondent=respondent,
                    status=Response.Status.IN_PROGRESS,
                )
                .order_by("-pk")
                .first()
            )
            if draft is not None:
                return draft, ""
        try:
            with transaction.atomic():  # a savepoint: the race below must not end the transaction
                response = Response.objects.create(
                    consultation=consultation,
                    respondent=respondent,
                    one_per_person=consultation.one_response_per_person,
                    channel=Channel.ONLINE,
                )
        except IntegrityError:
            # Another tab started (or sent) at the same moment: use what it made.
            existing = Response.objects.get(consultation=consultation, respondent=respondent)
            if existing.status == Response.Status.SUBMITTED:
                raise AlreadyResponded(existing) from None
            return existing, ""
        return response, ""
    token = _new_token()
    response = Response.objects.create(
        consultation=consultation,
        channel=Channel.ONLINE,
        resume_token_hash=token_hash(token),
        one_per_person=consultation.one_response_per_person,
    )
    return response, token


@transaction.atomic
def response_save_progress(
    *, response: Response, answers: Mapping[int, Any], last_section: int | None = None
) -> Response:
    """Keep a draft's answers (a page's worth, or fewer) and the furthest page reached.
    A response already sent is changed with response_update instead (ValueError here)."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.status != Response.Status.IN_PROGRESS:
        raise ValueError("response_save_progress is for drafts; use response_update")
    _write_answers(response, answers)
    if last_section is not None and last_section > response.last_section:
        response.last_section = last_section
        response.save(update_fields=["last_section"])
    return response


@transaction.atomic
def response_discard(*, response: Response) -> None:
    """Delete a draft and its answers (a bot's, caught by the honeypot). Sent ones stay."""
    Response.objects.filter(pk=response.pk, status=Response.Status.IN_PROGRESS).delete()


@transaction.atomic
def response_send_resume_link(*, response: Response, email: str) -> str:
    """Email a "come back to your response" link for a draft; returns the link's new token
    (the old link stops working). The address goes into the message only, not the response."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    token = _new_token()
    response.resume_token_hash = token_hash(token)
    response.save(update_fields=["resume_token_hash"])
    consultation = response.consultation
    notify(
        kind=kinds.RESPONSE_RESUME_LINK,
        # A random event: nothing in the outbox row's key leads back to the response.
        event=f"{kinds.RESPONSE_RESUME_LINK}:{uuid.uuid4().hex}",
        recipients=[Recipient(email=email.strip())],
        context={
            "consultation_title": consultation.title,
            "resume_url": reverse(
                "engagement:respond-return", kwargs={"slug": consultation.slug, "token": token}
            ),
            "closes_on": _formatted(timezone.localdate(consultation.closes_at)),
        },
    )
    return token


# --- sending and changing --------------------------------------------------------------------


@transaction.atomic
def response_submit(
    *,
    consultation: Consultation,
    answers: dict[int, Any],
    respondent: User | None = None,
    channel: str = Channel.ONLINE,
    entered_by: User | None = None,
    hub: Location | None = None,
    equality: dict[str, Any] | None = None,
    hear_back_email: str = "",
    hear_back: bool = False,
    receipt_email: str = "",
    draft: Response | None = None,
) -> Response:
    """Send a response, in one transaction: the response and its answers, the equality answers
    (apart, via equality_record), a request to hear the outcome (by account when ``hear_back``
    and a respondent; by ``hear_back_email`` otherwise; a repeat is ignored) and, when an
    address is given, a receipt.

    ``draft``: an online in-progress response to send (its saved answers kept, ``answers``
    written over them). With one response each, a second response by the same person (even
    from two requests at once) raises AlreadyResponded. A response with no respondent gets a
    new secret link, its token on ``response.secret_token`` (not stored) for the receipt and
    the confirmation page.
    """
    if draft is not None:
        response = Response.objects.select_for_update().get(pk=draft.pk)
        if response.status == Response.Status.SUBMITTED:
            raise AlreadyResponded(response)
        respondent = response.respondent
    else:
        response = _new_response(
            consultation=consultation,
            respondent=respondent,
            channel=channel,
            entered_by=entered_by,
            hub=hub,
        )
    _write_answers(response, answers)

    today = timezone.localdate()
    token = ""
    response.status = Response.Status.SUBMITTED
    response.submitted_on = today
    # The time of day only for a named response: see the module docstring.
    response.submitted_at = timezone.now() if respondent is not None else None
    if respondent is None:
        # A fresh link: one sent earlier to "come back later" must not change a sent response.
        token = _new_token()
        response.resume_token_hash = token_hash(token)
    else:
        response.resume_token_hash = ""
    response.save(update_fields=["status", "submitted_on", "submitted_at", "resume_token_hash"])
    response.secret_token = token  # type: ignore[attr-defined]

    if equality:
        equality_record(consultation=consultation, answers=equality, channel=channel)
    _hear_back(
        consultation=consultation,
        respondent=respondent,
        hear_back=hear_back,
        email=hear_back_email,
        on=today,
    )
    if receipt_email:
        _send_receipt(response=response, email=receipt_email, token=token, hear_back=hear_back)
    if entered_by is not None:
        # Recorded against the consultation, not the response: an anonymous paper response must
        # not gain a timestamped key through the audit log.
        audit.record(
            actor=entered_by,
            obj=consultation,
            verb="consultation.response_entered",
            changes={"channel": channel, "hub": str(hub) if hub else ""},
        )
    return response


def _new_response(
    *,
    consultation: Consultation,
    respondent: User | None,
    channel: str,
    entered_by: User | None,
    hub: Location | None,
) -> Response:
    fields = {
        "consultation": consultation,
        "respondent": respondent,
        "channel": channel,
        "entered_by": entered_by,
        "hub": hub,
        "one_per_person": consultation.one_response_per_person,
    }
    if respondent is None or not consultation.one_response_per_person:
        return Response.objects.create(**fields)
    existing = (
        Response.objects.select_for_update()
        .filter(consultation=consultation, respondent=respondent)
        .first()
    )
    if existing is not None:
        if existing.status == Response.Status.SUBMITTED:
            raise AlreadyResponded(existing)
        # Their online draft becomes this response (entered for them, or sent another way).
        for name in ("channel", "entered_by", "hub"):
            setattr(existing, name, fields[name])
        existing.save(update_fields=["channel", "entered_by", "hub"])
        return existing
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives the race
            return Response.objects.create(**fields)
    except IntegrityError:
        # Two sends at once: the database's one-per-person constraint let one through.
        existing = Response.objects.get(consultation=consultation, respondent=respondent)
        raise AlreadyResponded(existing) from None


def _hear_back(
    *,
    consultation: Consultation,
    respondent: User | None,
    hear_back: bool,
    email: str,
    on: datetime.date,
) -> None:
    email = email.strip().lower()
    if email:
        request = OutcomeRequest(consultation=consultation, email=email, created_on=on)
    elif hear_back and respondent is not None:
        request = OutcomeRequest(consultation=consultation, user=respondent, created_on=on)
    else:
        return
    # ON CONFLICT DO NOTHING: asking twice (or responding twice) keeps one request.
    OutcomeRequest.objects.bulk_create([request], ignore_conflicts=True)


def _send_receipt(*, response: Response, email: str, token: str, hear_back: bool) -> None:
    """The receipt. A named response's copy of the answers goes to the account; an anonymous
    one gets its change link and no copy of the answers, so the outbox never holds an address
    beside what was said (the link stops working when the consultation closes)."""
    consultation = response.consultation
    respondent = response.respondent
    email = email.strip()
    recipient = (
        Recipient(user=respondent)
        if respondent is not None and respondent.email.lower() == email.lower()
        else Recipient(email=email)
    )
    if respondent is not None:
        change_url = reverse("engagement:respond-change", kwargs={"slug": consultation.slug})
        copy = [
            {
                "title": section.section.title,
                "rows": [[row.question.text, row.text] for row in section.rows],
            }
            for section in answers_for_display(response)
        ]
    else:
        change_url = reverse(
            "engagement:respond-return", kwargs={"slug": consultation.slug, "token": token}
        )
        copy = []
    notify(
        kind=kinds.RESPONSE_RECEIPT,
        # A random event: nothing in the outbox row's key leads back to the response.
        event=f"{kinds.RESPONSE_RECEIPT}:{uuid.uuid4().hex}",
        recipients=[recipient],
        context={
            "consultation_title": consultation.title,
            "consultation_url": consultation.get_absolute_url(),
            "sent_on": _formatted(response.submitted_on or timezone.localdate()),
            "closes_on": _formatted(timezone.localdate(consultation.closes_at)),
            "change_url": change_url,
            "anonymous": respondent is None,
            "answers": copy,
            "hear_back": hear_back,
        },
    )


@transaction.atomic
def response_update(
    *, response: Response, answers: Mapping[int, Any], receipt_email: str = ""
) -> Response:
    """Change a sent response while its consultation is open (ResponseClosed after). A named
    response records when; an anonymous one records nothing finer than the day it was sent."""
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("consultation", "respondent")
        .get(pk=response.pk)
    )
    if response.consultation.status != Consultation.Status.OPEN:
        raise ResponseClosed(response.consultation.slug)
    if response.status != Response.Status.SUBMITTED:
        raise ValueError("response_update is for sent responses; use response_save_progress")
    _write_answers(response, answers)
    if response.respondent_id is not None:
        response.updated_at = timezone.now()
        response.save(update_fields=["updated_at"])
    if receipt_email:
        token = ""
        if response.respondent_id is None:
            # The receipt carries a working link: a new one (the old one keeps working until
            # this commits, then stops).
            token = _new_token()
            response.resume_token_hash = token_hash(token)
            response.save(update_fields=["resume_token_hash"])
            response.secret_token = token  # type: ignore[attr-defined]
        _send_receipt(response=response, email=receipt_email, token=token, hear_back=False)
    return response


@transaction.atomic
def responses_forget_links(*, consultation: Consultation) -> int:
    """Once a consultation has closed, remove its responses' secret-link hashes: the links in
    receipts and save-and-return emails then lead nowhere, so those messages can no longer be
    joined to a response. Returns how many were cleared; running it twice clears nothing new."""
    return (
        Response.objects.filter(consultation=consultation)
        .exclude(resume_token_hash="")
        .update(resume_token_hash="")
    )
