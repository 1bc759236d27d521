"""Council staff review provider edits: the queue, the difference, approve or reject.

Everything here is under /staff/, so the middleware has already asked staff for two-factor
authentication; this module decides who is staff at all.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms_editor import ApproveForm, RejectForm
from ..models import ListingEdit
from ..selectors.review import (
    ListingEditFilter,
    changed_keys_since,
    listing_diff,
    listing_edit_for_review,
    listing_edit_queue,
)
from ..services.review import (
    StaleProposal,
    listing_edit_approve,
    listing_edit_reject,
    live_snapshot,
    proposal_version,
)

EDITS_PER_PAGE = 50


def _check_reviewer(request: HttpRequest) -> None:
    if not request.user.has_perm("hubs.review_listing_edit"):
        raise PermissionDenied


def _get_edit_for_review(request: HttpRequest, pk: int) -> ListingEdit:
    """The access helper for proposals under review: council staff only."""
    _check_reviewer(request)
    edit = listing_edit_for_review(pk=pk)
    if edit is None:
        raise Http404
    return edit


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _check_reviewer(request)
    # The queue opens on what needs an answer; "Any status" is an explicit choice.
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = ListingEdit.Status.PENDING
    filterset = ListingEditFilter(data, queryset=ListingEdit.objects.all())
    paginator = Paginator(listing_edit_queue(filters=filterset), EDITS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "hubs/staff/review_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


def _detail(
    request: HttpRequest,
    edit: ListingEdit,
    *,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    live = live_snapshot(edit) if edit.status == ListingEdit.Status.PENDING else None
    return render(
        request,
        "hubs/staff/review_detail.html",
        {
            "edit": edit,
            "is_new": edit.published is None,
            "rows": listing_diff(kind=edit.kind, published=edit.published, proposed=edit.proposed),
            "changed_since": changed_keys_since(
                kind=edit.kind, published=edit.published, live=live
            ),
            "approve_form": ApproveForm(initial={"version": proposal_version(edit.proposed)}),
            "reject_form": reject_form or RejectForm(),
            "form": reject_form,  # the page title says "Error:" when the reason is missing
        },
        status=status,
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_edit_for_review(request, pk))


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    edit = _get_edit_for_review(request, pk)
    form = ApproveForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else ""
    try:
        listing_edit_approve(edit=edit, by=request.user, version=version)  # type: ignore[arg-type]
    except StaleProposal as problem:
        messages.warning(request, str(problem))
        return HttpResponseRedirect(reverse("hubs-staff:review-detail", kwargs={"pk": edit.pk}))
    messages.success(request, _("Approved. The listing now shows the change."))
    return HttpResponseRedirect(reverse("hubs-staff:review-list"))


@login_required
@require_POST
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    edit = _get_edit_for_review(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _detail(request, edit, reject_form=form)
    try:
        listing_edit_reject(edit=edit, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    except StaleProposal as problem:
        messages.warning(request, str(problem))
        return HttpResponseRedirect(reverse("hubs-staff:review-detail", kwargs={"pk": edit.pk}))
    messages.success(request, _("Not approved. The editor has been told why."))
    return HttpResponseRedirect(reverse("hubs-staff:review-list"))
