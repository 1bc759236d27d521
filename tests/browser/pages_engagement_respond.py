"""Sweep entries for engagement's respond pages (see test_pages.py).

Pages reached only with something in the session (an anonymous response's pages, changing a
sent response, the 429 and 409 pages) are checked with axe-core in test_keyboard_respond.py.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from .pagespec import PageSpec


def _survey(**consultation: Any) -> Any:
    from tests.engagement.test_respond_forms import make_survey

    return make_survey(**consultation)


def _open_to_all(request: pytest.FixtureRequest) -> dict[str, Any]:
    survey = _survey(allow_anonymous=True, one_response_per_person=False)
    return {"slug": survey.consultation.slug}


def _signed_in_only(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _survey().consultation.slug}


def _with_draft(request: pytest.FixtureRequest, *, pages: int = 0, **kwargs: Any) -> Any:
    """A survey, and the resident's draft with ``pages`` pages answered."""
    from django.http import QueryDict

    from engagement.forms.answers import SectionAnswersForm
    from engagement.selectors.responses import survey_sections
    from engagement.services.responses import response_save_progress, response_start
    from tests.engagement.test_respond_forms import page_data

    survey = _survey(**kwargs)
    resident = request.getfixturevalue("resident")
    draft, _token = response_start(consultation=survey.consultation, respondent=resident)
    for number, section in enumerate(survey_sections(consultation=survey.consultation), start=1):
        if number > pages:
            break
        data = QueryDict(mutable=True)
        for key, value in page_data(survey, number).items():
            data.setlist(key, value if isinstance(value, list) else [value])
        form = SectionAnswersForm(section=section, questions=section.questions.all(), data=data)
        assert form.is_valid(), form.errors
        response_save_progress(response=draft, answers=form.answers(), last_section=number)
    return survey


def _draft(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _with_draft(request, pages=1).consultation.slug}


def _section(number: int) -> Any:
    def setup(request: pytest.FixtureRequest) -> dict[str, Any]:
        survey = _with_draft(request, pages=number - 1)
        return {"slug": survey.consultation.slug, "number": number}

    return setup


def _all_answered(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"slug": _with_draft(request, pages=3).consultation.slug}


def _sent(request: pytest.FixtureRequest) -> dict[str, Any]:
    from engagement.services.responses import response_submit

    survey = _survey()
    response_submit(
        consultation=survey.consultation,
        answers={survey.q["short-text"].pk: "Park Street"},
        respondent=request.getfixturevalue("resident"),
    )
    return {"slug": survey.consultation.slug}


def _closed(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    survey = _survey(
        status="closed",
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=2),
    )
    return {"slug": survey.consultation.slug}


def _forthcoming(request: pytest.FixtureRequest) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    survey = _survey(
        status="forthcoming",
        opens_at=now + datetime.timedelta(days=2),
        closes_at=now + datetime.timedelta(days=40),
    )
    return {"slug": survey.consultation.slug}


def _bad_link(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {**_open_to_all(request), "token": "not-a-real-token"}


PAGES: list[PageSpec] = [
    # The start page: open to all; sign in first; a draft to continue; sent, so "Change".
    PageSpec("engagement:respond", setup=_open_to_all),
    PageSpec("engagement:respond", persona="resident", setup=_open_to_all),
    PageSpec("engagement:respond", setup=_signed_in_only),
    PageSpec("engagement:respond", persona="resident", setup=_draft),
    PageSpec("engagement:respond", persona="resident", setup=_sent),
    PageSpec("engagement:respond", setup=_closed),
    PageSpec("engagement:respond", persona="resident", setup=_forthcoming),
    # The survey's three pages: every kind of question.
    PageSpec("engagement:respond-section", persona="resident", setup=_section(1)),
    PageSpec("engagement:respond-section", persona="resident", setup=_section(2)),
    PageSpec("engagement:respond-section", persona="resident", setup=_section(3)),
    PageSpec("engagement:respond-equality", persona="resident", setup=_all_answered),
    PageSpec("engagement:respond-check", persona="resident", setup=_all_answered),
    PageSpec("engagement:respond-save", persona="resident", setup=_draft),
    PageSpec("engagement:respond-sent", persona="resident", setup=_sent),
    PageSpec("engagement:respond-return", status=404, setup=_bad_link),
]
