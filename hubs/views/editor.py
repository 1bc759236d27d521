"""Organisation editors keep their listings right: every change goes to council staff first.

Access: an editor may only touch listings of organisations they are bound to. Anyone else who is
signed in gets 403 for every listing, existing or not in their reach (the listings themselves are
public, so a 404 would hide nothing); people not signed in are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms_editor import HubEditor, ListingEditor, ServiceEditor
from ..models import ListingEdit, Location, Organisation, Service
from ..selectors.review import (
    listing_edit_for_editor,
    listing_edit_pending,
    organisation_listings_for_editor,
)
from ..services.review import (
    Snapshot,
    listing_edit_propose,
    listing_edit_withdraw,
    location_snapshot,
    service_snapshot,
)


def _check_editor(request: HttpRequest) -> None:
    if not request.user.has_perm("hubs.use_editor_pages"):
        raise PermissionDenied


def _get_service_for_editor(request: HttpRequest, slug: str) -> Service:
    """The access helper for services: only an editor of its organisation may propose changes."""
    _check_editor(request)
    service = get_object_or_404(Service.objects.select_related("organisation"), slug=slug)
    if not request.user.has_perm("hubs.propose_service_edit", service):
        raise PermissionDenied
    return service


def _get_location_for_editor(request: HttpRequest, slug: str) -> Location:
    """The access helper for hubs (locations)."""
    _check_editor(request)
    location = get_object_or_404(Location.objects.select_related("organisation"), slug=slug)
    if not request.user.has_perm("hubs.propose_location_edit", location):
        raise PermissionDenied
    return location


def _get_organisation_for_editor(request: HttpRequest, slug: str) -> Organisation:
    """The access helper for proposing a new listing for an organisation."""
    _check_editor(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("hubs.propose_listing", organisation):
        raise PermissionDenied
    return organisation


def _with_added_row(data: QueryDict, prefix: str) -> QueryDict:
    """The submitted form with one more blank row in `prefix`'s formset ("Add another")."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    count = data.get(key, "0")
    if count.isdigit():
        data[key] = str(int(count) + 1)
    return data


def _handle(
    request: HttpRequest,
    *,
    editor_class: type[ListingEditor],
    editor_kwargs: dict[str, Any],
    published: Snapshot | None,
    template: str,
    context: dict[str, Any],
    propose: Any,
) -> HttpResponse:
    pending = context.get("pending")
    if request.method == "POST":
        add_row = request.POST.get("add_row", "")
        data: QueryDict = request.POST
        if add_row in editor_class.formset_classes:
            data = _with_added_row(request.POST, add_row)
        editor = editor_class(data, initial=published, **editor_kwargs)
        if not add_row and editor.is_valid():
            edit = propose(editor.snapshot())  # type: ignore[attr-defined]
            return HttpResponseRedirect(reverse("hubs:edit-sent", kwargs={"pk": edit.pk}))
        context["show_errors"] = not add_row
    else:
        # An edit waiting for review is what the editor last said: carry on from there.
        start = pending.proposed if pending is not None else published
        editor = editor_class(initial=start, **editor_kwargs)
    context["editor"] = editor
    return render(request, template, context)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _check_editor(request)
    return render(
        request,
        "hubs/editor/manage.html",
        {"organisations": organisation_listings_for_editor(user=request.user)},  # type: ignore[arg-type]
    )


@login_required
def service_edit(request: HttpRequest, slug: str) -> HttpResponse:
    service = _get_service_for_editor(request, slug)
    pending = listing_edit_pending(service=service)
    return _handle(
        request,
        editor_class=ServiceEditor,
        editor_kwargs={"organisation": service.organisation},
        published=service_snapshot(service),
        template="hubs/editor/service_form.html",
        context={"service": service, "organisation": service.organisation, "pending": pending},
        propose=lambda snapshot: listing_edit_propose(
            organisation=service.organisation,
            kind=ListingEdit.Kind.SERVICE,
            proposed=snapshot,
            by=request.user,  # type: ignore[arg-type]
            service=service,
        ),
    )


@login_required
def service_propose(request: HttpRequest, organisation: str) -> HttpResponse:
    org = _get_organisation_for_editor(request, organisation)
    return _handle(
        request,
        editor_class=ServiceEditor,
        editor_kwargs={"organisation": org},
        published=None,
        template="hubs/editor/service_form.html",
        context={"service": None, "organisation": org, "pending": None},
        propose=lambda snapshot: listing_edit_propose(
            organisation=org,
            kind=ListingEdit.Kind.SERVICE,
            proposed=snapshot,
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@login_required
def hub_edit(request: HttpRequest, slug: str) -> HttpResponse:
    location = _get_location_for_editor(request, slug)
    # The access helper only lets through editors of the location's organisation.
    organisation = location.organisation
    if organisation is None:
        raise PermissionDenied
    return _handle(
        request,
        editor_class=HubEditor,
        editor_kwargs={},
        published=location_snapshot(location),
        template="hubs/editor/hub_form.html",
        context={
            "hub": location,
            "organisation": organisation,
            "pending": listing_edit_pending(location=location),
        },
        propose=lambda snapshot: listing_edit_propose(
            organisation=organisation,
            kind=ListingEdit.Kind.HUB,
            proposed=snapshot,
            by=request.user,  # type: ignore[arg-type]
            location=location,
        ),
    )


@login_required
def hub_propose(request: HttpRequest, organisation: str) -> HttpResponse:
    org = _get_organisation_for_editor(request, organisation)
    return _handle(
        request,
        editor_class=HubEditor,
        editor_kwargs={},
        published=None,
        template="hubs/editor/hub_form.html",
        context={"hub": None, "organisation": org, "pending": None},
        propose=lambda snapshot: listing_edit_propose(
            organisation=org,
            kind=ListingEdit.Kind.HUB,
            proposed=snapshot,
            by=request.user,  # type: ignore[arg-type]
        ),
    )


def _get_edit_for_editor(request: HttpRequest, pk: int) -> ListingEdit:
    """The access helper for proposals: an editor of the proposal's organisation."""
    _check_editor(request)
    edit = listing_edit_for_editor(user=request.user, pk=pk)  # type: ignore[arg-type]
    # The same answer for someone else's proposal and for none: no hint which numbers exist.
    if edit is None or not request.user.has_perm("hubs.withdraw_listing_edit", edit):
        raise PermissionDenied
    return edit


@login_required
def edit_sent(request: HttpRequest, pk: int) -> HttpResponse:
    edit = _get_edit_for_editor(request, pk)
    return render(request, "hubs/editor/sent.html", {"edit": edit})


@login_required
@require_POST
def edit_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    edit = _get_edit_for_editor(request, pk)
    if edit.status == ListingEdit.Status.PENDING:
        listing_edit_withdraw(edit=edit, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You withdrew your proposed change. The listing is as it was."))
    return HttpResponseRedirect(reverse("hubs:manage"))
