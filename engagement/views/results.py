"""Results: council staff's results page with the coding of free-text answers and the responses
download (namespace "engagement-staff"), and the published results residents see (namespace
"engagement")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taskforce.charts import bar_chart, format_value

from .. import exports
from ..forms.results import AnswerFilterForm, AnswerTagForm, AnswerTagsForm
from ..models import Consultation, Question
from ..selectors import results as selectors
from ..services import tags as tag_services

ANSWERS_PER_PAGE = 20
Kind = Question.Kind


def posted_data(request: HttpRequest) -> Any:
    """The form data on a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


# --- Access ------------------------------------------------------------------------------------


def get_consultation_for_staff(request: HttpRequest, slug: str) -> Consultation:
    """The access helper for staff results, coding, export and outcome pages: council staff
    with two-factor authentication (rule engagement.manage_consultation)."""
    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None:
        raise Http404
    if not request.user.has_perm("engagement.manage_consultation", consultation):
        raise PermissionDenied
    return consultation


def _get_consultation_with_public_results(request: HttpRequest, slug: str) -> Consultation:
    """The access helper for the public results: published results of a closed consultation
    (rule engagement.view_consultation_results); anything else looks missing."""
    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None or not request.user.has_perm(
        "engagement.view_consultation_results", consultation
    ):
        raise Http404
    return consultation


# --- Charts and tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """A row of the table beside a chart (what taskforce/includes/chart_with_table.html reads)."""

    header: str
    cells: list[str]


def _count(count: int | None) -> str:
    return _("fewer than %(n)s") % {"n": _suppress_below()} if count is None else f"{count:,}"


def _pct(percent: float | None) -> str:
    return "" if percent is None else format_value(percent, "%")


def _suppress_below() -> int:
    return int(settings.ENGAGEMENT_SUPPRESS_BELOW)


@dataclass(frozen=True)
class Figure:
    """A question's chart and the table of the same figures."""

    chart: SafeString
    caption: str
    columns: list[str]
    rows: list[TableRow]


def _question_figure(result: selectors.QuestionResult) -> Figure | None:
    question = result.question
    title = _("Question %(number)s: %(text)s") % {"number": result.number, "text": question.text}
    if result.kind == Kind.RANKING:
        return Figure(
            chart=bar_chart(
                title=_("%(title)s (ranked first)") % {"title": title},
                bars=[(row.label, row.first_choice_percent) for row in result.rows],
                unit="%",
            ),
            caption=_("Options in the order people ranked them, best first"),
            columns=[
                _("Option"),
                _("Average place (1 is best)"),
                _("Ranked first"),
                _("Ranked first (%)"),
                _("Ranked at all"),
            ],
            rows=[
                TableRow(
                    header=row.label,
                    cells=[
                        "" if row.mean_rank is None else format_value(row.mean_rank, ""),
                        _count(row.first_choice),
                        _pct(row.first_choice_percent),
                        _count(row.count),
                    ],
                )
                for row in result.rows
            ],
        )
    if not result.has_chart:
        return None
    rows = list(result.rows)
    if result.other is not None:
        rows.append(
            selectors.Row(label=_("Other"), count=result.other.count, percent=result.other.percent)
        )
    return Figure(
        chart=bar_chart(title=title, bars=[(row.label, row.percent) for row in rows], unit="%"),
        caption=_("Answers to question %(number)s") % {"number": result.number},
        columns=[
            _("Ward") if result.kind == Kind.WARD else _("Answer"),
            _("People"),
            _("Share of people who answered"),
        ],
        rows=[
            TableRow(header=row.label, cells=[_count(row.count), _pct(row.percent)]) for row in rows
        ],
    )


def _channel_figure(results: selectors.Results) -> Figure | None:
    if not results.channels:
        return None
    return Figure(
        chart=bar_chart(
            title=_("How people responded"),
            bars=[(row.label, row.count) for row in results.channels],
            unit="",
        ),
        caption=_("Responses by how people sent them"),
        columns=[_("How"), _("Responses"), _("Share")],
        rows=[
            TableRow(header=row.label, cells=[_count(row.count), _pct(row.percent)])
            for row in results.channels
        ],
    )


def _results_context(results: selectors.Results) -> dict[str, Any]:
    return {
        "results": results,
        "consultation": results.consultation,
        "channel_figure": _channel_figure(results),
        "questions": [(result, _question_figure(result)) for result in results.questions],
        "suppress_below": _suppress_below(),
    }


# --- Staff ---------------------------------------------------------------------------------------


@login_required
@require_GET
def staff_results(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation_for_staff(request, slug)
    results = selectors.consultation_results(consultation=consultation, public=False)
    return render(request, "engagement/results/staff_results.html", _results_context(results))


@login_required
@require_GET
def responses_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    consultation = get_consultation_for_staff(request, slug)
    exports.responses_export_record(consultation=consultation, by=request.user)  # type: ignore[arg-type]
    response = StreamingHttpResponse(
        exports.responses_csv(consultation=consultation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-responses.csv"'
    return response


def _answers_url(consultation: Consultation, question: Question) -> str:
    return reverse(
        "engagement-staff:results-answers",
        kwargs={"slug": consultation.slug, "question": question.pk},
    )


@login_required
@require_GET
def written_answers(request: HttpRequest, slug: str, question: int) -> HttpResponse:
    """One question's written answers, a page at a time, each with its tags and a form to
    change them (no JavaScript needed)."""
    consultation = get_consultation_for_staff(request, slug)
    asked = selectors.codable_question(consultation=consultation, pk=question)
    if asked is None:
        raise Http404
    tags = list(selectors.consultation_tags(consultation=consultation))
    filter_form = AnswerFilterForm(request.GET or None, tags=tags)
    show = filter_form.cleaned_data["show"] if filter_form.is_valid() else ""
    chosen_tag = next((tag for tag in tags if str(tag.pk) == show), None)
    answers = selectors.written_answers(
        question=asked, tag=chosen_tag, untagged=show == selectors.UNTAGGED
    )
    paginator = Paginator(answers, ANSWERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/results/written_answers.html",
        {
            "consultation": consultation,
            "question": asked,
            "tags": tags,
            "filter_form": filter_form,
            "filtered": bool(show),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "back_here": request.get_full_path(),
        },
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def answer_tags_save(request: HttpRequest, slug: str, answer: int) -> HttpResponse:
    consultation = get_consultation_for_staff(request, slug)
    found = selectors.answer_for_tagging(consultation=consultation, pk=answer)
    if found is None:
        raise Http404
    back = _safe_next(request, _answers_url(consultation, found.question))
    form = AnswerTagsForm(request.POST, tags=selectors.consultation_tags(consultation=consultation))
    if not form.is_valid():
        # Only a tampered form gets here: the checkboxes offer this consultation's tags.
        messages.error(request, _("Choose tags from this consultation's list"))
        return HttpResponseRedirect(back)
    changed = tag_services.answer_tags_set(
        answer=found,
        by=request.user,  # type: ignore[arg-type]
        tags=form.cleaned_data["tags"],
    )
    messages.success(request, _("Tags saved") if changed else _("No change to the tags"))
    return HttpResponseRedirect(f"{back.split('#')[0]}#answer-{found.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def coding_frame(request: HttpRequest, slug: str) -> HttpResponse:
    """The consultation's tags with how many answers carry each, and a form to add one."""
    consultation = get_consultation_for_staff(request, slug)
    form = AnswerTagForm(posted_data(request), consultation=consultation)
    back = _safe_next(request, "")
    if request.method == "POST" and form.is_valid():
        tag = tag_services.answer_tag_create(
            consultation=consultation,
            by=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
        )
        messages.success(request, _("Tag “%(name)s” added") % {"name": tag.name})
        return HttpResponseRedirect(
            back or reverse("engagement-staff:coding-frame", kwargs={"slug": consultation.slug})
        )
    return render(
        request,
        "engagement/results/coding_frame.html",
        {
            "consultation": consultation,
            "form": form,
            "frame": selectors.coding_frame(consultation=consultation),
            "next": back,
            "codable": [
                q
                for q in selectors.survey_questions(consultation=consultation)
                if q.kind in Question.FREE_TEXT or q.allow_other
            ],
        },
        status=400 if form.errors else 200,
    )


# --- Public --------------------------------------------------------------------------------------


@require_GET
def public_results(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_with_public_results(request, slug)
    results = selectors.consultation_results(consultation=consultation, public=True)
    return render(request, "engagement/results/public_results.html", _results_context(results))
