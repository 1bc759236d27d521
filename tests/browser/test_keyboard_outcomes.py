"""Results and outcomes by keyboard: council staff tag a written answer, then write and publish
"we asked, you said, we did", and the public page shows it. Tab, Space and Enter; no mouse."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from engagement.models import Answer, AnswerTag, Consultation
from luton2040.accounts.models import User

from ..factories import ConsultationFactory, QuestionFactory, ResponseFactory, SectionFactory
from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    focus_matches,
    focused,
    press_enter_on,
    sign_in,
    start_from_top,
    tab_to,
    visit,
)


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def test_staff_tag_an_answer_and_publish_the_outcome_by_keyboard(
    new_context: Callable[..., BrowserContext], live_server: Any, staff: User
) -> None:
    now = timezone.now()
    consultation = ConsultationFactory(
        slug="buses",
        title="Buses in Luton",
        status=Consultation.Status.AWAITING_OUTCOME,
        opens_at=now - datetime.timedelta(weeks=8),
        closes_at=now - datetime.timedelta(weeks=2),
    )
    question = QuestionFactory(
        section=SectionFactory(consultation=consultation),
        kind="long-text",
        text="What would help?",
    )
    first = Answer.objects.create(
        response=ResponseFactory(consultation=consultation),
        question=question,
        text="Cheaper fares for students",
    )
    Answer.objects.create(
        response=ResponseFactory(consultation=consultation),
        question=question,
        text="More buses in the evening",
    )
    AnswerTag.objects.create(consultation=consultation, name="Evening buses")
    fares = AnswerTag.objects.create(consultation=consultation, name="Fares")

    page = new_context().new_page()
    sign_in(page.context, staff, live_server.url)

    # Tag the first answer "Fares".
    answers_url = reverse(
        "engagement-staff:results-answers", kwargs={"slug": "buses", "question": question.pk}
    )
    visit(page, answers_url)
    assert_no_axe_violations(page)
    start_from_top(page)
    tab_to(page, f"#tags-{first.pk}-{fares.pk}")
    page.keyboard.press("Space")
    assert focus_matches(page, f"#tags-{first.pk}-{fares.pk}:checked"), focused(page)
    press_enter_on(page, f"#answer-{first.pk} button[type=submit]")
    assert list(first.tags.all()) == [fares]
    assert "Tags saved" in page.inner_text("main")
    assert page.locator(f"#tags-{first.pk}-{fares.pk}").is_checked()
    assert_page_clean(page)

    # Write the outcome.
    visit(page, reverse("engagement-staff:outcome-edit", kwargs={"slug": "buses"}))
    start_from_top(page)
    type_into(page, "#id_we_asked", "Which bus routes matter most to you?")
    type_into(page, "#id_you_said", "Most of you asked for cheaper fares.")
    type_into(page, "#id_we_did", "Students will pay half fare from September.")
    press_enter_on(page, "main form button[type=submit]")
    assert "Outcome saved" in page.inner_text("main")
    assert_no_axe_violations(page)

    # Publish it.
    start_from_top(page)
    press_enter_on(page, "main a[href$='/outcome/publish/']")
    assert page.locator("h1").inner_text() == "Publish the outcome?"
    assert_no_axe_violations(page)
    start_from_top(page)
    press_enter_on(page, "main form button[type=submit]")

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OUTCOME_PUBLISHED
    assert urlsplit(page.url).path == reverse("engagement:outcome", kwargs={"slug": "buses"})
    main = page.inner_text("main")
    assert "Students will pay half fare from September." in main
    assert "Within 12 weeks of closing" in main
    assert_no_axe_violations(page)
    assert_page_clean(page)
