"""One response per person, under real concurrency: two threads, each with its own database
connection and transaction, send at the same moment for the same person. The database's
partial unique constraint lets exactly one through; the other is told "already responded"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from engagement.models import Response
from engagement.services.responses import AlreadyResponded, response_start, response_submit
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role

from ..factories import UserFactory
from .test_respond_forms import make_survey, page_data
from .test_respond_journey import section_url, url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads released at the same instant; return each one's result or
    exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_sends_at_once_for_one_person_make_exactly_one_response() -> None:
    survey = make_survey()  # one response each
    person = UserFactory(roles=[Role.RESIDENT])
    q = survey.q
    answers = {q["short-text"].pk: "Park Street"}

    def send() -> Response:
        return response_submit(consultation=survey.consultation, answers=answers, respondent=person)

    for _ in range(3):  # a race can be lost by luck; three rounds, three fresh people
        results = run_together(send, send)
        sent = [r for r in results if isinstance(r, Response)]
        refused = [r for r in results if isinstance(r, AlreadyResponded)]
        assert (len(sent), len(refused)) == (1, 1), results
        assert refused[0].response.pk == sent[0].pk
        assert (
            Response.objects.filter(consultation=survey.consultation, respondent=person).count()
            == 1
        )
        person = UserFactory(roles=[Role.RESIDENT])


def test_two_tabs_starting_at_once_share_one_draft() -> None:
    survey = make_survey()
    person = UserFactory(roles=[Role.RESIDENT])

    def start() -> Response:
        return response_start(consultation=survey.consultation, respondent=person)[0]

    first, second = run_together(start, start)
    assert isinstance(first, Response) and isinstance(second, Response), (first, second)
    assert first.pk == second.pk
    assert Response.objects.filter(respondent=person).count() == 1


def test_two_send_buttons_pressed_at_once_through_the_site(resident: User) -> None:
    cache.clear()
    survey = make_survey()
    first, second = Client(), Client()
    first.force_login(resident)
    second.force_login(resident)
    first.post(url(survey, "respond"))
    for number in (1, 2, 3):
        first.post(section_url(survey, number), page_data(survey, number))

    def send(browser: Client) -> Callable[[], Any]:
        return lambda: browser.post(url(survey, "respond-check"), {})

    answers = run_together(send(first), send(second))
    assert Response.objects.filter(respondent=resident).count() == 1
    assert Response.objects.get(respondent=resident).status == Response.Status.SUBMITTED
    statuses = sorted(
        (a.status_code, a.get("Location", "")) for a in answers if not isinstance(a, Exception)
    )
    assert len(statuses) == 2, answers
    # One is sent; the other either waited for the lock and was told it had already
    # responded (409, with a link to change it), or arrived after and went back to the start.
    assert (302, url(survey, "respond-sent")) in statuses
    other = next(s for s in statuses if s != (302, url(survey, "respond-sent")))
    assert other in ((409, ""), (302, url(survey, "respond"))), statuses
