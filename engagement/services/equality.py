"""Writing equality monitoring answers, apart from the response they came with."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ..models import Channel, Consultation, EqualityMonitoring

FIELDS = ("ward", "age_band", "sex", "ethnic_group", "disability")


def equality_record(
    *, consultation: Consultation, answers: dict[str, Any], channel: str = Channel.ONLINE
) -> EqualityMonitoring | None:
    """Store the answers (``EqualityMonitoringForm.cleaned_data``) with no key to the response
    and only the day they were given; nothing when every question was left blank. Call in the
    same transaction as the response, so both are kept or neither."""
    values = {name: answers.get(name) or ("" if name != "ward" else None) for name in FIELDS}
    if not any(values.values()):
        return None
    return EqualityMonitoring.objects.create(
        consultation=consultation,
        channel=channel,
        recorded_on=timezone.localdate(),
        **values,
    )
