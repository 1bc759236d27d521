"""Residents' citizens' assembly pages: the list, each assembly, and registering interest."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from luton2040.accounts import retention

from .. import kinds
from ..forms.assemblies import RegistrationForm
from ..models import Assembly, Decision
from ..selectors import assemblies as selectors
from ..services import assemblies as services

# Who may read the council's response, and when: recommendations once published, responses
# once the council publishes them.
SHOWS_RECOMMENDATIONS = (Assembly.Status.REPORTED, Assembly.Status.RESPONDED)


def _get_public_assembly(request: HttpRequest, slug: str) -> Assembly:
    """The access helper for the public pages: a published assembly; a draft only for staff
    who run assemblies (as a preview), and otherwise 404, as if it did not exist."""
    assembly = selectors.assembly_for_public(slug=slug)
    if assembly is None:
        raise Http404
    if assembly.status == Assembly.Status.DRAFT and not request.user.has_perm(
        "engagement.manage_assembly", assembly
    ):
        raise Http404
    return assembly


@require_GET
def assembly_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "engagement/assemblies/assembly_list.html",
        {"assemblies": list(selectors.published_assemblies()), "topic": kinds.ASSEMBLIES_TOPIC},
    )


@require_GET
def assembly_detail(request: HttpRequest, slug: str) -> HttpResponse:
    assembly = _get_public_assembly(request, slug)
    run = selectors.confirmed_run(assembly=assembly)
    recommendations = (
        list(assembly.recommendations.all()) if assembly.status in SHOWS_RECOMMENDATIONS else []
    )
    return render(
        request,
        "engagement/assemblies/assembly_detail.html",
        {
            "assembly": assembly,
            "sessions": list(assembly.sessions.all()),
            "features": list(assembly.features.order_by("position", "pk")),
            "registration_open": services.registration_is_open(assembly),
            "run": run,
            "composition": selectors.composition(run=run) if run else [],
            "recommendations": recommendations,
            "responded": assembly.status == Assembly.Status.RESPONDED,
            "decisions": Decision,
            "topic": kinds.ASSEMBLIES_TOPIC,
        },
    )


@require_http_methods(["GET", "POST"])
def assembly_register(request: HttpRequest, slug: str) -> HttpResponse:
    assembly = _get_public_assembly(request, slug)
    if not services.registration_is_open(assembly):
        return render(
            request,
            "engagement/assemblies/register_closed.html",
            {"assembly": assembly},
            status=410 if request.method == "POST" else 200,
        )
    features = selectors.features_with_categories(assembly=assembly)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.full_name, "email": request.user.email}  # type: ignore[union-attr]
    form = RegistrationForm(request.POST or None, features=features, initial=initial)
    already = False
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:  # a bot: it is told it worked, and nothing is kept
            return HttpResponseRedirect(
                reverse("engagement:assembly-registered", kwargs={"slug": assembly.slug})
            )
        try:
            services.volunteer_register(
                assembly=assembly,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                postcode=form.cleaned_data["postcode"],
                categories=form.chosen_categories(),
                user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
            )
        except services.AlreadyRegistered:
            already = True
        except services.RegistrationClosed:
            return render(
                request,
                "engagement/assemblies/register_closed.html",
                {"assembly": assembly},
                status=410,
            )
        else:
            return HttpResponseRedirect(
                reverse("engagement:assembly-registered", kwargs={"slug": assembly.slug})
            )
    return render(
        request,
        "engagement/assemblies/register.html",
        {
            "assembly": assembly,
            "form": form,
            "already": already,
            # The periods the retention job applies, so the promise cannot drift from it.
            "kept_for": retention.rule("assembly_volunteers").period_text(),
            "kept_if_not_selected": retention.rule(
                "assembly_volunteers_not_selected"
            ).period_text(),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def assembly_registered(request: HttpRequest, slug: str) -> HttpResponse:
    assembly = _get_public_assembly(request, slug)
    return render(request, "engagement/assemblies/registered.html", {"assembly": assembly})
