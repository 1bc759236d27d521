"""Council staff read the audit log: a filtered, paginated list and the same list as CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .exports import audit_event_csv_lines
from .filters import AuditEventFilter
from .selectors import audit_event_list

EVENTS_PER_PAGE = 50


def _check_audit_log_access(request: HttpRequest) -> None:
    """The access helper for the audit log: council staff only (MFA is the middleware's)."""
    if not request.user.has_perm("accounts.view_audit_log"):
        raise PermissionDenied


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _check_audit_log_access(request)
    filterset = AuditEventFilter(request.GET)
    events = audit_event_list(filters=filterset)
    paginator = Paginator(events, EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "audit/auditevent_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "selected_filters": filterset.selected(),
            "page_obj": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


@login_required
def event_list_csv(request: HttpRequest) -> HttpResponseBase:
    _check_audit_log_access(request)
    filterset = AuditEventFilter(request.GET)
    if not filterset.is_valid():
        # The list page shows what is wrong with the filters; a file cannot.
        return HttpResponseRedirect(f"{reverse('audit:event-list')}?{request.GET.urlencode()}")
    lines = audit_event_csv_lines(audit_event_list(filters=filterset))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"luton2040-audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
