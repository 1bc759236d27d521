"""Entering a response someone gave on paper, by phone, in person or by letter (the hub desk).

The response is anonymous (no respondent): the person who typed it in and the hub are recorded
on it, and the channel, so "Who is responding" can count each way of responding. The writing
itself is ``responses.response_submit``; this adds the hub desk's own rules.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from ..forms.answer_fields import ChoiceAnswer
from ..models import Channel, Consultation, Response
from ..selectors.representation import hubs_for_desk
from .responses import response_submit

if TYPE_CHECKING:
    from hubs.models import Location
    from luton2040.accounts.models import User

# After closing, only what was posted before the deadline is entered (the grace period).
POSTAL_CHANNELS = (Channel.PAPER, Channel.EMAIL)


def desk_channels(consultation: Consultation) -> list[tuple[str, str]]:
    """The ways of responding the desk may record for this consultation now (never online)."""
    allowed = (
        POSTAL_CHANNELS
        if consultation.status == Consultation.Status.CLOSED
        else [c for c in Channel if c != Channel.ONLINE]
    )
    return [(str(channel.value), str(channel.label)) for channel in allowed]


def _plain(value: Any) -> Any:
    if isinstance(value, ChoiceAnswer):
        return {"options": list(value.option_ids), "other": value.other_text.strip()}
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return None if value is None else str(value)


def answers_fingerprint(*, answers: dict[int, Any], equality: dict[str, Any] | None) -> str:
    """A short digest of what was entered, to notice the same paper form typed in twice. Only
    the digest is kept (in the session of the person entering it), never the answers."""
    plain = {
        "answers": {str(pk): _plain(value) for pk, value in sorted(answers.items())},
        "equality": {name: _plain(value) for name, value in sorted((equality or {}).items())},
    }
    text = json.dumps(plain, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@transaction.atomic
def hub_desk_response_enter(
    *,
    consultation: Consultation,
    answers: dict[int, Any],
    channel: str,
    entered_by: User,
    hub: Location | None,
    equality: dict[str, Any] | None = None,
    hear_back_email: str = "",
) -> Response:
    """Record a response given another way than online, entered by ``entered_by`` at ``hub``:
    no respondent, so it is anonymous. Refuses (PermissionDenied) a channel the desk may not
    record now, and a hub that is not one of the entering person's (an organisation editor's
    own organisations' hubs; council staff may name any hub or none). Callers check
    ``engagement.enter_assisted_response``."""
    if channel not in dict(desk_channels(consultation)):
        raise PermissionDenied(f"channel {channel!r} cannot be entered now")
    if hub is not None and not hubs_for_desk(entered_by).filter(pk=hub.pk).exists():
        raise PermissionDenied("that hub is not one of yours")
    return response_submit(
        consultation=consultation,
        answers=answers,
        respondent=None,
        channel=channel,
        entered_by=entered_by,
        hub=hub,
        equality=equality or None,
        hear_back_email=hear_back_email.strip(),
    )
