"""Council staff: who is responding to a consultation, and the population figures it is
compared with (namespace "engagement-staff", behind the staff MFA gate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.hub_desk import ChannelFilterForm, PopulationFormSet
from ..models import Channel, Consultation
from ..selectors import representation as selectors
from ..services.population import PopulationFigure, population_shares_save


def _check_runs_engagement(request: HttpRequest) -> None:
    """The access helper for the population figures: council staff with MFA."""
    if not request.user.has_perm("engagement.manage_consultation"):
        raise PermissionDenied


def _get_consultation_for_staff(request: HttpRequest, slug: str) -> Consultation:
    """The access helper for a consultation's staff pages."""
    consultation = get_object_or_404(Consultation, slug=slug)
    if not request.user.has_perm("engagement.manage_consultation", consultation):
        raise PermissionDenied
    return consultation


@login_required
@require_GET
def who_is_responding(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_staff(request, slug)
    filter_form = ChannelFilterForm(request.GET or None)
    channel = filter_form.cleaned_data["channel"] if filter_form.is_valid() else ""
    return render(
        request,
        "engagement/representation/who_is_responding.html",
        {
            "consultation": consultation,
            "filter_form": filter_form,
            "report": selectors.who_is_responding(consultation=consultation, channel=channel),
            "channel_label": dict(Channel.choices).get(channel, ""),
            "under_below": int(selectors.UNDER_BELOW * 100),
            "over_above": int(selectors.OVER_ABOVE * 100),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def population(request: HttpRequest) -> HttpResponse:
    _check_runs_engagement(request)
    categories = selectors.population_categories()
    formset = PopulationFormSet(
        request.POST if request.method == "POST" else None, categories=categories
    )
    if request.method == "POST" and formset.is_valid():
        changed = population_shares_save(
            figures=[
                PopulationFigure(
                    dimension=form.category.dimension,
                    category=form.category.category,
                    share=form.cleaned_data["share"],
                    source=form.cleaned_data["source"].strip(),
                    checked=form.cleaned_data["checked"],
                )
                for form in formset.forms
            ],
            by=request.user,
        )
        messages.success(
            request,
            ngettext(
                "Population figures saved: %(count)s figure changed",
                "Population figures saved: %(count)s figures changed",
                changed,
            )
            % {"count": changed}
            if changed
            else _("Population figures saved: nothing had changed"),
        )
        return HttpResponseRedirect(reverse("engagement-staff:population"))
    return render(
        request,
        "engagement/representation/population.html",
        {"formset": formset, "has_errors": formset.is_bound and not formset.is_valid()},
        status=400 if formset.is_bound else 200,
    )
