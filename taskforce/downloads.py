"""Open data: the public actions and the public indicator figures as CSV and JSON, under the
Open Government Licence.

Only what the public pages show goes into a file: published, public actions, and indicator
figures with small numbers blanked (the "suppressed" column says so; the hidden number and its
sample size are never written).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from luton2040.csv_export import csv_lines

from .models import Action, IndicatorValue
from .selectors.indicators import is_suppressed
from .selectors.tracker import download_action_list

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLISHER = "Luton Borough Council: Fairness Taskforce"
CHUNK = 500


def licence() -> dict[str, str]:
    return {"name": LICENCE_NAME, "url": LICENCE_URL}


def _metadata(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "publisher": PUBLISHER,
        "licence": licence(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


def _with_licence_headers(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    # A CSV file has no place for metadata that every reader understands, so the licence
    # travels in the HTTP headers (RFC 8288 rel="license") as well as on the page linking here.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"; title="{LICENCE_NAME}"'
    return response


def _day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _joined(names: Iterable[str]) -> str:
    return "; ".join(names)


def _lead_member_name(action: Action) -> str:
    # The member's name only, never the email address an account with no name falls back to.
    return action.lead_member.full_name if action.lead_member else ""


def _action_record(action: Action) -> dict[str, Any]:
    return {
        "reference": action.reference,
        "title": action.title,
        "summary": action.summary,
        "url": f"{settings.SITE_URL}{action.get_absolute_url()}",
        "outcomes": [str(outcome) for outcome in action.outcomes.all()],
        "commitment": action.commitment.title if action.commitment else "",
        "lead_member": _lead_member_name(action),
        "lead_organisation": action.lead_organisation,
        "partners": action.partners,
        "status": action.status.name,
        "rag": str(action.status.get_rag_display()),
        "progress_percent": action.progress,
        "start_date": _day(action.start_date),
        "due_date": _day(action.due_date),
        "part_of": action.parent.reference if action.parent_id and action.parent else "",
        "wards": [ward.name for ward in action.wards.all()],
        "groups": [group.name for group in action.groups.all()],
        "published_on": _day(action.published_at),
        "edited_on": _day(action.edited_after_publication_at),
        "last_update_on": _day(getattr(action, "last_published_update_at", None)),
    }


ACTION_COLUMNS = [
    "reference",
    "title",
    "summary",
    "url",
    "outcomes",
    "commitment",
    "lead_member",
    "lead_organisation",
    "partners",
    "status",
    "rag",
    "progress_percent",
    "start_date",
    "due_date",
    "part_of",
    "wards",
    "groups",
    "published_on",
    "edited_on",
    "last_update_on",
]


def _action_rows(actions: QuerySet[Action]) -> Iterator[Sequence[object]]:
    for action in actions.iterator(chunk_size=CHUNK):
        record = _action_record(action)
        yield [
            _joined(value) if isinstance(value, list) else value
            for value in (record[column] for column in ACTION_COLUMNS)
        ]


def actions_csv_response(*, actions: QuerySet[Action]) -> HttpResponseBase:
    """The actions (already filtered to what the tracker shows) as a streamed CSV file."""
    rows = _action_rows(download_action_list(actions=actions))
    response = StreamingHttpResponse(
        csv_lines(ACTION_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    return _with_licence_headers(
        response, f"luton-taskforce-actions-{timezone.localdate():%Y-%m-%d}.csv"
    )


def actions_json_response(*, actions: QuerySet[Action]) -> HttpResponseBase:
    records = [_action_record(action) for action in download_action_list(actions=actions)]
    body = {**_metadata(_("Fairness Taskforce actions")), "actions": records}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _with_licence_headers(
        response, f"luton-taskforce-actions-{timezone.localdate():%Y-%m-%d}.json"
    )


def public_indicator_values(*, outcome_slug: str = "") -> QuerySet[IndicatorValue]:
    """Every figure of every public indicator (optionally of one outcome), in a stable order."""
    values = IndicatorValue.objects.filter(indicator__is_public=True)
    if outcome_slug:
        values = values.filter(indicator__outcome__slug=outcome_slug)
    return values.select_related("indicator__outcome", "ward", "group").order_by(
        "indicator__outcome__number",
        "indicator__position",
        "indicator__name",
        "period_start",
        "group_id",
        "ward__name",
    )


VALUE_COLUMNS = [
    "indicator",
    "indicator_name",
    "outcome",
    "unit",
    "direction",
    "period",
    "period_start",
    "period_end",
    "breakdown",
    "breakdown_name",
    "value",
    "suppressed",
    "sample_size",
    "source",
]


def _value_record(row: IndicatorValue) -> dict[str, Any]:
    suppressed = is_suppressed(row.sample_size)
    if row.ward_id:
        breakdown, name = "ward", row.ward.name if row.ward else ""
    elif row.group_id:
        breakdown, name = "group", row.group.name if row.group else ""
    else:
        breakdown, name = "town", "Luton"
    value: Decimal | None = None if suppressed else row.value
    return {
        "indicator": row.indicator.slug,
        "indicator_name": row.indicator.name,
        "outcome": str(row.indicator.outcome),
        "unit": row.indicator.unit,
        "direction": row.indicator.direction,
        "period": row.period_label,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "breakdown": breakdown,
        "breakdown_name": name,
        # A suppressed figure is blank, and so is its sample size: both are small numbers.
        "value": str(value) if value is not None else None,
        "suppressed": suppressed,
        "sample_size": None if suppressed else row.sample_size,
        "source": row.indicator.source,
    }


def _value_rows(values: QuerySet[IndicatorValue]) -> Iterator[Sequence[object]]:
    for row in values.iterator(chunk_size=CHUNK):
        record = _value_record(row)
        record["suppressed"] = "yes" if record["suppressed"] else "no"
        yield [record[column] for column in VALUE_COLUMNS]


def indicator_values_csv_response(*, outcome_slug: str = "") -> HttpResponseBase:
    rows = _value_rows(public_indicator_values(outcome_slug=outcome_slug))
    response = StreamingHttpResponse(
        csv_lines(VALUE_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    return _with_licence_headers(
        response, f"luton-taskforce-indicator-values-{timezone.localdate():%Y-%m-%d}.csv"
    )


def indicator_values_json_response(*, outcome_slug: str = "") -> HttpResponseBase:
    records = [_value_record(row) for row in public_indicator_values(outcome_slug=outcome_slug)]
    body = {
        **_metadata(_("Fairness Taskforce indicator figures")),
        "suppression": _(
            "Figures resting on fewer than %(n)s people are withheld so nobody can be "
            "identified: their value and sample size are blank and suppressed is true."
        )
        % {"n": settings.TASKFORCE_SUPPRESS_BELOW},
        "values": records,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _with_licence_headers(
        response, f"luton-taskforce-indicator-values-{timezone.localdate():%Y-%m-%d}.json"
    )
