"""The hub desk: hub staff (organisation editors) and council staff type in responses people
gave on paper, by phone, in person, at an event or by letter (namespace "engagement", under
/have-your-say/hub-desk/, since hub staff are not council staff).

The whole survey is on one page, for fast entry from a pile of paper forms. After each one the
page comes back empty (keeping the way it came in and the hub, which rarely change within a
pile), with the reference of the one just entered. Typing the same form in twice is noticed
from a digest of the answers kept in the entering person's session for ten minutes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luton2040.accounts.rules import is_organisation_editor, staff_with_mfa
from luton2040.places.selectors import ward_list

from ..forms.answers import SectionAnswersForm
from ..forms.equality import EqualityMonitoringForm
from ..forms.hub_desk import HubDeskEntryForm
from ..models import Consultation, Question, Section
from ..selectors import representation as selectors
from ..selectors.responses import survey_sections
from ..services.hub_desk import answers_fingerprint, hub_desk_response_enter

SESSION_KEY = "engagement.hub_desk"
# Paper forms entered twice are usually entered minutes apart, from the same pile.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
TEMPLATES = "engagement/hub_desk/"

works_the_desk = staff_with_mfa | is_organisation_editor


def _check_desk_user(request: HttpRequest) -> None:
    """The access helper for the list: council staff and organisation editors."""
    if not works_the_desk(request.user):
        raise PermissionDenied


def _get_consultation_for_desk(request: HttpRequest, slug: str) -> Consultation:
    """The access helper for a consultation's entry page: a published consultation (a draft
    does not exist here) that takes assisted responses now, for someone who works the desk."""
    _check_desk_user(request)
    consultation = (
        Consultation.objects.exclude(status=Consultation.Status.DRAFT).filter(slug=slug).first()
    )
    if consultation is None:
        raise Http404
    if not request.user.has_perm("engagement.enter_assisted_response", consultation):
        raise PermissionDenied
    return consultation


# --- the session: recent entries and the last channel and hub --------------------------------


def _state(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY) or {})


def _recent_duplicate(
    request: HttpRequest, consultation: Consultation, fingerprint: str
) -> dict[str, Any] | None:
    since = (timezone.now() - DUPLICATE_WINDOW).timestamp()
    for entry in reversed(_state(request).get("recent", [])):
        if entry["c"] == consultation.pk and entry["f"] == fingerprint and entry["t"] >= since:
            return entry
    return None


def _remember(
    request: HttpRequest,
    consultation: Consultation,
    *,
    fingerprint: str,
    reference: int,
    channel: str,
    hub_id: int | None,
) -> None:
    now = timezone.now().timestamp()
    since = now - DUPLICATE_WINDOW.total_seconds()
    state = _state(request)
    # Only the last ten minutes are kept: the session holds no history of what was entered.
    recent = [entry for entry in state.get("recent", []) if entry["t"] >= since]
    recent.append({"c": consultation.pk, "f": fingerprint, "t": now, "ref": reference})
    last = dict(state.get("last", {}))
    last[str(consultation.pk)] = {"channel": channel, "hub": hub_id}
    request.session[SESSION_KEY] = {"recent": recent, "last": last}


# --- pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    _check_desk_user(request)
    consultations = list(selectors.consultations_taking_assisted_responses())
    return render(
        request,
        TEMPLATES + "desk.html",
        {
            "rows": [
                {
                    "consultation": consultation,
                    "closes_on": timezone.localdate(consultation.closes_at),
                    "postal_until": selectors.postal_grace_ends(consultation),
                }
                for consultation in consultations
            ]
        },
    )


def _section_forms(
    request: HttpRequest, sections: list[Section], *, bound: bool
) -> list[SectionAnswersForm]:
    forms = [
        SectionAnswersForm(
            section=section,
            questions=section.questions.all(),
            data=request.POST if bound else None,
            prefix=f"s{section.pk}",
            # A paper form may have gaps: enter what is there, and check what was written.
            require_answers=False,
        )
        for section in sections
    ]
    if any(q.kind == Question.Kind.WARD for form in forms for q in form.questions):
        # Each form lists the wards once for its own ward questions; on one page with every
        # section, one list serves them all (without it: a query per section that asks).
        wards = list(ward_list())
        for form in forms:
            form._ward_list = wards  # type: ignore[attr-defined]
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_for_desk(request, slug)
    sections = survey_sections(consultation=consultation)
    hubs = selectors.hubs_for_desk(request.user)
    any_hub = bool(staff_with_mfa(request.user))
    bound = request.method == "POST"
    last = _state(request).get("last", {}).get(str(consultation.pk), {})
    entry_form = HubDeskEntryForm(
        request.POST if bound else None,
        consultation=consultation,
        hubs=hubs,
        any_hub=any_hub,
        initial=last,
    )
    if not bound and not last and not any_hub:
        only = list(hubs[:2])
        if len(only) == 1:  # one hub: it is the one
            entry_form.initial["hub"] = only[0].pk
    section_forms = _section_forms(request, sections, bound=bound)
    equality_form = (
        EqualityMonitoringForm(request.POST if bound else None, prefix="equality")
        if consultation.ask_equality_questions
        else None
    )
    forms = [form for form in [entry_form, *section_forms, equality_form] if form is not None]
    duplicate = None
    nothing_entered = False
    # Every form is checked (no short-circuit), so every error shows at once.
    valid = [form.is_valid() for form in forms]
    if bound and all(valid):
        answers: dict[int, Any] = {}
        for form in section_forms:
            answers.update(form.answers())
        equality = (
            equality_form.cleaned_data
            if equality_form is not None and equality_form.has_answers()
            else None
        )
        fingerprint = answers_fingerprint(answers=answers, equality=equality)
        if not any(value not in (None, "") for value in answers.values()) and not equality:
            nothing_entered = True
        elif request.POST.get("confirm_duplicate") != fingerprint and (
            duplicate := _recent_duplicate(request, consultation, fingerprint)
        ):
            duplicate = dict(duplicate, fingerprint=fingerprint)
        else:
            hub = entry_form.cleaned_data["hub"]
            response = hub_desk_response_enter(
                consultation=consultation,
                answers=answers,
                channel=entry_form.cleaned_data["channel"],
                entered_by=request.user,  # type: ignore[arg-type]
                hub=hub,
                equality=equality,
                hear_back_email=entry_form.cleaned_data["hear_back_email"],
            )
            _remember(
                request,
                consultation,
                fingerprint=fingerprint,
                reference=response.pk,
                channel=entry_form.cleaned_data["channel"],
                hub_id=hub.pk if hub else None,
            )
            messages.success(
                request,
                _("Response entered (reference %(reference)s). The form is ready for the next one.")
                % {"reference": response.pk},
            )
            return HttpResponseRedirect(
                reverse("engagement:hub-desk-entry", kwargs={"slug": consultation.slug})
            )
    has_errors = nothing_entered or any(form.errors for form in forms)
    minutes_ago = (
        max(0, int((timezone.now().timestamp() - duplicate["t"]) // 60)) if duplicate else None
    )
    return render(
        request,
        TEMPLATES + "enter.html",
        {
            "consultation": consultation,
            "entry_form": entry_form,
            "sections": [
                {"section": section, "form": form, "items": form.items()}
                for section, form in zip(sections, section_forms, strict=True)
            ],
            "equality_form": equality_form,
            "has_errors": has_errors,
            "nothing_entered": nothing_entered,
            "duplicate": duplicate,
            "minutes_ago": minutes_ago,
            "closed": consultation.status == Consultation.Status.CLOSED,
            "closes_on": timezone.localdate(consultation.closes_at),
            "postal_until": selectors.postal_grace_ends(consultation),
        },
        status=400 if has_errors else 200,
    )
