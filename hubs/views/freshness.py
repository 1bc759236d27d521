"""The provider's one-click "Still correct?" page, and staff's list of unconfirmed listings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..selectors.feedback import service_list_unconfirmed
from ..services import freshness

SERVICES_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def service_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks "Is this listing still correct?"; only the POST button verifies it (mail
    scanners follow links, so a GET must change nothing). Bad links get a clear page, 400."""
    try:
        service, link = freshness.verification_link_read(token=token)
    except freshness.BadVerificationLink as bad:
        return render(
            request, "hubs/feedback/confirm_link_problem.html", {"reason": bad.reason}, status=400
        )
    if request.method == "POST":
        if not freshness.service_verify_by_link(service=service, link=link):
            # Verified by someone else between the GET and this POST.
            return render(
                request,
                "hubs/feedback/confirm_link_problem.html",
                {"reason": "used"},
                status=400,
            )
        return render(request, "hubs/feedback/service_confirmed.html", {"service": service})
    return render(request, "hubs/feedback/service_confirm.html", {"service": service})


@login_required
def unconfirmed_list(request: HttpRequest) -> HttpResponse:
    """Council staff: listings whose providers did not confirm them when asked."""
    if not request.user.has_perm("hubs.view_service"):
        raise PermissionDenied
    paginator = Paginator(service_list_unconfirmed(), SERVICES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "hubs/staff/unconfirmed_service_list.html",
        {
            "page_obj": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )
