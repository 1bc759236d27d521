""" "We asked, you said, we did": council staff write the outcome and its decisions, link or
create taskforce actions, and publish it (namespace "engagement-staff"); residents read each
outcome and the list of outcomes published and awaited (namespace "engagement")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.outcomes import DecisionForm, NewActionForm, OutcomeForm, PublishForm
from ..models import Consultation, ConsultationOutcome, OutcomeDecision
from ..selectors import outcomes as selectors
from ..services import outcomes as services
from .results import get_consultation_for_staff, posted_data

OUTCOMES_PER_PAGE = 20


# --- Access ------------------------------------------------------------------------------------


def _get_outcome_for_staff(request: HttpRequest, slug: str) -> tuple[Consultation, Any]:
    """The consultation (staff only, via get_consultation_for_staff) with its outcome and
    every decision's actions loaded; the outcome is None until first saved."""
    get_consultation_for_staff(request, slug)
    consultation = selectors.consultation_with_outcome(slug=slug, public=False)
    if consultation is None:  # deleted between the two reads
        raise Http404
    return consultation, getattr(consultation, "outcome", None)


def _get_decision_for_staff(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Consultation, OutcomeDecision]:
    consultation, outcome = _get_outcome_for_staff(request, slug)
    decision = next((d for d in outcome.decisions.all() if d.pk == pk), None) if outcome else None
    if decision is None:
        raise Http404
    return consultation, decision


def _edit_url(consultation: Consultation) -> str:
    return reverse("engagement-staff:outcome-edit", kwargs={"slug": consultation.slug})


def _timing(consultation: Consultation, outcome: ConsultationOutcome | None) -> dict[str, Any]:
    """Closed on, due by, and (once published) whether it was in time."""
    closed_on = timezone.localdate(consultation.closes_at)
    published_on = (
        timezone.localdate(outcome.published_at) if outcome and outcome.published_at else None
    )
    has_closed = consultation.closes_at <= timezone.now()
    return {
        "closed_on": closed_on,
        "has_closed": has_closed,
        "due": consultation.outcome_due,
        "published_on": published_on,
        "late": services.is_late(consultation, on=published_on),
        "weeks_after_closing": (
            ((published_on or timezone.localdate()) - closed_on).days // 7 if has_closed else None
        ),
    }


# --- Staff ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, outcome = _get_outcome_for_staff(request, slug)
    initial = (
        {name: getattr(outcome, name) for name in services.OUTCOME_FIELDS} if outcome else None
    )
    form = OutcomeForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.outcome_save(
            consultation=consultation,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
        messages.success(request, _("Outcome saved"))
        return HttpResponseRedirect(_edit_url(consultation))
    return render(
        request,
        "engagement/outcomes/outcome_edit.html",
        {
            "consultation": consultation,
            "outcome": outcome,
            "form": form,
            "publishable": consultation.status in services.PUBLISHABLE,
            **_timing(consultation, outcome),
        },
        status=400 if form.errors else 200,
    )


def _decision_form_page(
    request: HttpRequest,
    consultation: Consultation,
    outcome: ConsultationOutcome,
    existing: OutcomeDecision | None,
) -> HttpResponse:
    initial = None
    if existing is not None:
        initial = {
            "text": existing.text,
            "decision": existing.decision,
            "reason": existing.reason,
            "actions": [a.pk for a in existing.public_action_list],  # type: ignore[attr-defined]
        }
    form = DecisionForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_save(
                outcome=outcome,
                by=request.user,  # type: ignore[arg-type]
                existing=existing,
                text=form.cleaned_data["text"],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                actions=list(form.cleaned_data["actions"]),
            )
        except services.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Decision saved"))
            return HttpResponseRedirect(f"{_edit_url(consultation)}#decisions")
    return render(
        request,
        "engagement/outcomes/decision_form.html",
        {"consultation": consultation, "form": form, "decision": existing},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, outcome = _get_outcome_for_staff(request, slug)
    if outcome is None:
        messages.warning(request, _("Save what we asked, you said and we did first"))
        return HttpResponseRedirect(_edit_url(consultation))
    return _decision_form_page(request, consultation, outcome, None)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, slug: str, decision: int) -> HttpResponse:
    consultation, found = _get_decision_for_staff(request, slug, decision)
    return _decision_form_page(request, consultation, found.outcome, found)


@login_required
@require_http_methods(["GET", "POST"])
def decision_delete(request: HttpRequest, slug: str, decision: int) -> HttpResponse:
    consultation, found = _get_decision_for_staff(request, slug, decision)
    if request.method == "POST":
        services.decision_delete(decision=found, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Decision removed"))
        return HttpResponseRedirect(f"{_edit_url(consultation)}#decisions")
    return render(
        request,
        "engagement/outcomes/decision_delete.html",
        {"consultation": consultation, "decision": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_new_action(request: HttpRequest, slug: str, decision: int) -> HttpResponse:
    """Create a taskforce action for a decision (through the taskforce's service); it goes to
    the taskforce's review queue and is linked to the decision at once."""
    consultation, found = _get_decision_for_staff(request, slug, decision)
    if not request.user.has_perm("taskforce.add_action"):
        raise PermissionDenied
    form = NewActionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        action = services.decision_action_create(
            decision=found,
            by=request.user,  # type: ignore[arg-type]
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            outcomes=list(form.cleaned_data["outcomes"]),
            due_date=form.cleaned_data["due_date"],
        )
        messages.success(
            request,
            _("Action %(reference)s created and sent to the taskforce for review")
            % {"reference": action.reference},
        )
        return HttpResponseRedirect(f"{_edit_url(consultation)}#decision-{found.pk}")
    return render(
        request,
        "engagement/outcomes/new_action_form.html",
        {"consultation": consultation, "decision": found, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_publish(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, outcome = _get_outcome_for_staff(request, slug)
    if outcome is None:
        messages.warning(request, _("Save what we asked, you said and we did first"))
        return HttpResponseRedirect(_edit_url(consultation))
    if outcome.published_at is not None:
        messages.info(request, _("The outcome is already published"))
        return HttpResponseRedirect(
            reverse("engagement:outcome", kwargs={"slug": consultation.slug})
        )
    late = services.is_late(consultation)
    form = PublishForm(
        posted_data(request), late=late, initial={"late_reason": outcome.late_reason}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_publish(
                consultation=consultation,
                by=request.user,  # type: ignore[arg-type]
                late_reason=form.cleaned_data.get("late_reason"),
            )
        except services.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Outcome published. The people who asked will be told."))
            return HttpResponseRedirect(
                reverse("engagement:outcome", kwargs={"slug": consultation.slug})
            )
    return render(
        request,
        "engagement/outcomes/outcome_publish.html",
        {
            "consultation": consultation,
            "outcome": outcome,
            "form": form,
            "audience": selectors.publish_audience(consultation=consultation),
            "publishable": consultation.status in services.PUBLISHABLE,
            **_timing(consultation, outcome),
        },
        status=400 if form.errors else 200,
    )


# --- Public --------------------------------------------------------------------------------------


@require_GET
def outcome_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A published outcome. Staff who run consultations may preview one not yet published."""
    consultation = selectors.consultation_with_outcome(slug=slug)
    outcome = getattr(consultation, "outcome", None) if consultation else None
    if consultation is None or outcome is None:
        raise Http404
    preview = outcome.published_at is None
    if preview and not request.user.has_perm("engagement.manage_consultation", consultation):
        raise Http404
    return render(
        request,
        "engagement/outcomes/outcome_detail.html",
        {
            "consultation": consultation,
            "outcome": outcome,
            "preview": preview,
            "heard_from": selectors.who_we_heard_from(consultation=consultation),
            "results_public": request.user.has_perm(
                "engagement.view_consultation_results", consultation
            ),
            "suppress_below": settings.ENGAGEMENT_SUPPRESS_BELOW,
            **_timing(consultation, outcome),
        },
    )


@require_GET
def outcome_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.published_outcomes(), OUTCOMES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/outcomes/outcome_list.html",
        {
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "awaiting": selectors.consultations_awaiting_outcome(),
        },
    )
