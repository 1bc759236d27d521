"""Results: the figures for each kind of question (counted by the database), the channel
breakdown, small numbers hidden in public, free-text answers and their tags (the coding frame),
who may see what, and a constant number of queries however many responses there are."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement.models import Answer, AnswerTag, Consultation, Question, Response
from engagement.selectors.results import consultation_results, suppress
from luton2040.accounts.models import User
from luton2040.audit.models import AuditEvent
from luton2040.places.models import Ward

from ..factories import ConsultationFactory, QuestionFactory, ResponseFactory, SectionFactory

pytestmark = pytest.mark.django_db

Kind = Question.Kind


def closed_consultation(**kwargs: Any) -> Consultation:
    now = timezone.now()
    kwargs.setdefault("status", Consultation.Status.CLOSED)
    kwargs.setdefault("opens_at", now - datetime.timedelta(weeks=6))
    kwargs.setdefault("closes_at", now - datetime.timedelta(days=2))
    return ConsultationFactory(**kwargs)


def respond(
    consultation: Consultation,
    answers: dict[Question, dict[str, Any]],
    *,
    channel: str = "online",
    status: str = "submitted",
) -> Response:
    response = ResponseFactory(consultation=consultation, channel=channel, status=status)
    for question, fields in answers.items():
        Answer.objects.create(response=response, question=question, **fields)
    return response


def options(question: Question) -> dict[str, int]:
    return {option.label: option.pk for option in question.options.all()}


def result_for(consultation: Consultation, question: Question, *, public: bool = False) -> Any:
    results = consultation_results(consultation=consultation, public=public)
    return next(r for r in results.questions if r.question.pk == question.pk)


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def consultation() -> Consultation:
    return closed_consultation(title="Buses in Luton", slug="buses", publish_results=True)


@pytest.fixture
def section(consultation: Consultation) -> Any:
    return SectionFactory(consultation=consultation, title="Your views")


# --- Disclosure control ------------------------------------------------------------------------


def test_small_counts_are_hidden_with_one_more_so_subtraction_cannot_reveal_them() -> None:
    assert suppress([40, 25, 3], below=10) == [40, None, None]
    assert suppress([40, 25, 3, 4], below=10) == [40, 25, None, None]
    assert suppress([40, 0, 12], below=10) == [40, 0, 12]
    # The whole total is small: nothing is shown but the zeros.
    assert suppress([3, 0, 4], below=10) == [None, 0, None]


# --- The figures for each kind of question ---------------------------------------------------


def test_single_choice_counts_and_percentages(consultation: Consultation, section: Any) -> None:
    question = QuestionFactory(section=section, kind=Kind.SINGLE_CHOICE, options=["Yes", "No"])
    ids = options(question)
    for label in ["Yes", "Yes", "Yes", "No"]:
        respond(consultation, {question: {"option_ids": [ids[label]]}})
    # Not sent yet: not a result.
    respond(consultation, {question: {"option_ids": [ids["No"]]}}, status="in-progress")

    result = result_for(consultation, question)
    assert result.answered == 4
    assert [(row.label, row.count, row.percent) for row in result.rows] == [
        ("Yes", 3, 75.0),
        ("No", 1, 25.0),
    ]


def test_multiple_choice_counts_each_option_not_combinations(
    client: Client, staff: User, consultation: Consultation, section: Any
) -> None:
    question = QuestionFactory(
        section=section,
        kind=Kind.MULTIPLE_CHOICE,
        text="Which routes do you use?",
        options=["Route 24", "Route 27", "Route 31"],
    )
    ids = options(question)
    for ticked in (["Route 24", "Route 27"], ["Route 24"], ["Route 27", "Route 31"]):
        respond(consultation, {question: {"option_ids": [ids[label] for label in ticked]}})

    result = result_for(consultation, question)
    # Each option once per person who ticked it: 24 twice, 27 twice, 31 once (never
    # "24 and 27: 1", the combination count decidim#16421 shows).
    assert [(row.label, row.count, row.percent) for row in result.rows] == [
        ("Route 24", 2, 66.7),
        ("Route 27", 2, 66.7),
        ("Route 31", 1, 33.3),
    ]
    client.force_login(staff)
    page = text(client.get(reverse("engagement-staff:results", kwargs={"slug": "buses"})))
    assert "People could choose more than one answer" in page
    assert "66.7%" in page


def test_scale_in_option_order_and_other_answers(consultation: Consultation, section: Any) -> None:
    scale = QuestionFactory(
        section=section, kind=Kind.SCALE, options=["Agree", "Neither", "Disagree"]
    )
    choice = QuestionFactory(
        section=section, kind=Kind.SINGLE_CHOICE, options=["Bus", "Car"], allow_other=True
    )
    s, c = options(scale), options(choice)
    respond(
        consultation, {scale: {"option_ids": [s["Disagree"]]}, choice: {"option_ids": [c["Bus"]]}}
    )
    respond(consultation, {scale: {"option_ids": [s["Agree"]]}, choice: {"other_text": "Bike"}})

    result = result_for(consultation, scale)
    assert [(row.label, row.count) for row in result.rows] == [
        ("Agree", 1),
        ("Neither", 0),
        ("Disagree", 1),
    ]
    other = result_for(consultation, choice)
    assert other.answered == 2
    assert other.other is not None and (other.other.count, other.other.percent) == (1, 50.0)


def test_ranking_mean_place_and_first_choices(consultation: Consultation, section: Any) -> None:
    question = QuestionFactory(
        section=section, kind=Kind.RANKING, options=["Parks", "Buses", "Libraries"]
    )
    ids = options(question)
    for order in (
        ["Buses", "Parks", "Libraries"],
        ["Buses", "Libraries", "Parks"],
        ["Parks", "Buses", "Libraries"],
    ):
        respond(consultation, {question: {"option_ids": [ids[label] for label in order]}})

    result = result_for(consultation, question)
    # Best first by mean place: Buses (1+1+2)/3, Parks (2+3+1)/3, Libraries (3+2+3)/3.
    assert [(r.label, r.mean_rank, r.first_choice) for r in result.rows] == [
        ("Buses", 1.33, 2),
        ("Parks", 2.0, 1),
        ("Libraries", 2.67, 0),
    ]


def test_number_median_smallest_largest_and_date_range(
    consultation: Consultation, section: Any
) -> None:
    number = QuestionFactory(section=section, kind=Kind.NUMBER, text="How many buses a week?")
    date = QuestionFactory(section=section, kind=Kind.DATE, text="When did you last travel?")
    for value, day in ((2, 3), (10, 1), (4, 20), (7, 11)):
        respond(
            consultation,
            {
                number: {"number": Decimal(value)},
                date: {"date": datetime.date(2026, 3, day)},
            },
        )
    respond(consultation, {number: {"number": Decimal(100)}}, status="in-progress")

    figures = result_for(consultation, number)
    assert (figures.answered, figures.median, figures.smallest, figures.largest) == (
        4,
        Decimal("5.50"),
        Decimal("2.00"),
        Decimal("10.00"),
    )
    dates = result_for(consultation, date)
    assert (dates.earliest, dates.latest) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 20))


def test_ward_counts_hide_small_numbers_in_public_only(
    client: Client, staff: User, consultation: Consultation, section: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_SUPPRESS_BELOW = 10
    question = QuestionFactory(section=section, kind=Kind.WARD, text="Which ward do you live in?")
    biscot, dallow, farley = Ward.objects.order_by("name")[:3]
    for ward, count in ((biscot, 12), (dallow, 3), (farley, 15)):
        for _ in range(count):
            respond(consultation, {question: {"ward_id": ward.pk}})

    staff_rows = {r.label: r.count for r in result_for(consultation, question).rows}
    assert (staff_rows[biscot.name], staff_rows[dallow.name], staff_rows[farley.name]) == (
        12,
        3,
        15,
    )
    public = result_for(consultation, question, public=True)
    shown = {r.label: r.count for r in public.rows}
    # 3 is hidden, and so is 12, the next smallest: with the total of 30 shown, hiding 3 alone
    # would give it away.
    assert (shown[biscot.name], shown[dallow.name], shown[farley.name]) == (None, None, 15)
    assert public.suppressed

    page = text(client.get(reverse("engagement:results", kwargs={"slug": "buses"})))
    assert "fewer than 10" in page
    assert "we do not show numbers below 10" in page
    client.force_login(staff)
    staff_page = text(client.get(reverse("engagement-staff:results", kwargs={"slug": "buses"})))
    assert "fewer than 10" not in staff_page


def test_channel_breakdown(client: Client, staff: User, consultation: Consultation) -> None:
    for channel, count in (("online", 12), ("paper", 11), ("phone", 2)):
        for _ in range(count):
            respond(consultation, {}, channel=channel)
    results = consultation_results(consultation=consultation, public=False)
    assert results.responses == 25
    assert [(r.label, r.count) for r in results.channels] == [
        ("Online", 12),
        ("Paper form", 11),
        ("Phone", 2),
    ]
    public = consultation_results(consultation=consultation, public=True)
    assert [r.count for r in public.channels] == [12, None, None]

    client.force_login(staff)
    page = text(client.get(reverse("engagement-staff:results", kwargs={"slug": "buses"})))
    assert "25 responses in total." in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="tf-chart tf-chart--bar"' in (
        client.get(reverse("engagement-staff:results", kwargs={"slug": "buses"})).content.decode()
    )


# --- Public results -------------------------------------------------------------------------------


def test_public_results_show_no_written_answers(
    client: Client, consultation: Consultation, section: Any
) -> None:
    choice = QuestionFactory(
        section=section, kind=Kind.SINGLE_CHOICE, text="Do you use the bus?", options=["Yes"]
    )
    written = QuestionFactory(section=section, kind=Kind.LONG_TEXT, text="Anything else?")
    respond(
        consultation,
        {
            choice: {"option_ids": [options(choice)["Yes"]]},
            written: {"text": "My neighbour at 12 Park Street"},
        },
    )
    response = client.get(reverse("engagement:results", kwargs={"slug": "buses"}))
    assert response.status_code == 200
    page = text(response)
    assert "Do you use the bus?" in page
    assert "Anything else?" not in page
    assert "Park Street" not in page


@pytest.mark.parametrize(
    ("status", "publish_results"),
    [("open", True), ("closed", False), ("draft", True)],
)
def test_results_are_not_public_until_closed_and_chosen(
    client: Client, resident: User, status: str, publish_results: bool
) -> None:
    closed_consultation(slug="hidden", status=status, publish_results=publish_results)
    client.force_login(resident)
    assert client.get(reverse("engagement:results", kwargs={"slug": "hidden"})).status_code == 404


def test_published_results_are_public_once_the_outcome_is_out(client: Client) -> None:
    closed_consultation(slug="done", status="outcome-published", publish_results=True)
    assert client.get(reverse("engagement:results", kwargs={"slug": "done"})).status_code == 200


# --- Who may see staff results -------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resident", "outsider", "taskforce_member", "org_editor"])
def test_only_staff_see_staff_results(
    client: Client, request: pytest.FixtureRequest, consultation: Consultation, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for name in ("engagement-staff:results", "engagement-staff:coding-frame"):
        assert client.get(reverse(name, kwargs={"slug": "buses"})).status_code == 403


def test_staff_without_mfa_are_sent_to_set_it_up(
    client: Client, staff_without_mfa: User, consultation: Consultation
) -> None:
    client.force_login(staff_without_mfa)
    response = client.get(reverse("engagement-staff:results", kwargs={"slug": "buses"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_anonymous_is_sent_to_sign_in(client: Client, consultation: Consultation) -> None:
    response = client.get(reverse("engagement-staff:results", kwargs={"slug": "buses"}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_consultation_is_404(client: Client, staff: User) -> None:
    client.force_login(staff)
    assert (
        client.get(reverse("engagement-staff:results", kwargs={"slug": "nope"})).status_code == 404
    )


# --- Coding free-text answers -------------------------------------------------------------------


@pytest.fixture
def written(consultation: Consultation, section: Any) -> Question:
    return QuestionFactory(section=section, kind=Kind.LONG_TEXT, text="What would help?")


def test_staff_add_a_tag_and_tag_an_answer(
    client: Client, staff: User, consultation: Consultation, written: Question
) -> None:
    answer = respond(consultation, {written: {"text": "Cheaper fares for students"}}).answers.get()
    respond(consultation, {written: {"text": "More evening buses"}})
    client.force_login(staff)
    frame_url = reverse("engagement-staff:coding-frame", kwargs={"slug": "buses"})
    response = client.post(frame_url, {"name": "  Bus   fares "})
    assert response.status_code == 302
    tag = AnswerTag.objects.get(consultation=consultation)
    assert tag.name == "Bus fares"

    answers_url = reverse(
        "engagement-staff:results-answers", kwargs={"slug": "buses", "question": written.pk}
    )
    page = text(client.get(answers_url))
    assert "Cheaper fares for students" in page
    assert "More evening buses" in page
    assert "2 answers" in page

    save = reverse("engagement-staff:answer-tags", kwargs={"slug": "buses", "answer": answer.pk})
    response = client.post(save, {"tags": [tag.pk], "next": answers_url})
    assert response.status_code == 302
    assert response["Location"] == f"{answers_url}#answer-{answer.pk}"
    assert list(answer.tags.all()) == [tag]
    assert AuditEvent.objects.filter(verb="answer.tagged", actor=staff).count() == 1

    # The coding frame and the results page count it; "not tagged yet" leaves it out.
    frame = text(client.get(frame_url))
    assert "Bus fares" in frame
    result = result_for(consultation, written)
    assert [(t.name, n) for t, n in result.tag_counts] == [("Bus fares", 1)]
    untagged = text(client.get(answers_url, {"show": "untagged"}))
    assert "More evening buses" in untagged
    assert "Cheaper fares" not in untagged
    only_tag = text(client.get(answers_url, {"show": str(tag.pk)}))
    assert "Cheaper fares" in only_tag
    assert "More evening buses" not in only_tag

    # Untick every box: the answer has no tags.
    client.post(save, {"next": answers_url})
    assert not answer.tags.exists()


def test_a_tag_name_twice_is_an_error_with_the_input_kept(
    client: Client, staff: User, consultation: Consultation
) -> None:
    AnswerTag.objects.create(consultation=consultation, name="Childcare")
    client.force_login(staff)
    url = reverse("engagement-staff:coding-frame", kwargs={"slug": "buses"})
    response = client.post(url, {"name": "childcare"})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "There is already a tag called “childcare”" in page
    assert 'value="childcare"' in page
    empty = client.post(url, {"name": "  "})
    assert empty.status_code == 400
    assert "Enter a name for the tag" in text(empty)
    assert AnswerTag.objects.count() == 1


def test_a_tag_of_another_consultation_cannot_be_put_on_an_answer(
    client: Client, staff: User, consultation: Consultation, written: Question
) -> None:
    answer = respond(consultation, {written: {"text": "Safer crossings"}}).answers.get()
    elsewhere = AnswerTag.objects.create(consultation=closed_consultation(), name="Parking")
    client.force_login(staff)
    save = reverse("engagement-staff:answer-tags", kwargs={"slug": "buses", "answer": answer.pk})
    response = client.post(save, {"tags": [elsewhere.pk]})
    assert response.status_code == 302
    assert not answer.tags.exists()


def test_an_answer_of_another_consultation_is_404(
    client: Client, staff: User, consultation: Consultation, written: Question
) -> None:
    other = closed_consultation(slug="other")
    answer = respond(consultation, {written: {"text": "Safer crossings"}}).answers.get()
    client.force_login(staff)
    url = reverse("engagement-staff:answer-tags", kwargs={"slug": other.slug, "answer": answer.pk})
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_only_staff_tag_answers(
    client: Client,
    request: pytest.FixtureRequest,
    consultation: Consultation,
    written: Question,
    persona: str,
) -> None:
    answer = respond(consultation, {written: {"text": "Safer crossings"}}).answers.get()
    tag = AnswerTag.objects.create(consultation=consultation, name="Safety")
    client.force_login(request.getfixturevalue(persona))
    url = reverse("engagement-staff:answer-tags", kwargs={"slug": "buses", "answer": answer.pk})
    assert client.post(url, {"tags": [tag.pk]}).status_code == 403
    answers_url = reverse(
        "engagement-staff:results-answers", kwargs={"slug": "buses", "question": written.pk}
    )
    assert client.get(answers_url).status_code == 403
    assert not answer.tags.exists()


def test_a_next_address_elsewhere_is_ignored(
    client: Client, staff: User, consultation: Consultation, written: Question
) -> None:
    answer = respond(consultation, {written: {"text": "Safer crossings"}}).answers.get()
    client.force_login(staff)
    url = reverse("engagement-staff:answer-tags", kwargs={"slug": "buses", "answer": answer.pk})
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"].startswith(
        reverse(
            "engagement-staff:results-answers", kwargs={"slug": "buses", "question": written.pk}
        )
    )


# --- Query counts ----------------------------------------------------------------------------


def _full_survey(consultation: Consultation, responses: int) -> Question:
    """One question of every kind, `responses` responses answering all of them, one tag on each
    written answer. Returns the written question."""
    section = SectionFactory(consultation=consultation)
    single = QuestionFactory(section=section, kind=Kind.SINGLE_CHOICE, options=["A", "B"])
    multiple = QuestionFactory(section=section, kind=Kind.MULTIPLE_CHOICE, options=["A", "B"])
    ranking = QuestionFactory(section=section, kind=Kind.RANKING, options=["A", "B"])
    ward = QuestionFactory(section=section, kind=Kind.WARD)
    number = QuestionFactory(section=section, kind=Kind.NUMBER)
    date = QuestionFactory(section=section, kind=Kind.DATE)
    written = QuestionFactory(section=section, kind=Kind.LONG_TEXT)
    tag = AnswerTag.objects.create(consultation=consultation, name="Fares")
    a_ward = Ward.objects.first()
    for i in range(responses):
        response = respond(
            consultation,
            {
                single: {"option_ids": [options(single)["A"]]},
                multiple: {"option_ids": list(options(multiple).values())},
                ranking: {"option_ids": list(options(ranking).values())},
                ward: {"ward_id": a_ward.pk if a_ward else None},
                number: {"number": Decimal(i)},
                date: {"date": datetime.date(2026, 1, 1)},
                written: {"text": f"Answer {i}"},
            },
            channel="paper" if i % 2 else "online",
        )
        response.answers.get(question=written).tags.add(tag)
    return written


@pytest.mark.parametrize("responses", [3, 30])
def test_results_pages_take_the_same_queries_at_any_size(
    client: Client, staff: User, django_assert_num_queries: Any, responses: int
) -> None:
    consultation = closed_consultation(slug="sized", publish_results=True)
    written = _full_survey(consultation, responses)
    client.force_login(staff)
    staff_url = reverse("engagement-staff:results", kwargs={"slug": "sized"})
    client.get(staff_url)  # warm the session and permission caches
    # session, user, role groups, MFA (once a request), the consultation;
    # then questions, options, channels, option counts, question figures, medians, ward
    # counts, wards, tags and tag counts
    with django_assert_num_queries(15):
        assert client.get(staff_url).status_code == 200
    answers_url = reverse(
        "engagement-staff:results-answers", kwargs={"slug": "sized", "question": written.pk}
    )
    client.get(answers_url)
    # auth as above; consultation, question, tags, the count, a page of answers, their tags
    with django_assert_num_queries(10):
        assert client.get(answers_url).status_code == 200
    frame_url = reverse("engagement-staff:coding-frame", kwargs={"slug": "sized"})
    # auth and the consultation as above; the tags with their counts, questions, options
    with django_assert_num_queries(8):
        assert client.get(frame_url).status_code == 200
    client.logout()
    public_url = reverse("engagement:results", kwargs={"slug": "sized"})
    # consultation; questions, options, channels, option counts, question figures, medians,
    # ward counts, wards
    with django_assert_num_queries(9):
        assert client.get(public_url).status_code == 200
