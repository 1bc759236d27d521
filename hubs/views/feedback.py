"""Resident feedback on listings (no account needed) and council staff's triage of reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luton2040.ratelimit import client_address, over_limit

from ..forms_feedback import ListingReportFilter, ListingReportForm, ListingReportUpdateForm
from ..models import ListingReport, Location, Service
from ..selectors import feedback as selectors
from ..services import feedback as services

# Reports are anonymous and free to send, so they are limited per client address: a few in an
# hour is plenty for a person. The cache holds a hash of the address for that hour, never the
# address itself, and nothing about the address reaches the database.
REPORT_LIMIT = (5, 60 * 60)  # reports, seconds
REPORTS_PER_PAGE = 50


def _over_report_limit(request: HttpRequest) -> bool:
    amount, seconds = REPORT_LIMIT
    return over_limit("hubs:report", client_address(request), amount=amount, seconds=seconds)


def _listing_url(listing: Service | Location) -> str:
    # The listing pages belong to the public directory area; until they exist, the index.
    try:
        return listing.get_absolute_url()
    except NoReverseMatch:
        return reverse("hubs:index")


def _get_listed_service(slug: str) -> Service:
    """The access helper for services residents give feedback on: listed ones only, else 404."""
    service = selectors.service_listed_by_slug(slug=slug)
    if service is None:
        raise Http404("no such listed service")
    return service


def _get_hub(slug: str) -> Location:
    hub = selectors.hub_by_slug(slug=slug)
    if hub is None:
        raise Http404("no such hub")
    return hub


# --- Residents -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Report a problem with this listing" for a service."""
    return _report_form(request, _get_listed_service(slug))


@require_http_methods(["GET", "POST"])
def hub_report_create(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Report a problem with this listing" for a community hub."""
    return _report_form(request, _get_hub(slug))


def _report_form(request: HttpRequest, listing: Service | Location) -> HttpResponse:
    form = ListingReportForm(request.POST or None)
    context = {"form": form, "listing": listing, "listing_url": _listing_url(listing)}
    if request.method == "GET":
        return render(request, "hubs/feedback/report_form.html", context)
    if not form.is_valid():
        return render(request, "hubs/feedback/report_form.html", context, status=400)
    if form.is_bot:
        # Answer as we would a person, so the bot learns nothing; record nothing.
        return render(request, "hubs/feedback/report_sent.html", {"listing": listing})
    if _over_report_limit(request):
        return render(request, "hubs/feedback/report_too_many.html", context, status=429)
    is_service = isinstance(listing, Service)
    report = services.listing_report_create(
        service=listing if is_service else None,  # type: ignore[arg-type]
        location=None if is_service else listing,  # type: ignore[arg-type]
        problem=form.cleaned_data["problem"],
        details=form.cleaned_data["details"],
        email=form.cleaned_data["email"],
    )
    return HttpResponseRedirect(reverse("hubs:report-sent", args=[report.reference]))


def report_sent(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation, with the link that is the reporter's only way back to their report."""
    report = selectors.report_by_reference(reference=reference)
    if report is None:
        raise Http404("no such report")
    return render(
        request,
        "hubs/feedback/report_sent.html",
        {
            "report": report,
            "listing": report.service or report.location,
            "status_url": request.build_absolute_uri(report.get_absolute_url()),
        },
    )


def report_status(request: HttpRequest, reference: str) -> HttpResponse:
    """What happened to a report. Reached only by its unguessable link; shows no personal data."""
    report = selectors.report_by_reference(reference=reference)
    if report is None:
        raise Http404("no such report")
    listing = report.service or report.location
    return render(
        request,
        "hubs/feedback/report_status.html",
        {"report": report, "listing": listing, "listing_url": _listing_url(listing)},  # type: ignore[arg-type]
    )


@require_POST
def usefulness(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Was this useful? Yes / No": one anonymous answer, then back to the listing."""
    service = _get_listed_service(slug)
    answer = request.POST.get("useful")
    if answer not in ("yes", "no"):
        messages.error(request, _("Select yes or no"))
        return HttpResponseRedirect(_listing_url(service))
    services.listing_usefulness_record(service=service, useful=answer == "yes")
    messages.success(request, _("Thank you for your feedback"))
    return HttpResponseRedirect(_listing_url(service))


# --- Council staff ---------------------------------------------------------------------------


def _check_triage_access(request: HttpRequest, perm: str = "hubs.view_listingreport") -> None:
    """The access helper for report triage: council staff (MFA is the middleware's)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _get_report_for_staff(request: HttpRequest, pk: int, *, perm: str) -> ListingReport:
    _check_triage_access(request, perm)
    return get_object_or_404(ListingReport.objects.select_related("service", "location"), pk=pk)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _check_triage_access(request)
    filterset = ListingReportFilter(request.GET, queryset=ListingReport.objects.none())
    filterset.is_valid()
    cleaned = getattr(filterset.form, "cleaned_data", {})
    reports = selectors.report_list(
        status=cleaned.get("status") or "", problem=cleaned.get("problem") or ""
    )
    paginator = Paginator(reports, REPORTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts = selectors.report_status_counts()
    median = selectors.report_median_time_to_fix(days=90)
    return render(
        request,
        "hubs/staff/triage_report_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "status_counts": [
                (status, label, counts.get(status, 0))
                for status, label in ListingReport.Status.choices
            ],
            "median_days": None if median is None else round(median.total_seconds() / 86400, 1),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "hubs.change_listingreport" if request.method == "POST" else "hubs.view_listingreport"
    report = _get_report_for_staff(request, pk, perm=perm)
    form = ListingReportUpdateForm(request.POST or None, instance=report)
    if request.method == "POST":
        if form.is_valid():
            services.listing_report_update(
                report=report,
                status=form.cleaned_data["status"],
                resolution=form.cleaned_data["resolution"],
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, _("Report updated"))
            return HttpResponseRedirect(reverse("hubs-staff:report-detail", args=[report.pk]))
        report.refresh_from_db()  # the form changed the instance; show what is stored
    listing = report.service or report.location
    return render(
        request,
        "hubs/staff/triage_report_detail.html",
        {
            "report": report,
            "listing": listing,
            "listing_url": _listing_url(listing),  # type: ignore[arg-type]
            "form": form,
        },
        status=400 if form.errors else 200,
    )
