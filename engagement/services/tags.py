"""Writes for coding free-text answers: the consultation's tags (its "coding frame") and which
answers carry them. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from luton2040 import audit

from ..models import Answer, AnswerTag, Consultation

if TYPE_CHECKING:
    from luton2040.accounts.models import User


class TagError(Exception):
    """The change cannot be made; the message says why, for the person who tried."""


@transaction.atomic
def answer_tag_create(*, consultation: Consultation, by: User, name: str) -> AnswerTag:
    """Add a tag to the consultation's coding frame. A name already there (in any letter case)
    returns the existing tag, so a double click makes one tag."""
    name = " ".join(name.split())
    existing = AnswerTag.objects.filter(consultation=consultation, name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: two requests adding the same name at once meet the unique constraint.
        with transaction.atomic():
            tag = AnswerTag.objects.create(consultation=consultation, name=name)
    except IntegrityError:
        return AnswerTag.objects.get(consultation=consultation, name=name)
    audit.record(actor=by, obj=tag, verb="answer_tag.created", changes={"name": name})
    return tag


@transaction.atomic
def answer_tags_set(*, answer: Answer, by: User, tags: Iterable[AnswerTag]) -> bool:
    """Make `tags` the answer's tags. Tags of another consultation are refused. Returns
    whether anything changed (saving the same tags again records nothing)."""
    wanted = set(tags)
    consultation_id = answer.question.consultation_id
    if any(tag.consultation_id != consultation_id for tag in wanted):
        raise TagError("a tag from another consultation")
    current = set(answer.tags.all())
    if current == wanted:
        return False
    answer.tags.set(wanted)
    audit.record(
        actor=by,
        obj=answer,
        verb="answer.tagged",
        changes={
            "from": sorted(tag.name for tag in current),
            "to": sorted(tag.name for tag in wanted),
        },
    )
    return True
