"""Council staff's citizens' assembly pages (namespace "engagement-staff", under
/staff/engagement/assemblies/): setting up, quotas, volunteers, the draw, recommendations and
the council's response. Every view asks ``engagement.manage_assembly`` through one access
helper per object type; the /staff/ middleware asks for two-factor authentication first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms.assemblies import (
    AssemblyForm,
    CategoryForm,
    FeatureForm,
    QuotaForm,
    RecommendationActionForm,
    RecommendationForm,
    ResponseForm,
    RunForm,
    SessionForm,
    VolunteerFilter,
)
from ..models import (
    Assembly,
    AssemblySession,
    Decision,
    FeatureCategory,
    Recommendation,
    SelectionRun,
    StratificationFeature,
)
from ..selectors import assemblies as selectors
from ..services import assemblies as services

if TYPE_CHECKING:
    from luton2040.accounts.models import User

VOLUNTEERS_PER_PAGE = 50
# How often the draw's page reloads itself while the draw runs (with JavaScript off too).
REFRESH_SECONDS = 5


# --- Access helpers: one per object type ------------------------------------------------------


def _by(request: HttpRequest) -> User:
    """The member of staff making the change (the access helpers have let only them in)."""
    return cast("User", request.user)


def _check_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("engagement.manage_assembly"):
        raise PermissionDenied


def _get_assembly(request: HttpRequest, pk: int) -> Assembly:
    """An assembly for council staff who run assemblies (with MFA); anyone else is refused."""
    _check_staff(request)
    assembly = selectors.assembly_for_staff(pk=pk)
    if assembly is None:
        raise Http404
    if not request.user.has_perm("engagement.manage_assembly", assembly):
        raise PermissionDenied
    return assembly


def _get_session(request: HttpRequest, pk: int, session_pk: int) -> AssemblySession:
    assembly = _get_assembly(request, pk)
    session = get_object_or_404(AssemblySession, pk=session_pk, assembly=assembly)
    session.assembly = assembly
    return session


def _get_feature(request: HttpRequest, pk: int, feature_pk: int) -> StratificationFeature:
    assembly = _get_assembly(request, pk)
    feature = get_object_or_404(StratificationFeature, pk=feature_pk, assembly=assembly)
    feature.assembly = assembly
    return feature


def _get_category(request: HttpRequest, pk: int, category_pk: int) -> FeatureCategory:
    assembly = _get_assembly(request, pk)
    category = get_object_or_404(
        FeatureCategory.objects.select_related("feature"),
        pk=category_pk,
        feature__assembly=assembly,
    )
    category.feature.assembly = assembly
    return category


def _get_run(request: HttpRequest, pk: int, run_pk: int) -> SelectionRun:
    assembly = _get_assembly(request, pk)
    run = selectors.run_for_staff(assembly=assembly, pk=run_pk)
    if run is None:
        raise Http404
    run.assembly = assembly
    return run


def _get_recommendation(request: HttpRequest, pk: int, rec_pk: int) -> Recommendation:
    assembly = _get_assembly(request, pk)
    recommendation = get_object_or_404(Recommendation, pk=rec_pk, assembly=assembly)
    recommendation.assembly = assembly
    return recommendation


def _overview(assembly: Assembly) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("engagement-staff:assembly-overview", kwargs={"pk": assembly.pk})
    )


def _url(name: str, assembly: Assembly, **kwargs: Any) -> str:
    return reverse(f"engagement-staff:{name}", kwargs={"pk": assembly.pk, **kwargs})


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    return render(
        request,
        f"engagement/assemblies/{template}",
        {**context, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _submit(
    request: HttpRequest,
    form: Any,
    save: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    then: str,
) -> tuple[HttpResponse | None, str]:
    """Run ``save`` once the posted form is valid: a redirect to ``then`` with the ``done``
    message (or ``done`` of what ``save`` returned), or the service's refusal as an error to
    show (the form keeps what was typed)."""
    if request.method != "POST" or not form.is_valid():
        return None, ""
    try:
        saved = save()
    except services.AssemblyError as problem:
        return None, str(problem)
    messages.success(request, done(saved) if callable(done) else done)
    return HttpResponseRedirect(then), ""


def _act(request: HttpRequest, change: Callable[[], Any], *, done: str, then: str) -> HttpResponse:
    """A change made by a button alone (removing something): the service's refusal is shown as
    an error message, success as a message, and either way back to ``then``."""
    try:
        change()
    except services.AssemblyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(then)


# --- The assembly ------------------------------------------------------------------------------


@login_required
@require_GET
def assembly_list(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    return render(
        request,
        "engagement/assemblies/staff_assembly_list.html",
        {"assemblies": list(selectors.assembly_staff_list())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assembly_create(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    form = AssemblyForm(request.POST or None, initial={"reserves": 0})
    if request.method == "POST" and form.is_valid():
        assembly = services.assembly_create(by=_by(request), **form.cleaned_data)
        messages.success(
            request,
            _("Draft assembly created, with the standard characteristics to balance it on."),
        )
        return _overview(assembly)
    return _form_page(request, "staff_assembly_form.html", {}, form)


@login_required
@require_GET
def assembly_overview(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    return render(
        request,
        "engagement/assemblies/staff_assembly_overview.html",
        {
            "assembly": assembly,
            "counts": selectors.assembly_counts(assembly=assembly),
            "runs": list(selectors.run_list(assembly=assembly)),
            "statuses": Assembly.Status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assembly_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    form = AssemblyForm(request.POST or None, instance=assembly)
    if request.method == "POST" and form.is_valid():
        # The form must not save the instance itself: the service does, audited.
        changes = {name: form.cleaned_data[name] for name in services.ASSEMBLY_FIELDS}
        assembly.refresh_from_db()
        try:
            services.assembly_update(assembly=assembly, by=_by(request), changes=changes)
        except services.AssemblyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Assembly details saved"))
            return _overview(assembly)
    return _form_page(request, "staff_assembly_form.html", {"assembly": assembly}, form)


@login_required
@require_http_methods(["GET", "POST"])
def assembly_publish(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    return _publish_page(
        request,
        assembly,
        publish=services.assembly_publish,
        heading=_("Publish this assembly?"),
        explanation=_(
            "Residents will see it and can register their interest until registration "
            "closes. Characteristics and their answers cannot be changed after this; "
            "quotas can, until the members are confirmed."
        ),
        button=_("Publish"),
        done=assembly.status != Assembly.Status.DRAFT,
        success=_("Published: residents can now register their interest."),
        then=_url("assembly-overview", assembly),
    )


# --- Sessions ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.session_add(assembly=assembly, by=_by(request), **form.session_fields())
        messages.success(request, _("Session added"))
        return HttpResponseRedirect(_url("assembly-sessions", assembly))
    return _form_page(
        request,
        "staff_sessions.html",
        {"assembly": assembly, "sessions": list(assembly.sessions.select_related("hub"))},
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _get_session(request, pk, session_pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        session.refresh_from_db()
        services.session_update(session=session, by=_by(request), changes=form.session_fields())
        messages.success(request, _("Session saved"))
        return HttpResponseRedirect(_url("assembly-sessions", session.assembly))
    return _form_page(
        request,
        "staff_session_form.html",
        {"assembly": session.assembly, "session": session},
        form,
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = _get_session(request, pk, session_pk)
    services.session_delete(session=session, by=_by(request))
    messages.success(request, _("Session removed"))
    return HttpResponseRedirect(_url("assembly-sessions", session.assembly))


# --- Characteristics (features), their answers (categories), and quotas ------------------------


@login_required
@require_http_methods(["GET", "POST"])
def feature_list(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    form = FeatureForm(request.POST or None)
    saved, error = _submit(
        request,
        form,
        lambda: services.feature_add(
            assembly=assembly,
            by=_by(request),
            name=form.cleaned_data["name"],
            question=form.cleaned_data["question"],
            categories=form.cleaned_data["answers"],
        ),
        done=_("Characteristic added"),
        then=_url("assembly-features", assembly),
    )
    if saved:
        return saved
    return render(
        request,
        "engagement/assemblies/staff_features.html",
        {
            "assembly": assembly,
            "features": selectors.features_with_categories(assembly=assembly),
            "form": form,
            "error": error,
            "editable": assembly.status == Assembly.Status.DRAFT,
        },
        status=400 if form.errors or error else 200,
    )


@login_required
@require_POST
def feature_delete(request: HttpRequest, pk: int, feature_pk: int) -> HttpResponse:
    feature = _get_feature(request, pk, feature_pk)
    return _act(
        request,
        lambda: services.feature_delete(feature=feature, by=_by(request)),
        done=_("Characteristic removed"),
        then=_url("assembly-features", feature.assembly),
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_add(request: HttpRequest, pk: int, feature_pk: int) -> HttpResponse:
    feature = _get_feature(request, pk, feature_pk)
    form = CategoryForm(request.POST or None)
    saved, error = _submit(
        request,
        form,
        lambda: services.category_add(
            feature=feature, by=_by(request), label=form.cleaned_data["label"]
        ),
        done=_("Answer added"),
        then=_url("assembly-features", feature.assembly),
    )
    if saved:
        return saved
    return render(
        request,
        "engagement/assemblies/staff_category_form.html",
        {"assembly": feature.assembly, "feature": feature, "form": form, "error": error},
        status=400 if form.errors or error else 200,
    )


@login_required
@require_POST
def category_delete(request: HttpRequest, pk: int, category_pk: int) -> HttpResponse:
    category = _get_category(request, pk, category_pk)
    return _act(
        request,
        lambda: services.category_delete(category=category, by=_by(request)),
        done=_("Answer removed"),
        then=_url("assembly-features", category.feature.assembly),
    )


@login_required
@require_http_methods(["GET", "POST"])
def quota_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    categories = selectors.quota_categories(assembly=assembly)
    suggesting = request.method == "GET" and "suggest" in request.GET
    suggestions = (
        selectors.quota_suggestions(assembly=assembly, categories=categories) if suggesting else {}
    )
    form = QuotaForm(
        request.POST or None,
        categories=categories,
        size=assembly.target_size,
        suggestions=suggestions,
    )
    editable = assembly.status not in services.AFTER_DRAW
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    error = ""
    if request.method == "POST" and editable and form.is_valid():
        try:
            changed = services.quotas_save(assembly=assembly, by=_by(request), quotas=form.quotas())
        except services.AssemblyError as problem:
            error = str(problem)
        else:
            messages.success(request, _("Quotas saved (%(count)s changed)") % {"count": changed})
            return HttpResponseRedirect(_url("assembly-quotas", assembly))
    features: dict[str, list[Any]] = {}
    for row in form.rows():
        features.setdefault(row[0].feature.name, []).append(row)
    return render(
        request,
        "engagement/assemblies/staff_quotas.html",
        {
            "assembly": assembly,
            "form": form,
            "features": list(features.items()),
            "suggesting": suggesting,
            "suggested_count": len(suggestions),
            "error": error,
            "editable": editable,
        },
        status=400 if form.errors or error else 200,
    )


# --- Volunteers --------------------------------------------------------------------------------


@login_required
@require_GET
def volunteer_list(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    filterset = VolunteerFilter(
        request.GET, queryset=selectors.volunteer_list(assembly=assembly), assembly=assembly
    )
    paginator = Paginator(filterset.qs, VOLUNTEERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/assemblies/staff_volunteers.html",
        {
            "assembly": assembly,
            "filterset": filterset,
            "form": filterset.form,
            "page_obj": page,
            "volunteers": list(page.object_list),
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


# --- The draw ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    form = RunForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            run = services.selection_run_request(
                assembly=assembly,
                by=_by(request),
                seed=form.cleaned_data["seed"],
            )
        except services.AssemblyError as problem:
            error = str(problem)
        else:
            return HttpResponseRedirect(_url("assembly-run", assembly, run_pk=run.pk))
    return render(
        request,
        "engagement/assemblies/staff_run_form.html",
        {
            "assembly": assembly,
            "form": form,
            "error": error,
            "counts": selectors.assembly_counts(assembly=assembly),
            "runs": list(selectors.run_list(assembly=assembly)),
        },
        status=400 if form.errors or error else 200,
    )


def _result_rows(run: SelectionRun) -> dict[str, Any]:
    """Members, reserves and everyone's chance of selection, with names (staff only)."""
    if run.status != SelectionRun.Status.DONE:
        return {}
    volunteers = selectors.run_volunteers(run=run)
    chances = run.result.get("probabilities", {})
    selected = [volunteers[pk] for pk in run.result.get("selected", []) if pk in volunteers]
    reserves = [volunteers[pk] for pk in run.result.get("reserves", []) if pk in volunteers]
    outcome = {pk: _("Member") for pk in run.result.get("selected", [])}
    outcome.update(
        {
            pk: _("Reserve %(rank)s") % {"rank": rank}
            for rank, pk in enumerate(run.result.get("reserves", []), 1)
        }
    )
    everyone = sorted(
        (
            {
                "volunteer": volunteers[int(pk)],
                "chance": 100 * chance,
                "outcome": outcome.get(int(pk), ""),
            }
            for pk, chance in chances.items()
            if int(pk) in volunteers
        ),
        key=lambda row: (-row["chance"], row["volunteer"].name.casefold()),
    )
    return {"selected": selected, "reserves": reserves, "everyone": everyone}


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    run = _get_run(request, pk, run_pk)
    active = run.status in selectors.ACTIVE_RUN
    earlier = selectors.earlier_run_with_seed(run=run)
    replay: dict[str, Any] = {}
    if earlier is not None:
        replay = {
            "run": earlier,
            "same_input": bool(run.pool_digest) and earlier.pool_digest == run.pool_digest,
            "same_members": (
                run.status == earlier.status == SelectionRun.Status.DONE
                and run.result.get("selected") == earlier.result.get("selected")
            ),
        }
    return render(
        request,
        "engagement/assemblies/staff_run.html",
        {
            "assembly": run.assembly,
            "run": run,
            "active": active,
            "refresh": active and request.GET.get("refresh") != "off",
            "refresh_seconds": REFRESH_SECONDS,
            "problems": selectors.explain_problems(run.result)
            if run.status == SelectionRun.Status.INFEASIBLE
            else [],
            "replay": replay,
            "statuses": SelectionRun.Status,
            **_result_rows(run),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_confirm(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    run = _get_run(request, pk, run_pk)
    error = ""
    if request.method == "POST":
        try:
            services.selection_run_confirm(run=run, by=_by(request))
        except services.AssemblyError as problem:
            error = str(problem)
        else:
            messages.success(
                request, _("Draw confirmed. Every volunteer is being told the result by email.")
            )
            return _overview(run.assembly)
    return render(
        request,
        "engagement/assemblies/staff_confirm.html",
        {
            "assembly": run.assembly,
            "run": run,
            "error": error,
            "heading": _("Confirm this draw?"),
            "explanation": _(
                "The %(members)s people it chose become the assembly's members and the "
                "%(reserves)s reserves are kept in order. Every volunteer is emailed whether "
                "they were selected, a reserve, or not selected. This cannot be undone, and "
                "the seed is then published so anyone can check the draw."
            )
            % {
                "members": len(run.result.get("selected", [])),
                "reserves": len(run.result.get("reserves", [])),
            },
            "button": _("Confirm and email volunteers"),
            "done": run.confirmed,
            "cannot": run.status != SelectionRun.Status.DONE,
        },
        status=400 if error else 200,
    )


# --- Recommendations and the council's response -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_list(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    form = RecommendationForm(request.POST or None, assembly=assembly)
    saved, error = _submit(
        request,
        form,
        lambda: services.recommendation_add(
            assembly=assembly,
            by=_by(request),
            **form.recommendation_fields(),
        ),
        done=_("Recommendation recorded"),
        then=_url("assembly-recommendations", assembly),
    )
    if saved:
        return saved
    recommendations = list(selectors.recommendation_list(assembly=assembly))
    return render(
        request,
        "engagement/assemblies/staff_recommendations.html",
        {
            "assembly": assembly,
            "recommendations": recommendations,
            "form": form,
            "error": error,
            "open": assembly.status in (Assembly.Status.MEETING, Assembly.Status.REPORTED),
            "statuses": Assembly.Status,
            "pending": Decision.PENDING,
        },
        status=400 if form.errors or error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    recommendation = _get_recommendation(request, pk, rec_pk)
    form = RecommendationForm(
        request.POST or None, instance=recommendation, assembly=recommendation.assembly
    )

    def save() -> None:
        # Validating the form wrote the new values onto this instance: the service compares
        # against the row as stored.
        recommendation.refresh_from_db()
        services.recommendation_update(
            recommendation=recommendation, by=_by(request), changes=form.recommendation_fields()
        )

    saved, error = _submit(
        request,
        form,
        save,
        done=_("Recommendation saved"),
        then=_url("assembly-recommendations", recommendation.assembly),
    )
    if saved:
        return saved
    return render(
        request,
        "engagement/assemblies/staff_recommendation_form.html",
        {
            "assembly": recommendation.assembly,
            "recommendation": recommendation,
            "form": form,
            "error": error,
        },
        status=400 if form.errors or error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_respond(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    recommendation = _get_recommendation(request, pk, rec_pk)
    initial = {
        "response": None
        if recommendation.response == Decision.PENDING
        else recommendation.response,
        "reason": recommendation.response_reason,
        "actions": list(recommendation.actions.all()),
    }
    form = ResponseForm(request.POST or None, initial=initial)
    saved, error = _submit(
        request,
        form,
        lambda: services.recommendation_respond(
            recommendation=recommendation,
            by=_by(request),
            response=form.cleaned_data["response"],
            reason=form.cleaned_data["reason"],
            actions=list(form.cleaned_data["actions"]),
        ),
        done=_("Response saved"),
        then=_url("assembly-recommendations", recommendation.assembly),
    )
    if saved:
        return saved
    return render(
        request,
        "engagement/assemblies/staff_response_form.html",
        {
            "assembly": recommendation.assembly,
            "recommendation": recommendation,
            "form": form,
            "error": error,
        },
        status=400 if form.errors or error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_action_create(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    recommendation = _get_recommendation(request, pk, rec_pk)
    form = RecommendationActionForm(request.POST or None)
    saved, error = _submit(
        request,
        form,
        lambda: services.recommendation_action_create(
            recommendation=recommendation,
            by=_by(request),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            outcomes=list(form.cleaned_data["outcomes"]),
        ),
        done=lambda action: (
            _(
                "Action %(reference)s created as a draft and linked. It appears in public "
                "once the taskforce publishes it."
            )
            % {"reference": action.reference}
        ),
        then=_url("assembly-recommendations", recommendation.assembly),
    )
    if saved:
        return saved
    return render(
        request,
        "engagement/assemblies/staff_action_form.html",
        {
            "assembly": recommendation.assembly,
            "recommendation": recommendation,
            "form": form,
            "error": error,
        },
        status=400 if form.errors or error else 200,
    )


def _publish_page(
    request: HttpRequest,
    assembly: Assembly,
    *,
    publish: Any,
    heading: str,
    explanation: str,
    button: str,
    done: bool,
    success: str,
    then: str = "",
) -> HttpResponse:
    """A "Publish ...?" confirmation page: on POST, ``publish`` and back to ``then`` (the
    recommendations page unless said), or the service's refusal shown on the page."""
    error = ""
    if request.method == "POST":
        try:
            publish(assembly=assembly, by=_by(request))
        except services.AssemblyError as problem:
            error = str(problem)
        else:
            messages.success(request, success)
            return HttpResponseRedirect(then or _url("assembly-recommendations", assembly))
    return render(
        request,
        "engagement/assemblies/staff_confirm.html",
        {
            "assembly": assembly,
            "error": error,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "done": done,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendations_publish(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    return _publish_page(
        request,
        assembly,
        publish=services.recommendations_publish,
        heading=_("Publish the recommendations?"),
        explanation=_(
            "Residents will see the assembly's recommendations on its page, marked as waiting "
            "for the council's response."
        ),
        button=_("Publish recommendations"),
        done=assembly.status in (Assembly.Status.REPORTED, Assembly.Status.RESPONDED),
        success=_("Recommendations published"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def responses_publish(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly(request, pk)
    return _publish_page(
        request,
        assembly,
        publish=services.responses_publish,
        heading=_("Publish the council's response?"),
        explanation=_(
            "Residents will see the council's response to each recommendation, with its reasons "
            "and the taskforce actions that carry it out. Everyone following this assembly or "
            "citizens' assemblies is emailed. Responses cannot be changed afterwards."
        ),
        button=_("Publish the response"),
        done=assembly.status == Assembly.Status.RESPONDED,
        success=_("The council's response is published and followers are being told."),
    )
