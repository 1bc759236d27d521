"""Residents responding to a consultation: the start page, one page per survey section, the
optional "about you" (equality monitoring) page, check your answers, and the confirmation;
"save and come back later" by emailed link; changing a response until the consultation closes.

Where the response being written lives:

- signed in: an in-progress Response on their account, so no answer is lost when the session
  ends (found again by account);
- anonymous: an in-progress Response with no person on it, found by a random token whose
  SHA-256 is on the row and whose value is in the session (or in the emailed link). Nothing
  about the person, their IP address included, is stored.

Equality monitoring answers wait in the session until the response is sent, then are stored
apart from it (so they are never on the draft). Every page works with JavaScript off.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from luton2040.ratelimit import client_address, over_limit

from ..forms.answers import SectionAnswersForm
from ..forms.equality import EqualityMonitoringForm
from ..forms.respond import CheckAnswersForm, SaveForLaterForm, StartForm, is_bot
from ..models import Consultation, Question, Response, Section
from ..selectors import responses as selectors
from ..services import responses as services

SESSION_KEY = "engagement.respond"
# Rough minutes a question takes, for "It takes about N minutes" on the start page.
MINUTES_PER_QUESTION = {Question.Kind.LONG_TEXT: 3.0, Question.Kind.SHORT_TEXT: 1.0}
MINUTES_OTHERWISE = 0.5
TEMPLATES = "engagement/respond/"


# --- the session's part: which response this browser is writing -----------------------------


def _state(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY, {}).get(str(consultation.pk), {}))


def _set_state(request: HttpRequest, consultation: Consultation, state: dict[str, Any]) -> None:
    everything = dict(request.session.get(SESSION_KEY, {}))
    everything[str(consultation.pk)] = state
    request.session[SESSION_KEY] = everything


def _update_state(request: HttpRequest, consultation: Consultation, **changes: Any) -> None:
    _set_state(request, consultation, {**_state(request, consultation), **changes})


# --- access helpers --------------------------------------------------------------------------


def _get_consultation(slug: str) -> Consultation:
    """The access helper for respond pages: any published consultation (each page then says
    whether it is open); a draft or an unknown address is a 404, for staff too (they preview
    the survey in the builder)."""
    consultation = selectors.consultation_for_responding(slug=slug)
    if consultation is None or consultation.status == Consultation.Status.DRAFT:
        raise Http404("no such consultation")
    return consultation


def _may_respond(request: HttpRequest, consultation: Consultation) -> bool:
    """The rule "engagement.respond": the consultation is open (anyone may try; who may send
    is then the consultation's own choice, signed in or anonymous)."""
    return request.user.has_perm("engagement.respond", consultation)


def _current_response(request: HttpRequest, consultation: Consultation) -> Response | None:
    """The access helper for responses: the one this browser is writing or changing, and only
    if it is theirs (their account's, or the one whose secret token this session holds)."""
    state = _state(request, consultation)
    user = request.user
    if state.get("token"):
        response = selectors.response_by_token(consultation=consultation, token=state["token"])
        if response is not None and response.respondent_id in (None, user.pk):
            return response
        return None
    if not user.is_authenticated:
        return None
    if state.get("changing"):
        response = selectors.sent_response_for(consultation=consultation, user=user)
        if response is not None and user.has_perm("engagement.change_response", response):
            return response
        return None
    return selectors.draft_for(consultation=consultation, user=user)


def _login_url(request: HttpRequest, consultation: Consultation) -> str:
    next_url = reverse("engagement:respond", kwargs={"slug": consultation.slug})
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _needs_sign_in(request: HttpRequest, consultation: Consultation) -> bool:
    return not consultation.allow_anonymous and not request.user.is_authenticated


# Anonymous starts are counted too (each makes a draft row), more generously than sends: a
# person may start, leave and start again.
STARTS_PER_SEND = 3


def _over_limit(request: HttpRequest, what: str) -> bool:
    """More than ENGAGEMENT_RESPONSES_PER_MINUTE sends (or links asked for: ``what``; or three
    times as many anonymous starts) from this IP address this minute. The cache key is a keyed
    hash of the address and expires with the minute; the address is never stored, and a person
    who waits a minute is never locked out. 0 or less switches the limit off (the benchmark)."""
    amount = settings.ENGAGEMENT_RESPONSES_PER_MINUTE
    if amount <= 0:
        return False
    if what == "start":
        amount *= STARTS_PER_SEND
    return over_limit(
        f"engagement:respond:{what}", client_address(request), amount=amount, seconds=60
    )


# --- where to go next ------------------------------------------------------------------------


def _section_url(consultation: Consultation, number: int, *, change: bool = False) -> str:
    url = reverse(
        "engagement:respond-section", kwargs={"slug": consultation.slug, "number": number}
    )
    return f"{url}?change=1" if change else url


def _url(name: str, consultation: Consultation) -> str:
    return reverse(f"engagement:{name}", kwargs={"slug": consultation.slug})


def _after_sections_url(consultation: Consultation, response: Response) -> str:
    if consultation.ask_equality_questions and response.status == Response.Status.IN_PROGRESS:
        return _url("respond-equality", consultation)
    return _url("respond-check", consultation)


def _resume_url(consultation: Consultation, response: Response, sections: list[Section]) -> str:
    if response.status == Response.Status.SUBMITTED:
        return _url("respond-check", consultation)
    if response.last_section < len(sections):
        return _section_url(consultation, response.last_section + 1)
    return _after_sections_url(consultation, response)


def estimated_minutes(sections: list[Section]) -> int:
    minutes = sum(
        MINUTES_PER_QUESTION.get(question.kind, MINUTES_OTHERWISE)  # type: ignore[call-overload]
        for section in sections
        for question in section.questions.all()
    )
    return max(1, math.ceil(minutes))


# --- pages when responding is not possible ---------------------------------------------------


def _not_open(
    request: HttpRequest,
    consultation: Consultation,
    *,
    typed: list[tuple[str, str]] | None = None,
    response: Response | None = None,
    status: int = 200,
) -> HttpResponse:
    """Forthcoming or closed: say so plainly, and show anything the person typed or saved so
    nothing is lost without them knowing."""
    saved = selectors.answers_for_display(response) if response is not None else []
    return render(
        request,
        TEMPLATES + "not_open.html",
        {
            "consultation": consultation,
            "forthcoming": consultation.status == Consultation.Status.FORTHCOMING,
            "typed": typed or [],
            "saved": [section for section in saved if any(row.answered for row in section.rows)],
        },
        status=status,
    )


def _already_responded(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "already_responded.html",
        {"consultation": consultation, "is_open": _may_respond(request, consultation)},
        status=409,
    )


def _too_many(request: HttpRequest, consultation: Consultation, back_url: str) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "too_many.html",
        {"consultation": consultation, "back_url": back_url},
        status=429,
    )


# --- the journey -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """What the consultation asks, how long it takes, and how to respond; "Start now"."""
    consultation = _get_consultation(slug)
    if not _may_respond(request, consultation):
        return _not_open(request, consultation, status=200 if request.method == "GET" else 403)
    sections = selectors.survey_sections(consultation=consultation)
    user = request.user
    offer_anonymous = user.is_authenticated and consultation.allow_anonymous
    form = StartForm(request.POST if offer_anonymous and request.method == "POST" else None)
    state = _state(request, consultation)
    own_draft = _current_response(request, consultation) if not state.get("changing") else None
    sent = (
        selectors.sent_response_for(consultation=consultation, user=user)
        if user.is_authenticated
        else None
    )
    if request.method == "POST" and sections:
        if _needs_sign_in(request, consultation):
            return HttpResponseRedirect(_login_url(request, consultation))
        if own_draft is not None and own_draft.status == Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(_resume_url(consultation, own_draft, sections))
        if not offer_anonymous or form.is_valid():
            anonymous = not user.is_authenticated or (
                offer_anonymous and form.cleaned_data["how"] == StartForm.ANONYMOUS
            )
            if anonymous and _over_limit(request, "start"):
                return _too_many(request, consultation, _url("respond", consultation))
            try:
                response, token = services.response_start(
                    consultation=consultation,
                    respondent=None if anonymous else user,  # type: ignore[arg-type]
                )
            except services.AlreadyResponded:
                return HttpResponseRedirect(_url("respond", consultation))
            _set_state(request, consultation, {"token": token} if token else {})
            return HttpResponseRedirect(_resume_url(consultation, response, sections))
    return render(
        request,
        TEMPLATES + "start.html",
        {
            "consultation": consultation,
            "sections": sections,
            "minutes": estimated_minutes(sections),
            "needs_sign_in": _needs_sign_in(request, consultation),
            "login_url": _login_url(request, consultation),
            "signup_url": f"{reverse('account_signup')}?"
            + urlencode({"next": _url("respond", consultation)}),
            "form": form if offer_anonymous else None,
            "draft": own_draft
            if own_draft and own_draft.status == Response.Status.IN_PROGRESS
            else None,
            "sent": sent,
            "one_each": consultation.one_response_per_person,
            "closes_on": timezone.localdate(consultation.closes_at),
        },
        status=400 if form.errors else 200,
    )


def _journey(
    request: HttpRequest, slug: str
) -> tuple[Consultation, Response | None, HttpResponse | None]:
    """What every page after the start needs: the consultation, the response being written,
    or the page to answer with instead (sign in, start first, closed)."""
    consultation = _get_consultation(slug)
    response = _current_response(request, consultation)
    if not _may_respond(request, consultation):
        if request.method == "POST":
            return consultation, response, None  # the view shows what was typed
        return consultation, response, _not_open(request, consultation, response=response)
    if response is None:
        if _needs_sign_in(request, consultation):
            return consultation, None, HttpResponseRedirect(_login_url(request, consultation))
        return consultation, None, HttpResponseRedirect(_url("respond", consultation))
    return consultation, response, None


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One page of the survey: "Section 2 of 4", its questions, "Save and continue"."""
    consultation, response, answer = _journey(request, slug)
    if answer is not None:
        return answer
    sections = selectors.survey_sections(consultation=consultation)
    if not 1 <= number <= len(sections):
        raise Http404("no such section")
    page = sections[number - 1]
    questions = list(page.questions.all())
    saving_for_later = request.POST.get("action") == "save-later"
    editing = response is not None and response.status == Response.Status.SUBMITTED
    form = SectionAnswersForm(
        section=page,
        questions=questions,
        data=request.POST if request.method == "POST" else None,
        initial=selectors.answer_values(response=response) if response else {},
        require_answers=not saving_for_later,
    )
    if not _may_respond(request, consultation) or response is None:
        # Sent after the consultation closed: say so, and show what was typed, so it is not
        # lost without the person knowing.
        return _not_open(request, consultation, typed=_typed(form), response=response, status=403)
    if request.method == "POST":
        if is_bot(request.POST):
            _update_state(request, consultation, bot=True)
        if form.is_valid():
            answers = form.answers()
            if editing:
                try:
                    services.response_update(response=response, answers=answers)
                except services.ResponseClosed:
                    return _not_open(request, consultation, typed=_typed(form), status=403)
                return HttpResponseRedirect(_url("respond-check", consultation))
            if saving_for_later and consultation.allow_save_and_return:
                services.response_save_progress(
                    response=response, answers=answers, last_section=number - 1
                )
                return HttpResponseRedirect(_url("respond-save", consultation))
            services.response_save_progress(response=response, answers=answers, last_section=number)
            if request.GET.get("change"):
                return HttpResponseRedirect(_url("respond-check", consultation))
            if number < len(sections):
                return HttpResponseRedirect(_section_url(consultation, number + 1))
            return HttpResponseRedirect(_after_sections_url(consultation, response))
    back_url = (
        _url("respond-check", consultation)
        if editing or request.GET.get("change")
        else _section_url(consultation, number - 1)
        if number > 1
        else _url("respond", consultation)
    )
    return render(
        request,
        TEMPLATES + "section.html",
        {
            "consultation": consultation,
            "section": page,
            "number": number,
            "total": len(sections),
            "form": form,
            "items": form.items(),
            "editing": editing,
            "changing_one": bool(request.GET.get("change")),
            "offer_save_for_later": consultation.allow_save_and_return and not editing,
            "back_url": back_url,
        },
        status=400 if form.errors else 200,
    )


def _typed(form: SectionAnswersForm) -> list[tuple[str, str]]:
    """What the person typed on a page, question by question, as text to copy."""
    rows = []
    for item in form.items():
        if item.choices and item.kind != Question.Kind.WARD:
            text = ", ".join(choice.label for choice in item.choices if choice.checked)
            if item.other is not None and item.other_checked:
                text = ", ".join(filter(None, [text, str(item.other.value() or "")]))
        elif item.kind == Question.Kind.WARD:
            text = ", ".join(c.label for c in item.choices if c.checked and c.value)
        elif item.parts:
            text = " ".join(f"{part.label} {part.value}" for part in item.parts if part.value)
        else:
            text = item.value
        if text.strip():
            rows.append((item.question.text, text))
    return rows


@require_http_methods(["GET", "POST"])
def equality(request: HttpRequest, slug: str) -> HttpResponse:
    """The optional equality monitoring questions, kept in the session until the response is
    sent and then stored apart from it."""
    consultation, response, answer = _journey(request, slug)
    if answer is not None:
        return answer
    if response is None or not _may_respond(request, consultation):
        return _not_open(request, consultation, response=response, status=403)
    if not consultation.ask_equality_questions or response.status != Response.Status.IN_PROGRESS:
        raise Http404("no equality questions here")
    state = _state(request, consultation)
    form = EqualityMonitoringForm(
        request.POST if request.method == "POST" else None, initial=state.get("equality") or {}
    )
    if request.method == "POST" and form.is_valid():
        stored = {
            name: (value.pk if hasattr(value, "pk") else value)
            for name, value in form.cleaned_data.items()
            if value
        }
        _update_state(request, consultation, equality=stored)
        return HttpResponseRedirect(_url("respond-check", consultation))
    sections = selectors.survey_sections(consultation=consultation)
    return render(
        request,
        TEMPLATES + "equality.html",
        {
            "consultation": consultation,
            "form": form,
            "back_url": _section_url(consultation, len(sections)) if sections else None,
        },
        status=400 if form.errors else 200,
    )


def _equality_answers(
    consultation: Consultation, state: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The equality answers waiting in the session: cleaned (for equality_record) and as
    (question, answer) rows to check."""
    stored = state.get("equality") or {}
    if not consultation.ask_equality_questions or not stored:
        return None, []
    form = EqualityMonitoringForm(data=stored)
    if not form.is_valid():
        return None, []
    rows = []
    for name in EqualityMonitoringForm.Meta.fields:
        value = form.cleaned_data.get(name)
        if not value:
            continue
        field = form.fields[name]
        label = str(value) if name == "ward" else dict(field.choices).get(value, value)  # type: ignore[attr-defined]
        rows.append((str(field.label), str(label)))
    return form.cleaned_data, rows


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, slug: str) -> HttpResponse:
    """Check your answers (with Change links back to here), the receipt and hear-back
    choices, and "Send"."""
    consultation, response, answer = _journey(request, slug)
    if answer is not None:
        return answer
    if response is None or not _may_respond(request, consultation):
        return _not_open(request, consultation, response=response, status=403)
    sections = selectors.survey_sections(consultation=consultation)
    values = selectors.answer_values(response=response)
    unanswered = selectors.first_unanswered_section(sections=sections, values=values)
    if unanswered is not None:
        return HttpResponseRedirect(_section_url(consultation, unanswered))
    editing = response.status == Response.Status.SUBMITTED
    anonymous = response.respondent_id is None
    state = _state(request, consultation)
    form = CheckAnswersForm(
        request.POST if request.method == "POST" else None,
        needs_email=anonymous,
        offer_hear_back=not editing,
    )
    if request.method == "POST" and form.is_valid():
        if form.is_bot or state.get("bot"):
            # Answer as to a person, so the bot learns nothing; keep nothing it wrote.
            if not editing:
                services.response_discard(response=response)
            _set_state(request, consultation, {"sent": {"changed": editing}})
            return HttpResponseRedirect(_url("respond-sent", consultation))
        if _over_limit(request, "send"):
            return _too_many(request, consultation, _url("respond-check", consultation))
        return _send(request, consultation, response, form, state, editing=editing)
    _cleaned, equality_rows = _equality_answers(consultation, state)
    return render(
        request,
        TEMPLATES + "check.html",
        {
            "consultation": consultation,
            "form": form,
            "sections": selectors.answers_for_display(response, sections=sections),
            "equality_rows": equality_rows,
            "ask_equality": consultation.ask_equality_questions and not editing,
            "editing": editing,
            "anonymous": anonymous,
            "account_email": "" if anonymous else request.user.email,  # type: ignore[union-attr]
            "back_url": _section_url(consultation, len(sections))
            if editing or not consultation.ask_equality_questions
            else _url("respond-equality", consultation),
        },
        status=400 if form.errors else 200,
    )


def _send(
    request: HttpRequest,
    consultation: Consultation,
    response: Response,
    form: CheckAnswersForm,
    state: dict[str, Any],
    *,
    editing: bool,
) -> HttpResponse:
    cleaned = form.cleaned_data
    anonymous = response.respondent_id is None
    email = cleaned.get("email", "") if anonymous else request.user.email  # type: ignore[union-attr]
    receipt_email = email if cleaned.get("receipt") else ""
    if editing:
        try:
            response = services.response_update(
                response=response, answers={}, receipt_email=receipt_email
            )
        except services.ResponseClosed:
            return _not_open(request, consultation, response=response, status=403)
    else:
        equality, _rows = _equality_answers(consultation, state)
        try:
            response = services.response_submit(
                consultation=consultation,
                answers={},
                draft=response,
                equality=equality,
                hear_back=bool(cleaned.get("hear_back")),
                hear_back_email=email if anonymous and cleaned.get("hear_back") else "",
                receipt_email=receipt_email,
            )
        except services.AlreadyResponded:
            return _already_responded(request, consultation)
    token = getattr(response, "secret_token", "") or (state.get("token", "") if anonymous else "")
    sent: dict[str, Any] = {"changed": editing, "receipt": bool(receipt_email)}
    new_state: dict[str, Any] = {"sent": sent}
    if anonymous and token:
        # Kept so this browser can show the change link and come back to change it.
        new_state["token"] = token
        sent["token"] = token
    _set_state(request, consultation, new_state)
    return HttpResponseRedirect(_url("respond-sent", consultation))


@require_GET
def sent(request: HttpRequest, slug: str) -> HttpResponse:
    """The confirmation: a GOV.UK panel, what happens next, and how to change the response."""
    consultation = _get_consultation(slug)
    state = _state(request, consultation)
    done = state.get("sent")
    if (
        done is None
        and request.user.is_authenticated
        and selectors.sent_response_for(consultation=consultation, user=request.user)
    ):
        done = {}  # sent from another browser: their response is on their account
    if done is None:
        return HttpResponseRedirect(_url("respond", consultation))
    change_url = ""
    if done.get("token"):
        change_url = request.build_absolute_uri(
            reverse(
                "engagement:respond-return",
                kwargs={"slug": consultation.slug, "token": done["token"]},
            )
        )
    return render(
        request,
        TEMPLATES + "sent.html",
        {
            "consultation": consultation,
            "changed": done.get("changed", False),
            "receipt": done.get("receipt", False),
            "change_url": change_url,
            "signed_in_change": request.user.is_authenticated and not done.get("token"),
            "closes_on": timezone.localdate(consultation.closes_at),
            "outcome_due": consultation.outcome_due,
        },
    )


@require_http_methods(["GET", "POST"])
def save_for_later(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Save and come back later": a signed-in person's answers are on their account already;
    anyone else gets a link by email (the address is not kept with the response)."""
    consultation, response, answer = _journey(request, slug)
    if answer is not None:
        return answer
    if response is None or not _may_respond(request, consultation):
        return _not_open(request, consultation, response=response, status=403)
    if not consultation.allow_save_and_return or response.status != Response.Status.IN_PROGRESS:
        raise Http404("save and return is not offered here")
    sections = selectors.survey_sections(consultation=consultation)
    context: dict[str, Any] = {
        "consultation": consultation,
        "closes_on": timezone.localdate(consultation.closes_at),
        "resume_url": _resume_url(consultation, response, sections),
    }
    if response.respondent_id is not None:
        return render(request, TEMPLATES + "saved.html", {**context, "on_account": True})
    form = SaveForLaterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            return render(request, TEMPLATES + "saved.html", {**context, "emailed": True})
        if _over_limit(request, "link"):
            return _too_many(request, consultation, _url("respond-save", consultation))
        token = services.response_send_resume_link(
            response=response, email=form.cleaned_data["email"]
        )
        _update_state(request, consultation, token=token)
        return render(
            request,
            TEMPLATES + "saved.html",
            {**context, "emailed": True, "email": form.cleaned_data["email"]},
        )
    return render(
        request,
        TEMPLATES + "save.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def change(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Change your response" for a signed-in respondent: back to check your answers."""
    consultation = _get_consultation(slug)
    if not request.user.is_authenticated:
        login = reverse("account_login")
        return HttpResponseRedirect(f"{login}?{urlencode({'next': request.path})}")
    response = selectors.sent_response_for(consultation=consultation, user=request.user)
    if response is None:
        return HttpResponseRedirect(_url("respond", consultation))
    if not request.user.has_perm("engagement.change_response", response):
        return _not_open(request, consultation, response=response, status=403)
    _set_state(request, consultation, {"changing": True})
    return HttpResponseRedirect(_url("respond-check", consultation))


@require_GET
def come_back(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A secret link (save and return, or the change link in a receipt): this browser then
    carries on with that response, and the address bar loses the token."""
    consultation = _get_consultation(slug)
    response = selectors.response_by_token(consultation=consultation, token=token)
    if response is None:
        return render(
            request, TEMPLATES + "link_not_working.html", {"consultation": consultation}, status=404
        )
    if not _may_respond(request, consultation):
        return _not_open(request, consultation, response=response, status=403)
    _set_state(request, consultation, {"token": token})
    sections = selectors.survey_sections(consultation=consultation)
    return HttpResponseRedirect(_resume_url(consultation, response, sections))
