"""Progress reports: the public archive, report pages and CSV (namespace "taskforce"), and council
staff's composing, preview, publishing and corrections (namespace "taskforce-staff")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luton2040.csv_export import csv_lines

from .. import kinds
from ..charts import line_chart
from ..forms_reports import CorrectionForm, ReportForm, SectionForm
from ..models import ProgressReport, ReportSection
from ..selectors import reports as selectors
from ..services import reports as services

LICENCE_LINE = (
    "Contains public sector information licensed under the Open Government Licence v3.0: "
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)


# --- Public ---------------------------------------------------------------------------------


def _get_published_report(slug: str, version: int) -> ProgressReport:
    """The access helper for public report pages: published versions only; a draft is 404."""
    report = selectors.report_published(slug=slug, version=version)
    if report is None:
        raise Http404
    return report


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "taskforce/reports/report_list.html",
        {"reports": list(selectors.report_archive()), "topic": kinds.REPORTS_TOPIC},
    )


def _chart(section: ReportSection, data: dict[str, Any] | None) -> str:
    """An indicator chart drawn from the block's data (a published report's snapshot), as
    accessible SVG; the template puts the same figures in a table beside it."""
    if section.kind != ReportSection.Kind.INDICATOR_CHART or not data:
        return ""
    indicator = data["indicator"]
    points = [
        (figure["period_label"], None if figure["value"] is None else float(figure["value"]))
        for figure in data["series"]
    ]
    return str(
        line_chart(
            title=indicator["name"],
            points=points,
            unit=indicator["unit"],
            target=None if indicator["target"] is None else float(indicator["target"]),
            baseline=None if indicator["baseline"] is None else float(indicator["baseline"]),
        )
    )


def _report_page(request: HttpRequest, report: ProgressReport, *, preview: bool) -> HttpResponse:
    superseded_by = getattr(report, "superseded_by", None)
    if superseded_by is not None and superseded_by.status != ProgressReport.Status.PUBLISHED:
        superseded_by = None  # a correction still in draft supersedes nothing yet
    return render(
        request,
        "taskforce/reports/report_detail.html",
        {
            "report": report,
            "blocks": [
                {"section": section, "data": data, "chart": _chart(section, data)}
                for section, data in selectors.report_blocks(report=report)
            ],
            "superseded_by": superseded_by,
            "preview": preview,
            "topic": kinds.REPORTS_TOPIC,
        },
    )


@require_GET
def report_detail(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    return _report_page(request, _get_published_report(slug, version), preview=False)


@require_GET
def report_csv(request: HttpRequest, slug: str, version: int) -> StreamingHttpResponse:
    report = _get_published_report(slug, version)
    rows = list(selectors.report_csv_rows(report=report))
    # The licence as a last row, so it travels with the data wherever the file goes.
    rows.append([LICENCE_LINE])
    response = StreamingHttpResponse(
        csv_lines(selectors.CSV_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-v{report.version}.csv"'
    return response


# --- Council staff ----------------------------------------------------------------------------


def _check_report_staff(request: HttpRequest) -> None:
    """The access helper for report composing: council staff (MFA is the middleware's)."""
    if not request.user.has_perm("taskforce.change_progressreport"):
        raise PermissionDenied


def _get_report_for_staff(request: HttpRequest, pk: int, *, draft: bool = False) -> ProgressReport:
    """A report for staff; with draft=True, only a draft (a published report is never offered
    for changing, so a request to change one is refused)."""
    _check_report_staff(request)
    report = get_object_or_404(
        ProgressReport.objects.select_related("supersedes", "superseded_by"), pk=pk
    )
    if draft and report.status != ProgressReport.Status.DRAFT:
        raise PermissionDenied
    return report


def _get_section_for_staff(request: HttpRequest, pk: int, section_pk: int) -> ReportSection:
    report = _get_report_for_staff(request, pk, draft=True)
    section = get_object_or_404(ReportSection, pk=section_pk, report=report)
    section.report = report
    return section


def _compose_url(report: ProgressReport) -> str:
    return reverse("taskforce-staff:report-compose", kwargs={"pk": report.pk})


@login_required
@require_GET
def staff_report_list(request: HttpRequest) -> HttpResponse:
    _check_report_staff(request)
    return render(
        request,
        "taskforce/reports/staff_report_list.html",
        {"reports": list(selectors.report_staff_list())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_report_create(request: HttpRequest) -> HttpResponse:
    _check_report_staff(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.report_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Draft report created. Now add its sections."))
        return HttpResponseRedirect(_compose_url(report))
    return render(
        request,
        "taskforce/reports/staff_report_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_staff(request, pk, draft=True)
    initial = {
        "title": report.title,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "summary": report.summary,
    }
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.report_update(report=report, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Report details saved"))
        return HttpResponseRedirect(_compose_url(report))
    return render(
        request,
        "taskforce/reports/staff_report_form.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def staff_report_compose(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_staff(request, pk)
    return render(
        request,
        "taskforce/reports/staff_report_compose.html",
        {"report": report, "sections": selectors.report_sections(report=report)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_section_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_staff(request, pk, draft=True)
    initial_kind = request.GET.get("kind", "")
    form = SectionForm(
        request.POST or None,
        initial={"kind": initial_kind if initial_kind in ReportSection.Kind.values else ""},
    )
    if request.method == "POST" and form.is_valid():
        services.report_section_add(report=report, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Section added"))
        return HttpResponseRedirect(_compose_url(report))
    return render(
        request,
        "taskforce/reports/staff_section_form.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = _get_section_for_staff(request, pk, section_pk)
    form = SectionForm(
        request.POST or None,
        kind=section.kind,
        initial={
            "heading": section.heading,
            "body": section.body,
            "outcome": section.outcome_id,
            "indicator": section.indicator_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.report_section_update(section=section, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Section saved"))
        return HttpResponseRedirect(_compose_url(section.report))
    return render(
        request,
        "taskforce/reports/staff_section_form.html",
        {"form": form, "report": section.report, "section": section},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def staff_section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = _get_section_for_staff(request, pk, section_pk)
    services.report_section_move(
        section=section,
        by=request.user,  # type: ignore[arg-type]
        up=request.POST.get("direction") != "down",
    )
    return HttpResponseRedirect(f"{_compose_url(section.report)}#section-{section.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def staff_section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = _get_section_for_staff(request, pk, section_pk)
    if request.method == "POST":
        services.report_section_delete(section=section, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Section deleted"))
        return HttpResponseRedirect(_compose_url(section.report))
    return render(
        request,
        "taskforce/reports/staff_section_delete.html",
        {"report": section.report, "section": section},
    )


@login_required
@require_GET
def staff_report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_staff(request, pk)
    if report.status == ProgressReport.Status.PUBLISHED:
        return HttpResponseRedirect(report.get_absolute_url())
    return _report_page(request, report, preview=True)


@login_required
@require_http_methods(["GET", "POST"])
def staff_report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_staff(request, pk)
    if report.status == ProgressReport.Status.PUBLISHED:
        # Publishing twice changes nothing: show what was published.
        return HttpResponseRedirect(report.get_absolute_url())
    if request.method == "POST":
        report = services.report_publish(report=report, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Report published"))
        return HttpResponseRedirect(report.get_absolute_url())
    return render(
        request,
        "taskforce/reports/staff_report_publish.html",
        {"report": report, "sections": selectors.report_sections(report=report)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_staff(request, pk)
    if report.status != ProgressReport.Status.PUBLISHED:
        raise PermissionDenied  # a draft is changed directly, not corrected
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        correction = services.report_correct(
            report=report,
            by=request.user,  # type: ignore[arg-type]
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("Version %(version)s started as a draft. Check it, then publish it.")
            % {"version": correction.version},
        )
        return HttpResponseRedirect(_compose_url(correction))
    return render(
        request,
        "taskforce/reports/staff_report_correct.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )
