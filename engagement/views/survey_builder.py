"""Council staff build a consultation's survey (namespace "engagement-staff", under
/staff/engagement/consultations/<slug>/survey/): sections in order with their questions, forms
to add and change them, moves, deletes and a preview of each section.

Every page works with JavaScript off: moves are small POST forms, deletes ask first on their
own page. Once anyone has responded, the pages say why questions and options can no longer be
deleted and a question's type cannot change (the services refuse it too).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms.answers import SectionAnswersForm
from ..forms.survey_builder import QuestionForm, SectionForm
from ..models import Consultation, Question, Section
from ..selectors import survey as selectors
from ..services import survey as services

PERMISSION = "engagement.manage_consultation"


# --- Access helpers: one per object type ---------------------------------------------------------


def _get_consultation(request: HttpRequest, slug: str) -> Consultation:
    """The consultation whose survey staff may build. Permission is asked before a missing
    address answers 404, so no one without it learns which drafts exist."""
    consultation = Consultation.objects.filter(slug=slug).first()
    if not request.user.has_perm(PERMISSION, consultation):
        raise PermissionDenied
    if consultation is None:
        raise Http404
    return consultation


def _get_section(request: HttpRequest, slug: str, section_pk: int) -> Section:
    """A section of this consultation's survey; another consultation's section is 404."""
    consultation = _get_consultation(request, slug)
    section = get_object_or_404(Section, pk=section_pk, consultation=consultation)
    section.consultation = consultation
    return section


def _get_question(request: HttpRequest, slug: str, question_pk: int) -> Question:
    """A question of this consultation's survey; another consultation's question is 404."""
    consultation = _get_consultation(request, slug)
    question = get_object_or_404(
        Question.objects.select_related("section"), pk=question_pk, consultation=consultation
    )
    question.consultation = question.section.consultation = consultation
    return question


def _survey_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse("engagement-staff:survey", kwargs={"slug": consultation.slug})
    return f"{url}#{anchor}" if anchor else url


def _up(request: HttpRequest) -> bool:
    return request.POST.get("direction") != "down"


def _moved_message(name: str, *, up: bool) -> str:
    # Said in words as well as shown, for people who cannot see the order change.
    if up:
        return _("Moved up: %(name)s") % {"name": name}
    return _("Moved down: %(name)s") % {"name": name}


# --- The survey ----------------------------------------------------------------------------------


@login_required
@require_GET
def survey_overview(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation(request, slug)
    sections = selectors.survey_outline(consultation)
    number = 0
    for section in sections:
        for question in section.questions.all():
            number += 1
            question.number = number  # type: ignore[attr-defined]
    return render(
        request,
        "engagement/survey_builder/survey_overview.html",
        {
            "consultation": consultation,
            "sections": sections,
            "question_count": number,
            "locked": selectors.survey_is_locked(consultation),
        },
    )


# --- Sections ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def section_add(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation(request, slug)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        section = services.survey_section_add(
            consultation=consultation,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
        messages.success(request, _("Section added. Now add its questions."))
        return HttpResponseRedirect(_survey_url(consultation, f"section-{section.pk}"))
    return render(
        request,
        "engagement/survey_builder/section_form.html",
        {"form": form, "consultation": consultation},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, slug: str, section_pk: int) -> HttpResponse:
    section = _get_section(request, slug, section_pk)
    form = SectionForm(
        request.POST or None, initial={"title": section.title, "intro": section.intro}
    )
    if request.method == "POST" and form.is_valid():
        services.survey_section_update(section=section, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Section saved"))
        return HttpResponseRedirect(_survey_url(section.consultation, f"section-{section.pk}"))
    return render(
        request,
        "engagement/survey_builder/section_form.html",
        {"form": form, "consultation": section.consultation, "section": section},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def section_move(request: HttpRequest, slug: str, section_pk: int) -> HttpResponse:
    section = _get_section(request, slug, section_pk)
    up = _up(request)
    services.survey_section_move(section=section, by=request.user, up=up)  # type: ignore[arg-type]
    messages.success(request, _moved_message(section.title, up=up))
    return HttpResponseRedirect(_survey_url(section.consultation, f"section-{section.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def section_delete(request: HttpRequest, slug: str, section_pk: int) -> HttpResponse:
    section = _get_section(request, slug, section_pk)
    questions = selectors.survey_section_questions(section)
    refused = bool(questions) and selectors.survey_is_locked(section.consultation)
    if request.method == "POST" and not refused:
        try:
            services.survey_section_delete(section=section, by=request.user)  # type: ignore[arg-type]
        except services.SurveyLockedError:
            refused = True  # someone responded since the page was shown
        else:
            messages.success(request, _("Section deleted"))
            return HttpResponseRedirect(_survey_url(section.consultation))
    return render(
        request,
        "engagement/survey_builder/section_delete.html",
        {
            "consultation": section.consultation,
            "section": section,
            "questions": questions,
            "refused": refused,
        },
        status=409 if refused and request.method == "POST" else 200,
    )


@login_required
@require_GET
def section_preview(request: HttpRequest, slug: str, section_pk: int) -> HttpResponse:
    """The section as a respondent sees it: the responding pages' own form and markup, shown
    outside any <form>, so staff can try the controls but nothing is sent."""
    section = _get_section(request, slug, section_pk)
    questions = selectors.survey_section_questions(section)
    sections = list(selectors.survey_sections(section.consultation))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    answers_form = SectionAnswersForm(section=section, questions=questions)
    return render(
        request,
        "engagement/survey_builder/section_preview.html",
        {
            "consultation": section.consultation,
            "section": section,
            "items": answers_form.items(),
            "page_number": index + 1,
            "page_count": len(sections),
            "previous_section": sections[index - 1] if index > 0 else None,
            "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        },
    )


# --- Questions -----------------------------------------------------------------------------------


def _question_page(
    request: HttpRequest,
    form: QuestionForm,
    *,
    section: Section,
    question: Question | None = None,
    locked: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "engagement/survey_builder/question_form.html",
        {
            "form": form,
            "consultation": section.consultation,
            "section": section,
            "question": question,
            "locked": locked,
        },
        status=400 if form.errors else status,
    )


def _locked_message() -> str:
    return _(
        "People responded while you were editing, so this change would remove answers. "
        "Check the question and save it again."
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, slug: str, section_pk: int) -> HttpResponse:
    section = _get_section(request, slug, section_pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = services.survey_question_add(
            section=section,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
        messages.success(request, _("Question added"))
        return HttpResponseRedirect(_survey_url(section.consultation, f"question-{question.pk}"))
    return _question_page(request, form, section=section)


def _question_initial(question: Question) -> dict[str, Any]:
    return {
        "text": question.text,
        "help_text": question.help_text,
        "kind": question.kind,
        "required": question.required,
        "options": "\n".join(option.label for option in question.options.all()),
        "allow_other": question.allow_other,
        "max_choices": question.max_choices,
        "max_length": question.max_length,
        "min_value": question.min_value,
        "max_value": question.max_value,
        "section": question.section_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, question_pk: int) -> HttpResponse:
    question = _get_question(request, slug, question_pk)
    locked = selectors.survey_is_locked(question.consultation)
    option_count = len(question.options.all())
    form = QuestionForm(
        request.POST or None,
        initial=_question_initial(question),
        fixed_kind=question.kind if locked else None,
        existing_options=option_count if locked else 0,
        sections=selectors.survey_sections(question.consultation),
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.setdefault("kind", question.kind)
        try:
            services.survey_question_update(question=question, by=request.user, **values)  # type: ignore[arg-type]
        except services.SurveyLockedError:
            form.add_error(None, _locked_message())
            return _question_page(
                request, form, section=question.section, question=question, locked=True
            )
        messages.success(request, _("Question saved"))
        return HttpResponseRedirect(_survey_url(question.consultation, f"question-{question.pk}"))
    return _question_page(request, form, section=question.section, question=question, locked=locked)


@login_required
@require_POST
def question_move(request: HttpRequest, slug: str, question_pk: int) -> HttpResponse:
    question = _get_question(request, slug, question_pk)
    up = _up(request)
    services.survey_question_move(question=question, by=request.user, up=up)  # type: ignore[arg-type]
    messages.success(request, _moved_message(question.text, up=up))
    return HttpResponseRedirect(_survey_url(question.consultation, f"question-{question.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, slug: str, question_pk: int) -> HttpResponse:
    question = _get_question(request, slug, question_pk)
    refused = selectors.survey_is_locked(question.consultation)
    if request.method == "POST" and not refused:
        try:
            services.survey_question_delete(question=question, by=request.user)  # type: ignore[arg-type]
        except services.SurveyLockedError:
            refused = True
        else:
            messages.success(request, _("Question deleted"))
            return HttpResponseRedirect(_survey_url(question.consultation))
    return render(
        request,
        "engagement/survey_builder/question_delete.html",
        {"consultation": question.consultation, "question": question, "refused": refused},
        status=409 if refused and request.method == "POST" else 200,
    )
