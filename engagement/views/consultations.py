"""Consultations: the residents' list, each consultation's page and its documents (namespace
"engagement"), and council staff's list, overview, writing, publishing and documents
(namespace "engagement-staff", behind the /staff/ MFA gate)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luton2040.accounts.rules import is_organisation_editor, staff_with_mfa

from ..filters import ConsultationFilter, StaffConsultationFilter
from ..forms.consultations import ConsultationForm, DocumentForm
from ..models import Consultation, ConsultationDocument, Topic
from ..rules import results_are_public
from ..selectors import consultations as selectors
from ..selectors.responses import sent_response_for
from ..services import consultations as services
from ..services.consultations import date_in_words, moment_in_words

Status = Consultation.Status
PER_PAGE = 20
CLOSED_STATUSES = (Status.CLOSED, Status.AWAITING_OUTCOME, Status.OUTCOME_PUBLISHED)


def _page(request: HttpRequest, items: Any) -> dict[str, Any]:
    paginator = Paginator(items, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }


# --- What a consultation's dates mean today ----------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """A consultation's dates in words, and where it stands against the 12-week rule for
    publishing an outcome (UK Consultation Principles)."""

    opens: str  # "9am on Monday 1 June 2026"
    closes: str  # "11:59pm on Friday 12 June 2026"
    opens_on: str  # "Monday 1 June 2026"
    closes_on: str
    days_to_close: int  # whole days from today until the closing day (open ones)
    days_to_open: int
    days_since_close: int
    outcome_due: datetime.date
    outcome_overdue: bool
    is_open: bool
    is_forthcoming: bool
    is_closed: bool
    outcome_published: bool


def timing(consultation: Consultation, *, today: datetime.date) -> Timing:
    closing_day = timezone.localdate(consultation.closes_at)
    opening_day = timezone.localdate(consultation.opens_at)
    return Timing(
        opens=moment_in_words(consultation.opens_at),
        closes=moment_in_words(consultation.closes_at),
        opens_on=date_in_words(opening_day),
        closes_on=date_in_words(closing_day),
        days_to_close=(closing_day - today).days,
        days_to_open=(opening_day - today).days,
        days_since_close=(today - closing_day).days,
        outcome_due=consultation.outcome_due,
        outcome_overdue=(
            consultation.status != Status.OUTCOME_PUBLISHED and today > consultation.outcome_due
        ),
        is_open=consultation.status == Status.OPEN,
        is_forthcoming=consultation.status == Status.FORTHCOMING,
        is_closed=consultation.status in CLOSED_STATUSES,
        outcome_published=consultation.status == Status.OUTCOME_PUBLISHED,
    )


def topic_labels(consultation: Consultation) -> list[str]:
    return [str(Topic(value).label) for value in consultation.topics if value in Topic.values]


def documents_with_formats(consultation: Consultation) -> list[tuple[ConsultationDocument, str]]:
    return [
        (document, services.DOCUMENT_FORMATS.get(document.content_type, ""))
        for document in consultation.documents.all()
    ]


# --- Public ----------------------------------------------------------------------------------


def _get_consultation_for_viewer(request: HttpRequest, slug: str) -> Consultation:
    """The access helper for public consultation pages: published ones for everyone, a draft
    only for those engagement.view_consultation allows (council staff). Anyone else gets a 404,
    not a 403, so the address does not confirm that a draft exists."""
    consultation = selectors.consultation_for_page(slug=slug)
    if consultation is None or not request.user.has_perm(
        "engagement.view_consultation", consultation
    ):
        raise Http404("no such consultation")
    return consultation


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Open consultations first, then forthcoming, then closed ones with their outcome."""
    filterset = ConsultationFilter(
        request.GET or None, queryset=selectors.public_consultation_list()
    )
    valid = filterset.is_bound is False or filterset.is_valid()
    page = _page(request, filterset.qs if valid else Consultation.objects.none())
    today = timezone.localdate()
    return render(
        request,
        "engagement/index.html",
        {
            "form": filterset.form,
            "filters_valid": valid,
            "selected_filters": filterset.selected() if valid else [],
            "cards": [
                (consultation, timing(consultation, today=today))
                for consultation in page["page_obj"]
            ],
            # Hub staff (organisation editors) and council staff type in paper responses.
            "enters_responses": staff_with_mfa(request.user)
            or is_organisation_editor(request.user),
            **page,
        },
    )


@require_GET
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_viewer(request, slug)
    return render(
        request,
        "engagement/consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "timing": timing(consultation, today=timezone.localdate()),
            "is_draft": consultation.status == Status.DRAFT,
            "results_public": results_are_public(request.user, consultation),
            "documents": documents_with_formats(consultation),
            "wards": list(consultation.wards.all()),
            "groups": list(consultation.groups.all()),
            "topics": topic_labels(consultation),
            "can_manage": request.user.has_perm("engagement.manage_consultation", consultation),
            "sent_response": (
                sent_response_for(consultation=consultation, user=request.user)
                if request.user.is_authenticated
                else None
            ),
        },
    )


@require_GET
def consultation_document(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    """A document, only ever as a download: the type its bytes were checked to be, nosniff
    and a sandboxing CSP, so even a file that slipped through cannot run as a page here."""
    consultation = _get_consultation_for_viewer(request, slug)
    document = selectors.consultation_document(consultation=consultation, pk=pk)
    if document is None or not document.file:
        raise Http404("no such document")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("no such document") from None
    extension = PurePath(document.original_name).suffix.lower()
    # Named after its title (ASCII-safe by slugify), so a translation's download is not called
    # by whatever the uploader's computer named it.
    filename = f"{slugify(document.title)[:100] or 'document'}{extension}"
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private"
    return response


# --- Council staff -----------------------------------------------------------------------------


def _check_staff(request: HttpRequest) -> None:
    """The access helper for staff pages not about one consultation (list, create)."""
    if not request.user.has_perm("engagement.manage_consultation"):
        raise PermissionDenied


def _get_consultation_for_staff(request: HttpRequest, slug: str) -> Consultation:
    """The access helper for staff pages about one consultation: council staff with two-factor
    authentication (403 for anyone else), 404 when there is no such consultation."""
    _check_staff(request)
    consultation = selectors.consultation_for_staff(slug=slug)
    if consultation is None:
        raise Http404("no such consultation")
    if not request.user.has_perm("engagement.manage_consultation", consultation):
        raise PermissionDenied
    return consultation


def _overview_url(consultation: Consultation) -> str:
    return reverse("engagement-staff:consultation-detail", kwargs={"slug": consultation.slug})


@login_required
@require_GET
def staff_consultation_list(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    filterset = StaffConsultationFilter(
        request.GET or None, queryset=selectors.staff_consultation_list()
    )
    valid = filterset.is_bound is False or filterset.is_valid()
    return render(
        request,
        "engagement/consultations/staff_consultation_list.html",
        {
            "form": filterset.form,
            "filters_valid": valid,
            "selected_filters": filterset.selected() if valid else [],
            **_page(request, filterset.qs if valid else Consultation.objects.none()),
        },
    )


def _form_page(
    request: HttpRequest, form: ConsultationForm, consultation: Consultation | None
) -> HttpResponse:
    return render(
        request,
        "engagement/consultations/staff_consultation_form.html",
        {
            "form": form,
            "consultation": consultation,
            "timing": timing(consultation, today=timezone.localdate()) if consultation else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_consultation_create(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(
                by=request.user,  # type: ignore[arg-type]
                **form.changes(),
            )
        except IntegrityError:
            # Someone took the same web address between the check and the save.
            form.add_error(
                "slug", _("Another consultation already uses that web address: choose another")
            )
        else:
            messages.success(
                request, _("Draft consultation created. Next, add the questions in its survey.")
            )
            return HttpResponseRedirect(_overview_url(consultation))
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def staff_consultation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_staff(request, slug)
    form = ConsultationForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_update(
                consultation=consultation,
                by=request.user,  # type: ignore[arg-type]
                changes=form.changes(),
            )
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        except IntegrityError:
            form.add_error(
                "slug", _("Another consultation already uses that web address: choose another")
            )
        else:
            messages.success(request, _("Consultation details saved"))
            return HttpResponseRedirect(_overview_url(consultation))
    return _form_page(request, form, consultation)


@login_required
@require_GET
def staff_consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_staff(request, slug)
    return render(
        request,
        "engagement/consultations/staff_consultation_detail.html",
        {
            "consultation": consultation,
            "timing": timing(consultation, today=timezone.localdate()),
            "documents": documents_with_formats(consultation),
            "wards": list(consultation.wards.all()),
            "groups": list(consultation.groups.all()),
            "topics": topic_labels(consultation),
            "is_draft": consultation.status == Status.DRAFT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_consultation_publish(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_staff(request, slug)
    if consultation.status != Status.DRAFT:
        # Publishing twice changes nothing: show where it stands.
        return HttpResponseRedirect(_overview_url(consultation))
    now = timezone.now()
    problem = ""
    if request.method == "POST":
        try:
            consultation = services.consultation_publish(
                consultation=consultation,
                by=request.user,  # type: ignore[arg-type]
                now=now,
            )
        except services.WorkflowError as error:
            problem = str(error)
        else:
            messages.success(
                request,
                _("Consultation published. It is now %(status)s.")
                % {"status": consultation.get_status_display().lower()},
            )
            return HttpResponseRedirect(_overview_url(consultation))
    return render(
        request,
        "engagement/consultations/staff_consultation_publish.html",
        {
            "consultation": consultation,
            "timing": timing(consultation, today=timezone.localdate()),
            "becomes": services.status_for_dates(
                opens_at=consultation.opens_at, closes_at=consultation.closes_at, now=now
            ),
            "problem": problem,
        },
        status=400 if problem else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_documents(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_staff(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        services.document_add(
            consultation=consultation,
            by=request.user,  # type: ignore[arg-type]
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            language=form.cleaned_data["language"],
            upload=upload,
            file_name=upload.name,
            file_size=upload.size,
        )
        messages.success(request, _("Document added"))
        return HttpResponseRedirect(
            reverse("engagement-staff:documents", kwargs={"slug": consultation.slug})
        )
    return render(
        request,
        "engagement/consultations/staff_documents.html",
        {
            "consultation": consultation,
            "documents": documents_with_formats(consultation),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _get_document_for_staff(request: HttpRequest, slug: str, pk: int) -> ConsultationDocument:
    consultation = _get_consultation_for_staff(request, slug)
    document = selectors.consultation_document(consultation=consultation, pk=pk)
    if document is None:
        raise Http404("no such document")
    document.consultation = consultation
    return document


@login_required
@require_http_methods(["GET", "POST"])
def staff_document_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _get_document_for_staff(request, slug, pk)
    consultation = document.consultation
    if request.method == "POST":
        services.document_remove(document=document, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Document removed"))
        return HttpResponseRedirect(
            reverse("engagement-staff:documents", kwargs={"slug": consultation.slug})
        )
    return render(
        request,
        "engagement/consultations/staff_document_remove.html",
        {"consultation": consultation, "document": document},
    )
