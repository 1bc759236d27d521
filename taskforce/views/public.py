"""Public pages: the tracker, an action, an outcome, and the open data downloads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .. import downloads, extensions
from ..filters import ActionFilter
from ..models import Action, Evidence, Indicator, Milestone, Outcome
from ..selectors import outcome_list
from ..selectors.indicators import indicators_for_outcome
from ..selectors.tracker import (
    action_for_page,
    action_sub_actions,
    action_timeline,
    outcome_for_page,
    outcome_summaries,
    outcome_with_summary,
    public_actions,
    tracker_action_list,
)
from .indicators import indicator_charts

ACTIONS_PER_PAGE = 20


def _page(request: HttpRequest, items: Any, per_page: int = ACTIONS_PER_PAGE) -> dict[str, Any]:
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }


def index(request: HttpRequest) -> HttpResponse:
    """The tracker: a summary per outcome, then the public actions, filtered."""
    filterset = ActionFilter(request.GET or None, queryset=public_actions())
    valid = filterset.is_bound is False or filterset.is_valid()
    actions = tracker_action_list(actions=filterset.qs if valid else Action.objects.none())
    outcomes = list(outcome_list())
    summaries = outcome_summaries(outcomes=outcomes)
    download_query = request.GET.copy()
    download_query.pop("page", None)
    return render(
        request,
        "taskforce/index.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "filters_valid": valid,
            "download_query": download_query.urlencode() if valid else "",
            "selected_filters": filterset.selected() if valid else [],
            "outcome_summaries": [(outcome, summaries[outcome.pk]) for outcome in outcomes],
            "today": timezone.localdate(),
            **_page(request, actions),
        },
    )


def outcome_list_page(request: HttpRequest) -> HttpResponse:
    outcomes = list(outcome_list())
    summaries = outcome_summaries(outcomes=outcomes)
    return render(
        request,
        "taskforce/outcome_list.html",
        {"outcome_summaries": [(outcome, summaries[outcome.pk]) for outcome in outcomes]},
    )


def _get_action_for_viewer(request: HttpRequest, reference: str) -> Action:
    """The access helper for actions on public pages: public ones for everyone, the rest only
    for those taskforce.view_action allows (the taskforce and council staff; drafts only their
    owners and reviewers). Anyone else gets a 404, not a 403, so the address does not confirm
    that an internal or unpublished action exists."""
    action = action_for_page(reference=reference)
    if action is None:
        raise Http404("no such action")
    if action.is_public or request.user.has_perm("taskforce.view_action", action):
        return action
    raise Http404("no such action")


def _evidence_href(evidence: Evidence) -> str:
    if evidence.url:
        return evidence.url
    try:
        return reverse("taskforce:evidence-download", kwargs={"pk": evidence.pk})
    except NoReverseMatch:
        # The download view belongs to the members' area; until it is wired the file is listed
        # by name only.
        return ""


@dataclass(frozen=True)
class MilestoneState:
    milestone: Milestone
    state: str  # "done", "overdue" or "due"


def _milestone_states(milestones: list[Milestone], today: datetime.date) -> list[MilestoneState]:
    states = []
    for milestone in milestones:
        if milestone.completed_on:
            state = "done"
        elif milestone.due_date < today:
            state = "overdue"
        else:
            state = "due"
        states.append(MilestoneState(milestone=milestone, state=state))
    return states


def action_detail(request: HttpRequest, reference: str) -> HttpResponse:
    action = _get_action_for_viewer(request, reference)
    today = timezone.localdate()
    timeline = list(action_timeline(action=action))
    for update in timeline:
        for evidence in update.evidence.all():
            evidence.href = _evidence_href(evidence)  # type: ignore[attr-defined]
    return render(
        request,
        "taskforce/action_detail.html",
        {
            "action": action,
            "is_public": action.is_public,
            "today": today,
            "milestones": _milestone_states(list(action.milestones.all()), today),
            "sub_actions": list(
                action_sub_actions(action=action, include_unpublished=not action.is_public)
            ),
            "timeline": timeline,
            # Consultation decisions and assembly recommendations this action carries out,
            # from the apps that registered them (taskforce/extensions.py).
            "linked_engagement": extensions.action_links(action),
        },
    )


@dataclass(frozen=True)
class IndicatorPanel:
    """One indicator on its outcome's page: its charts and the tables beside them."""

    indicator: Indicator
    charts: dict[str, Any]


def _indicator_panels(outcome: Outcome) -> list[IndicatorPanel]:
    # The same charts and tables as the indicator's own page, always the public view: figures
    # resting on too few people are blank here whoever is reading.
    return [
        IndicatorPanel(indicator=indicator, charts=indicator_charts(indicator, public=True))
        for indicator in indicators_for_outcome(outcome, public=True)
    ]


def outcome_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outcome = outcome_for_page(slug=slug)
    if outcome is None:
        raise Http404("no such outcome")
    actions = tracker_action_list(actions=public_actions().filter(outcomes=outcome))
    return render(
        request,
        "taskforce/outcome_detail.html",
        {
            "outcome": outcome,
            "summary": outcome_with_summary(outcome=outcome),
            "indicator_panels": _indicator_panels(outcome),
            "today": timezone.localdate(),
            **_page(request, actions),
        },
    )


# Open data downloads -----------------------------------------------------------------------


def _filtered_actions(request: HttpRequest) -> Any:
    filterset = ActionFilter(request.GET or None, queryset=public_actions())
    if filterset.is_bound and not filterset.is_valid():
        return None
    return filterset.qs


def _back_to_tracker(request: HttpRequest) -> HttpResponseRedirect:
    # The tracker shows what is wrong with the filters; a file cannot.
    return HttpResponseRedirect(f"{reverse('taskforce:index')}?{request.GET.urlencode()}")


def actions_csv(request: HttpRequest) -> HttpResponseBase:
    actions = _filtered_actions(request)
    if actions is None:
        return _back_to_tracker(request)
    return downloads.actions_csv_response(actions=actions)


def actions_json(request: HttpRequest) -> HttpResponseBase:
    actions = _filtered_actions(request)
    if actions is None:
        return _back_to_tracker(request)
    return downloads.actions_json_response(actions=actions)


def indicator_values_csv(request: HttpRequest) -> HttpResponseBase:
    return downloads.indicator_values_csv_response(outcome_slug=request.GET.get("outcome", ""))


def indicator_values_json(request: HttpRequest) -> HttpResponseBase:
    return downloads.indicator_values_json_response(outcome_slug=request.GET.get("outcome", ""))
