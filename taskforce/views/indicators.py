"""Indicator pages: the public page for one indicator (charts beside tables) and the members'
page for recording figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luton2040.accounts.rules import is_taskforce_lead, is_taskforce_member, staff_with_mfa

from .. import charts
from ..forms_indicators import IndicatorValueForm
from ..models import Indicator, IndicatorValue
from ..selectors import indicators as selectors
from ..services import indicators as services

# Who may see internal indicators and record figures: the taskforce and council staff.
_may_record = is_taskforce_member | is_taskforce_lead | staff_with_mfa


def sees_unpublished(user: Any) -> bool:
    """True for people who see internal indicators and suppressed figures."""
    return bool(_may_record(user))


def _get_indicator(request: HttpRequest, slug: str) -> Indicator:
    """The access helper for reading an indicator: internal ones are 404 to the public."""
    indicator = selectors.indicator_get(slug, public=not sees_unpublished(request.user))
    if indicator is None:
        raise Http404("no such indicator")
    return indicator


def _get_indicator_to_record(request: HttpRequest, slug: str) -> Indicator | HttpResponse:
    """The access helper for recording figures: sign in first, then taskforce or staff only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not sees_unpublished(request.user):
        raise PermissionDenied
    indicator = selectors.indicator_get(slug, public=False)
    if indicator is None:
        raise Http404("no such indicator")
    return indicator


# --- Rows for the tables beside the charts ---------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a data table: a header cell and the other cells, as text."""

    header: str
    cells: list[str]


def _figure_text(figure: selectors.Figure | None, unit: str, *, public: bool) -> str:
    if figure is None or (figure.value is None and not figure.suppressed):
        return _("No figure")
    if figure.suppressed and public:
        return suppressed_text()
    text = charts.format_value(figure.value, unit)
    if figure.suppressed:
        # Members see the figure, and that the public will not.
        return _("%(value)s (hidden from the public: too few people)") % {"value": text}
    return text


def suppressed_text() -> str:
    return _("Fewer than %(threshold)s people: not shown") % {
        "threshold": selectors.suppress_below()
    }


def _points(value: Decimal | None) -> str:
    number = charts.format_value(value, "")
    return number


def gap_text(figure: selectors.Figure, town: selectors.Figure | None, unit: str) -> str:
    """ "4 points below Luton": a ward's figure against the town's, in words."""
    if figure.value is None or town is None or town.value is None:
        return ""
    gap = figure.value - town.value
    if gap == 0:
        return _("Same as Luton")
    size = abs(gap)
    amount = (
        _("%(number)s points") % {"number": _points(size)}
        if unit == "%"
        else charts.format_value(size, unit)
    )
    if gap > 0:
        return _("%(amount)s above Luton") % {"amount": amount}
    return _("%(amount)s below Luton") % {"amount": amount}


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_charts(indicator: Indicator, *, public: bool) -> dict[str, Any]:
    """The line chart, ward and group bar charts and their tables for one indicator. Works from
    the prefetched values, so it adds one query (the wards) and one (the groups) at most."""
    unit = indicator.unit
    series = selectors.indicator_series(indicator, public=public)
    line = charts.line_chart(
        title=indicator.name,
        points=[(f.period_label, _as_float(f.value)) for f in series],
        unit=unit,
        target=_as_float(indicator.target_value),
        baseline=_as_float(indicator.baseline_value),
    )
    series_rows = [
        Row(f.period_label, [_figure_text(f, unit, public=public)]) for f in reversed(series)
    ]

    town, wards = selectors.ward_breakdown(indicator, public=public)
    ward_chart = None
    ward_rows: list[Row] = []
    if wards:
        period = wards[0][1].period_label
        ward_chart = charts.bar_chart(
            title=_("%(name)s by ward, %(period)s") % {"name": indicator.name, "period": period},
            bars=[(ward.name, _as_float(f.value)) for ward, f in wards],
            unit=unit,
            reference=_as_float(town.value) if town else None,
            reference_label=_("Luton"),
        )
        ward_rows = [
            Row(ward.name, [_figure_text(f, unit, public=public), gap_text(f, town, unit)])
            for ward, f in wards
        ]

    group_town, groups = selectors.group_breakdown(indicator, public=public)
    group_chart = None
    group_rows: list[Row] = []
    if groups:
        period = groups[0][1].period_label
        group_chart = charts.bar_chart(
            title=_("%(name)s by group of residents, %(period)s")
            % {"name": indicator.name, "period": period},
            bars=[(group.name, _as_float(f.value)) for group, f in groups],
            unit=unit,
            reference=_as_float(group_town.value) if group_town else None,
            reference_label=_("Luton"),
        )
        group_rows = [
            Row(group.name, [_figure_text(f, unit, public=public), gap_text(f, group_town, unit)])
            for group, f in groups
        ]
    return {
        "series": series,
        "series_caption": _("%(name)s for the whole of Luton, newest first")
        % {"name": indicator.name},
        "series_columns": [_("Period"), _("Luton")],
        "ward_caption": _("%(name)s by ward, %(period)s")
        % {"name": indicator.name, "period": wards[0][1].period_label if wards else ""},
        "ward_columns": [_("Ward"), _("Figure"), _("Compared with Luton")],
        "group_caption": _("%(name)s by group of residents, %(period)s")
        % {"name": indicator.name, "period": groups[0][1].period_label if groups else ""},
        "group_columns": [_("Group"), _("Figure"), _("Compared with Luton")],
        "line_chart": line,
        "series_rows": series_rows,
        "town": town,
        "town_text": _figure_text(town, unit, public=public) if town else "",
        "ward_chart": ward_chart,
        "ward_rows": ward_rows,
        "ward_period": wards[0][1].period_label if wards else "",
        "group_chart": group_chart,
        "group_rows": group_rows,
        "group_period": groups[0][1].period_label if groups else "",
    }


# --- Public ---------------------------------------------------------------------------------


def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What an indicator measures and its figures over time, by ward and by group."""
    indicator = _get_indicator(request, slug)
    public = not sees_unpublished(request.user)
    context = {
        "indicator": indicator,
        "public": public,
        "may_record": not public,
        "baseline_text": charts.format_value(indicator.baseline_value, indicator.unit),
        "target_text": charts.format_value(indicator.target_value, indicator.unit),
        "suppress_below": selectors.suppress_below(),
        **indicator_charts(indicator, public=public),
    }
    return render(request, "taskforce/indicators/indicator_detail.html", context)


# --- Members --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def indicator_values(request: HttpRequest, slug: str) -> HttpResponse:
    """Every figure of an indicator, and the form to add or correct one."""
    found = _get_indicator_to_record(request, slug)
    if isinstance(found, HttpResponse):
        return found
    indicator = found
    threshold = selectors.suppress_below()
    form = IndicatorValueForm(request.POST or None, threshold=threshold)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = services.indicator_value_record(
            indicator=indicator,
            period_label=data["period_label"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            value=data["value"],
            sample_size=data["sample_size"],
            ward=data["ward"],
            group=data["group"],
            notes=data["notes"],
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            _("Figure saved: %(value)s for %(period)s")
            % {
                "value": charts.format_value(row.value, indicator.unit),
                "period": row.period_label,
            },
        )
        return HttpResponseRedirect(reverse("taskforce:indicator-values", args=[indicator.slug]))
    rows = list(selectors.indicator_values_for_recording(indicator))
    return render(
        request,
        "taskforce/indicators/indicator_values.html",
        {
            "indicator": indicator,
            "form": form,
            "rows": rows,
            "threshold": threshold,
            "suppressed_ids": {r.pk for r in rows if selectors.is_suppressed(r.sample_size)},
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def indicator_value_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a figure entered in error."""
    found = _get_indicator_to_record(request, slug)
    if isinstance(found, HttpResponse):
        return found
    indicator = found
    row = IndicatorValue.objects.filter(indicator=indicator, pk=pk).first()
    if row is None:
        raise Http404("no such figure")
    services.indicator_value_delete(value=row, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Figure removed for %(period)s") % {"period": row.period_label})
    return HttpResponseRedirect(reverse("taskforce:indicator-values", args=[indicator.slug]))
