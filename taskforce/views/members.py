"""Taskforce members' pages: my actions, create and edit an action, submit it, post an update;
and the review queue where taskforce leads and council staff publish or return them.

One access helper per object type decides 404 / 403; services do the writing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms_actions import (
    ActionForm,
    EvidenceFormSet,
    MilestoneFormSet,
    ReviewForm,
    UpdateForm,
    evidence_inputs,
    milestone_initial,
    milestone_inputs,
)
from ..models import Action, ActionUpdate
from ..selectors.actions import (
    action_for_member,
    my_action_list,
    my_returned_updates,
    review_queue_actions,
    review_queue_updates,
    update_for_review,
)
from ..services.actions import (
    AlreadyReviewed,
    WorkflowError,
    action_create,
    action_edit,
    action_review,
    action_submit,
    may_publish_directly,
    update_post,
    update_review,
)


def _check(request: HttpRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _get_action(request: HttpRequest, reference: str, permission: str) -> Action:
    """The access helper for actions on members' pages: 404 if there is no such action or the
    user may not even see it, 403 if they may see it but not do `permission` to it."""
    _check(request, "taskforce.use_member_pages")
    action = action_for_member(reference=reference)
    if action is None or not request.user.has_perm("taskforce.view_action", action):
        raise Http404
    _check(request, permission, action)
    return action


def _get_update(request: HttpRequest, pk: int) -> ActionUpdate:
    """The access helper for updates under review: reviewers only."""
    _check(request, "taskforce.review_action")
    update = update_for_review(pk=pk)
    if update is None:
        raise Http404
    return update


def _add_row(request: HttpRequest, formset: Any) -> bool:
    """True when the person pressed "Add another" for this formset (no JavaScript needed)."""
    return request.POST.get("add_row") == formset.prefix


def _with_extra_row(formset_class: Any, request: HttpRequest, prefix: str) -> Any:
    data = request.POST.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key, "0") or 0) + 1)
    return formset_class(data, request.FILES or None, prefix=prefix)


# --- My actions ------------------------------------------------------------------------------


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    _check(request, "taskforce.use_member_pages")
    return render(
        request,
        "taskforce/members/my_actions.html",
        {
            "actions": my_action_list(user=request.user),  # type: ignore[arg-type]
            "returned_updates": my_returned_updates(user=request.user),  # type: ignore[arg-type]
            "may_review": request.user.has_perm("taskforce.review_action"),
        },
    )


# --- Create and edit -----------------------------------------------------------------------


def _action_form_page(request: HttpRequest, *, action: Action | None) -> HttpResponse:
    instance = action or Action()
    if request.method == "POST":
        form = ActionForm(request.POST, instance=instance)
        if _add_row(request, MilestoneFormSet(prefix="milestones")):
            milestones = _with_extra_row(MilestoneFormSet, request, "milestones")
            return _render_action_form(request, action, form, milestones, show_errors=False)
        milestones = MilestoneFormSet(request.POST, prefix="milestones")
        if form.is_valid() and milestones.is_valid():
            fields = form.service_fields()
            fields["lead_member"] = fields.get("lead_member") or (
                action.lead_member if action else request.user
            )
            fields["milestones"] = milestone_inputs(milestones)
            try:
                if action is None:
                    saved = action_create(by=request.user, **fields)  # type: ignore[arg-type]
                    messages.success(
                        request,
                        _(
                            "Action %(reference)s saved as a draft. "
                            "Send it for review when it is ready."
                        )
                        % {"reference": saved.reference},
                    )
                else:
                    saved = action_edit(action=action, by=request.user, changes=fields)  # type: ignore[arg-type]
                    messages.success(request, _("Your changes are saved."))
            except WorkflowError as problem:
                form.add_error(None, str(problem))
            else:
                return HttpResponseRedirect(
                    reverse("taskforce:action-edit", kwargs={"reference": saved.reference})
                )
        return _render_action_form(request, action, form, milestones, show_errors=True)
    form = ActionForm(instance=instance)
    milestones = MilestoneFormSet(
        prefix="milestones", initial=milestone_initial(action) if action else None
    )
    return _render_action_form(request, action, form, milestones, show_errors=False)


def _render_action_form(
    request: HttpRequest,
    action: Action | None,
    form: ActionForm,
    milestones: Any,
    *,
    show_errors: bool,
) -> HttpResponse:
    errors = show_errors and (bool(form.errors) or any(f.errors for f in milestones.forms))
    return render(
        request,
        "taskforce/members/action_form.html",
        {
            "action": action,
            "form": form if show_errors else _quiet(form),
            "milestones": milestones,
            "formsets": [milestones],
            "has_errors": errors,
            "may_submit": action is not None
            and action.review in (Action.Review.DRAFT, Action.Review.RETURNED)
            and request.user.has_perm("taskforce.submit_action", action),
        },
        status=400 if errors else 200,
    )


def _quiet(form: Any) -> Any:
    """After "Add another", show what was typed without complaining about what is missing."""
    if form.is_bound:
        form.is_valid()
        form._errors = ErrorDict()
    return form


@login_required
def action_create_view(request: HttpRequest) -> HttpResponse:
    _check(request, "taskforce.add_action")
    return _action_form_page(request, action=None)


@login_required
def action_edit_view(request: HttpRequest, reference: str) -> HttpResponse:
    action = _get_action(request, reference, "taskforce.change_action")
    return _action_form_page(request, action=action)


@login_required
@require_POST
def action_submit_view(request: HttpRequest, reference: str) -> HttpResponse:
    action = _get_action(request, reference, "taskforce.submit_action")
    try:
        action_submit(action=action, by=request.user)  # type: ignore[arg-type]
    except WorkflowError as problem:
        messages.warning(request, str(problem))
    else:
        messages.success(
            request,
            _("%(reference)s is waiting for review by a taskforce lead or council staff.")
            % {"reference": action.reference},
        )
    return HttpResponseRedirect(reverse("taskforce:my-actions"))


# --- Updates -------------------------------------------------------------------------------


@login_required
def update_create_view(request: HttpRequest, reference: str) -> HttpResponse:
    action = _get_action(request, reference, "taskforce.post_update")
    if action.review != Action.Review.PUBLISHED:
        messages.warning(request, _("You can post updates once the action is published."))
        return HttpResponseRedirect(reverse("taskforce:my-actions"))
    show_errors = request.method == "POST"
    if request.method == "POST":
        form = UpdateForm(request.POST, action=action)
        if _add_row(request, EvidenceFormSet(prefix="evidence")):
            evidence = _with_extra_row(EvidenceFormSet, request, "evidence")
            form = UpdateForm(request.POST, action=action)
            form = _quiet(form)  # type: ignore[assignment]
            show_errors = False
        else:
            evidence = EvidenceFormSet(request.POST, request.FILES, prefix="evidence")
            if form.is_valid() and evidence.is_valid():
                try:
                    update = update_post(
                        action=action,
                        by=request.user,  # type: ignore[arg-type]
                        body=form.cleaned_data["body"],
                        status=form.cleaned_data["status"],
                        progress=form.cleaned_data["progress"],
                        evidence=evidence_inputs(evidence),
                    )
                except WorkflowError as problem:
                    form.add_error(None, str(problem))
                else:
                    if update.review == ActionUpdate.Review.PUBLISHED:
                        messages.success(request, _("Your update is published."))
                    else:
                        messages.success(
                            request,
                            _(
                                "Your update is waiting for review. It will show in public once "
                                "a taskforce lead or council staff publish it."
                            ),
                        )
                    return HttpResponseRedirect(reverse("taskforce:my-actions"))
    else:
        form = UpdateForm(action=action)
        evidence = EvidenceFormSet(prefix="evidence")
    return render(
        request,
        "taskforce/members/update_form.html",
        {
            "action": action,
            "form": form,
            "evidence": evidence,
            "formsets": [evidence],
            "has_errors": show_errors
            and (bool(form.errors) or any(f.errors for f in evidence.forms)),
            "publishes_directly": may_publish_directly(request.user),  # type: ignore[arg-type]
        },
        status=400
        if show_errors and (form.errors or any(f.errors for f in evidence.forms))
        else 200,
    )


# --- Review ----------------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _check(request, "taskforce.review_action")
    return render(
        request,
        "taskforce/members/review_queue.html",
        {"actions": review_queue_actions(), "updates": review_queue_updates()},
    )


@login_required
def action_review_view(request: HttpRequest, reference: str) -> HttpResponse:
    action = _get_action(request, reference, "taskforce.review_action")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action_review(
                action=action,
                by=request.user,  # type: ignore[arg-type]
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except AlreadyReviewed as problem:
            messages.info(request, str(problem))
        except WorkflowError as problem:
            form.add_error("note", str(problem))
        else:
            messages.success(
                request,
                _("%(reference)s is published.") % {"reference": action.reference}
                if form.cleaned_data["decision"] == "publish"
                else _("%(reference)s is returned with your note.")
                % {"reference": action.reference},
            )
            return HttpResponseRedirect(reverse("taskforce:review-queue"))
        if not form.errors:
            return HttpResponseRedirect(reverse("taskforce:review-queue"))
    return render(
        request,
        "taskforce/members/action_review.html",
        {"action": action, "form": form, "waiting": action.review == Action.Review.SUBMITTED},
        status=400 if form.errors else 200,
    )


@login_required
def update_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    update = _get_update(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            update_review(
                update=update,
                by=request.user,  # type: ignore[arg-type]
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except AlreadyReviewed as problem:
            messages.info(request, str(problem))
        except WorkflowError as problem:
            form.add_error("note", str(problem))
        else:
            messages.success(
                request,
                _("The update is published.")
                if form.cleaned_data["decision"] == "publish"
                else _("The update is returned with your note."),
            )
            return HttpResponseRedirect(reverse("taskforce:review-queue"))
        if not form.errors:
            return HttpResponseRedirect(reverse("taskforce:review-queue"))
    return render(
        request,
        "taskforce/members/update_review.html",
        {
            "update": update,
            "action": update.action,
            "form": form,
            "waiting": update.review == ActionUpdate.Review.SUBMITTED,
        },
        status=400 if form.errors else 200,
    )
