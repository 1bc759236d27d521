"""Engagement demo data: invented consultations at each stage of their life, with invented
responses, one published "we asked, you said, we did", and one citizens' assembly.

Everything here is made up and says so: titles end "(demo)", summaries begin "Demo
consultation:", every free-text answer is a stock phrase ending "(demo)", and volunteers are
"Demo volunteer N" at demo.example.org addresses. Responses are generated from a fixed random
seed so the demo looks the same on every machine; they are not real people's views.

`seed(scale=, log=)` is idempotent: each consultation and assembly is looked up by slug and only
created (with its survey, responses and outcome) when missing.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from luton2040.accounts.models import User
from luton2040.places.models import Ward
from taskforce.models import Action, PopulationGroup

from .models import (
    Answer,
    AnswerTag,
    Assembly,
    Channel,
    Consultation,
    ConsultationOutcome,
    Decision,
    EqualityMonitoring,
    OutcomeDecision,
    Question,
    QuestionOption,
    Response,
    Section,
    Topic,
)
from .services import assemblies

AGREE_SCALE = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
]


@dataclass(frozen=True)
class DemoQuestion:
    kind: str
    text: str
    options: Sequence[str] = ()
    required: bool = False
    help_text: str = ""
    allow_other: bool = False
    max_choices: int | None = None
    # Free-text answers to draw from (each ends "(demo)").
    phrases: Sequence[str] = ()


@dataclass(frozen=True)
class DemoSection:
    title: str
    questions: Sequence[DemoQuestion]
    intro: str = ""


@dataclass(frozen=True)
class DemoOutcome:
    we_asked: str
    you_said: str
    we_did: str
    # (what was decided, the decision, why, taskforce action references that carry it out)
    decisions: Sequence[tuple[str, str, str, Sequence[str]]]


@dataclass(frozen=True)
class DemoConsultation:
    slug: str
    title: str
    summary: str
    description: str
    topics: Sequence[str]
    # Days from today: negative is in the past.
    opens: int
    closes: int
    status: str
    sections: Sequence[DemoSection]
    responses: int = 0
    wards: Sequence[str] = ()
    groups: Sequence[str] = ()
    allow_anonymous: bool = True
    publish_results: bool = False
    tags: Sequence[str] = ()
    outcome: DemoOutcome | None = None


WARM_SPACES = DemoConsultation(
    slug="demo-warm-spaces-this-winter",
    title="Warm Spaces this winter: what would help you? (demo)",
    summary=(
        "Demo consultation: tell us how the town's Warm Spaces could work better for you this "
        "winter."
    ),
    description=(
        "Demo consultation: not a real consultation.\n\n"
        "Luton's Warm Spaces are libraries, community centres and places of worship that open "
        "their doors so people can keep warm, have a hot drink and find company. We want to "
        "know whether the opening times, places and activities suit you."
    ),
    topics=[Topic.COST_OF_LIVING, Topic.COMMUNITY],
    groups=["low-income", "older-people"],
    opens=-9,
    closes=19,
    status=Consultation.Status.OPEN,
    responses=64,
    sections=[
        DemoSection(
            "Using Warm Spaces",
            [
                DemoQuestion(
                    "single-choice",
                    "Have you been to a Warm Space this winter?",
                    [
                        "Yes, more than once",
                        "Yes, once",
                        "No, but I know about them",
                        "No, I had not heard of them",
                    ],
                    required=True,
                ),
                DemoQuestion(
                    "multiple-choice",
                    "What would make you more likely to go?",
                    [
                        "Open in the evening",
                        "Open at weekends",
                        "Closer to home",
                        "Hot food",
                        "Activities for children",
                        "Help with bills and advice",
                    ],
                    allow_other=True,
                    max_choices=3,
                    help_text="Choose up to 3.",
                ),
            ],
        ),
        DemoSection(
            "Your views",
            [
                DemoQuestion(
                    "scale",
                    "Warm Spaces are easy to get to from where I live.",
                    AGREE_SCALE,
                ),
                DemoQuestion(
                    "long-text",
                    "Is there anything else you want to tell us?",
                    phrases=[
                        "The library one is great but shuts too early (demo)",
                        "I did not know there was one near me (demo)",
                        "Please keep the Sunday opening (demo)",
                        "A bus pass would help me get there (demo)",
                    ],
                ),
                DemoQuestion("ward", "Which ward do you live in?"),
            ],
        ),
    ],
)

CROSSINGS = DemoConsultation(
    slug="demo-safer-crossings-dallow-biscot",
    title="Safer crossings near schools in Dallow and Biscot (demo)",
    summary="Demo consultation: four places where we propose new zebra crossings near schools.",
    description=(
        "Demo consultation: not a real consultation.\n\n"
        "Parents told us crossing busy roads near three primary schools feels unsafe. We propose "
        "four new crossings and want to know which matter most to you."
    ),
    topics=[Topic.TRANSPORT, Topic.YOUNG_PEOPLE, Topic.COMMUNITY_SAFETY],
    wards=["dallow", "biscot"],
    opens=-25,
    closes=2,
    status=Consultation.Status.OPEN,
    responses=37,
    allow_anonymous=False,
    sections=[
        DemoSection(
            "The proposed crossings",
            [
                DemoQuestion(
                    "ranking",
                    "Put the proposed crossings in order of importance to you.",
                    [
                        "Dunstable Road by the school gates (demo)",
                        "Leagrave Road near the mosque (demo)",
                        "Oak Road at the corner shop (demo)",
                        "Waldeck Road by the park (demo)",
                    ],
                    help_text="1 is the most important.",
                ),
                DemoQuestion(
                    "number",
                    "How many children in your home walk to school?",
                ),
            ],
        ),
    ],
)

LIBRARY_HOURS = DemoConsultation(
    slug="demo-library-opening-hours",
    title="Library opening hours from April (demo)",
    summary="Demo consultation: help us choose when Luton's libraries open from next April.",
    description="Demo consultation: not a real consultation.",
    topics=[Topic.COMMUNITY],
    opens=14,
    closes=56,
    status=Consultation.Status.FORTHCOMING,
    sections=[
        DemoSection(
            "Opening times",
            [
                DemoQuestion(
                    "multiple-choice",
                    "When would you use a library?",
                    ["Weekday mornings", "Weekday evenings", "Saturdays", "Sundays"],
                )
            ],
        )
    ],
)

PANTRIES = DemoConsultation(
    slug="demo-food-first-community-pantries",
    title="Food First: how we run community pantries (demo)",
    summary="Demo consultation: how the Food First community pantries should run next year.",
    description=(
        "Demo consultation: not a real consultation.\n\n"
        "Community pantries let members pay a small weekly amount for a bag of shopping worth "
        "much more. We asked how they should run next year."
    ),
    topics=[Topic.COST_OF_LIVING, Topic.HEALTH],
    groups=["low-income"],
    opens=-62,
    closes=-20,
    status=Consultation.Status.AWAITING_OUTCOME,
    responses=180,
    publish_results=True,
    tags=["Opening times", "Choice of food", "Cost", "Dignity"],
    sections=[
        DemoSection(
            "Your pantry",
            [
                DemoQuestion(
                    "single-choice",
                    "How often do you use a community pantry?",
                    ["Every week", "Most weeks", "Now and then", "I have not used one"],
                    required=True,
                ),
                DemoQuestion(
                    "scale",
                    "The weekly membership fee is fair.",
                    AGREE_SCALE,
                ),
                DemoQuestion(
                    "long-text",
                    "What one thing would you change?",
                    phrases=[
                        "More fresh fruit and vegetables (demo)",
                        "Open after work on one evening (demo)",
                        "Halal meat would help our family (demo)",
                        "The volunteers are kind, nothing to change (demo)",
                    ],
                ),
                DemoQuestion("ward", "Which ward do you live in?"),
            ],
        )
    ],
)

HUB_PLACES = DemoConsultation(
    slug="demo-where-next-community-hub",
    title="Community hubs: where should the next one open? (demo)",
    summary="Demo consultation: we asked where the next community hub should open.",
    description="Demo consultation: not a real consultation.",
    topics=[Topic.COMMUNITY],
    opens=-130,
    closes=-72,
    status=Consultation.Status.OUTCOME_PUBLISHED,
    responses=240,
    publish_results=True,
    sections=[
        DemoSection(
            "The next hub",
            [
                DemoQuestion(
                    "single-choice",
                    "Which area needs a community hub most?",
                    ["Farley", "Lewsey", "Northwell", "Round Green"],
                    required=True,
                    allow_other=True,
                ),
                DemoQuestion(
                    "multiple-choice",
                    "What should the hub offer?",
                    [
                        "Advice on money and debt",
                        "A warm space",
                        "Food support",
                        "English classes",
                        "Activities for young people",
                    ],
                ),
                DemoQuestion(
                    "long-text",
                    "Tell us why.",
                    phrases=[
                        "Nothing open near us after the centre closed (demo)",
                        "Young people need somewhere to go (demo)",
                        "Advice in Urdu and Bengali would help my mum (demo)",
                    ],
                ),
            ],
        )
    ],
    outcome=DemoOutcome(
        we_asked="Where the next community hub should open and what it should offer (demo).",
        you_said=(
            "240 people responded (demo figures). Farley was chosen most often; money advice and a "
            "warm space were high on the list, and many asked for advice in community languages."
        ),
        we_did=(
            "We will open the next hub in Farley in the spring, with money advice sessions in "
            "Urdu and Bengali, and a warm space on weekday evenings (demo)."
        ),
        decisions=[
            (
                "Open the next community hub in Farley (demo)",
                Decision.ACCEPTED,
                "It had the most support and no hub nearby.",
                ["DEMO-005"],
            ),
            (
                "Offer money advice in community languages (demo)",
                Decision.ACCEPTED_IN_PART,
                "Urdu and Bengali first; other languages as volunteers are found.",
                ["DEMO-002"],
            ),
            (
                "A second hub in Round Green this year (demo)",
                Decision.REJECTED,
                "There is no funding this year; we will look again next year.",
                [],
            ),
        ],
    ),
)

CONSULTATIONS = [WARM_SPACES, CROSSINGS, LIBRARY_HOURS, PANTRIES, HUB_PLACES]

# Invented, but weighted so the "who is responding" page has something to say: more online
# responses than any other channel, some paper and phone ones through the hubs.
CHANNEL_WEIGHTS = {
    Channel.ONLINE: 70,
    Channel.PAPER: 15,
    Channel.PHONE: 5,
    Channel.ASSISTED: 10,
}


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """Create the demo consultations (with surveys, responses and an outcome) and assembly."""
    staff = get_user_model().objects.filter(email="staff@demo.example.org").first()
    made = [spec.title for spec in CONSULTATIONS if _consultation(spec, created_by=staff)]
    if made:
        log(f"Engagement: {len(made)} demo consultations with responses.")
    if _assembly(by=staff):
        log(f"Engagement: one demo citizens' assembly with {ASSEMBLY_VOLUNTEERS} volunteers.")


def _consultation(spec: DemoConsultation, *, created_by: User | None) -> bool:
    if Consultation.objects.filter(slug=spec.slug).exists():
        return False
    now = timezone.now().replace(second=0, microsecond=0)
    consultation = Consultation.objects.create(
        slug=spec.slug,
        title=spec.title,
        summary=spec.summary,
        description=spec.description,
        topics=list(spec.topics),
        opens_at=now + datetime.timedelta(days=spec.opens),
        closes_at=now + datetime.timedelta(days=spec.closes),
        status=spec.status,
        allow_anonymous=spec.allow_anonymous,
        one_response_per_person=not spec.allow_anonymous,
        publish_results=spec.publish_results,
        published_at=now + datetime.timedelta(days=min(spec.opens, 0) - 7),
        created_by=created_by,
        contact_email="consultations@demo.example.org",
        opening_notified_at=now if spec.opens <= 0 else None,
    )
    if spec.wards:
        consultation.wards.set(Ward.objects.filter(slug__in=spec.wards))
    if spec.groups:
        consultation.groups.set(PopulationGroup.objects.filter(slug__in=spec.groups))
    questions: list[tuple[Question, DemoQuestion]] = []
    for s_pos, demo_section in enumerate(spec.sections):
        section = Section.objects.create(
            consultation=consultation,
            title=demo_section.title,
            intro=demo_section.intro,
            position=s_pos,
        )
        for q_pos, demo in enumerate(demo_section.questions):
            question = Question.objects.create(
                consultation=consultation,
                section=section,
                kind=demo.kind,
                text=demo.text,
                help_text=demo.help_text,
                required=demo.required,
                allow_other=demo.allow_other,
                max_choices=demo.max_choices,
                position=q_pos,
            )
            QuestionOption.objects.bulk_create(
                QuestionOption(question=question, label=label, position=i)
                for i, label in enumerate(demo.options)
            )
            questions.append((question, demo))
    tags = [AnswerTag(consultation=consultation, name=name) for name in spec.tags]
    AnswerTag.objects.bulk_create(tags)
    _responses(consultation, questions, count=spec.responses, tags=tags)
    if spec.outcome:
        _outcome(consultation, spec.outcome, by=created_by)
    return True


def _responses(
    consultation: Consultation,
    questions: list[tuple[Question, DemoQuestion]],
    *,
    count: int,
    tags: list[AnswerTag],
) -> None:
    """``count`` invented responses, anonymous ones (no respondent, date only) where the
    consultation allows them, each with equality monitoring answers two times in three."""
    if not count:
        return
    rng = random.Random(consultation.slug)  # noqa: S311  the same demo on every machine
    wards = list(Ward.objects.order_by("name"))
    # A consultation that needs signing in gets responses only from demo accounts: the demo
    # resident (who then sees "Change your response") and, with --scale, the generated ones.
    residents = list(
        get_user_model()
        .objects.filter(
            Q(email="resident@demo.example.org") | Q(email__startswith="demo-resident-")
        )
        .order_by("pk")[:count]
    )
    options = {
        question.pk: list(question.options.order_by("position").values_list("pk", flat=True))
        for question, _demo in questions
    }
    start = consultation.opens_at
    end = min(consultation.closes_at, timezone.now())
    span = max((end - start).total_seconds(), 3600)
    channels = list(CHANNEL_WEIGHTS)
    weights = list(CHANNEL_WEIGHTS.values())
    responses = []
    for n in range(count):
        when = start + datetime.timedelta(seconds=rng.uniform(0, span))
        channel = rng.choices(channels, weights)[0]
        named = not consultation.allow_anonymous and n < len(residents)
        if not consultation.allow_anonymous and not named:
            break  # signed-in only, and no more demo residents to respond as
        responses.append(
            Response(
                consultation=consultation,
                respondent=residents[n] if named else None,
                status=Response.Status.SUBMITTED,
                channel=channel,
                one_per_person=consultation.one_response_per_person,
                submitted_on=timezone.localdate(when),
                submitted_at=when if named else None,
            )
        )
    Response.objects.bulk_create(responses)
    answers = []
    for response in responses:
        for question, demo in questions:
            if not question.required and rng.random() < 0.15:
                continue
            answers.append(_answer(rng, response, question, demo, options[question.pk], wards))
    Answer.objects.bulk_create(answers)
    if tags:
        through = Answer.tags.through
        through.objects.bulk_create(
            through(answer_id=answer.pk, answertag_id=rng.choice(tags).pk)
            for answer in answers
            if answer.text and rng.random() < 0.6
        )
    EqualityMonitoring.objects.bulk_create(
        EqualityMonitoring(
            consultation=consultation,
            ward=rng.choice(wards),
            age_band=rng.choice(EqualityMonitoring.AgeBand.values),
            sex=rng.choice(EqualityMonitoring.Sex.values),
            ethnic_group=rng.choice(EqualityMonitoring.EthnicGroup.values),
            disability=rng.choice(EqualityMonitoring.Disability.values),
            channel=response.channel,
            recorded_on=response.submitted_on or timezone.localdate(),
        )
        for response in responses
        if rng.random() < 0.66
    )


def _answer(
    rng: random.Random,
    response: Response,
    question: Question,
    demo: DemoQuestion,
    option_ids: list[int],
    wards: list[Ward],
) -> Answer:
    answer = Answer(response=response, question=question)
    kind = question.kind
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        answer.text = rng.choice(demo.phrases or ["No comment (demo)"])
    elif kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.SCALE):
        # Skewed towards the first options, as real answers usually are.
        answer.option_ids = [option_ids[min(int(rng.expovariate(0.9)), len(option_ids) - 1)]]
    elif kind == Question.Kind.MULTIPLE_CHOICE:
        most = question.max_choices or len(option_ids)
        answer.option_ids = rng.sample(option_ids, rng.randint(1, min(most, len(option_ids))))
    elif kind == Question.Kind.RANKING:
        answer.option_ids = rng.sample(option_ids, len(option_ids))
    elif kind == Question.Kind.NUMBER:
        answer.number = Decimal(rng.choice([0, 1, 1, 2, 2, 3]))
    elif kind == Question.Kind.WARD:
        answer.ward = rng.choice(wards)
    return answer


def _outcome(consultation: Consultation, spec: DemoOutcome, *, by: User | None) -> None:
    published = consultation.closes_at + datetime.timedelta(days=60)
    outcome = ConsultationOutcome.objects.create(
        consultation=consultation,
        we_asked=spec.we_asked,
        you_said=spec.you_said,
        we_did=spec.we_did,
        published_at=min(published, timezone.now()),
        published_by=by,
    )
    for position, (text, decision, reason, references) in enumerate(spec.decisions):
        row = OutcomeDecision.objects.create(
            outcome=outcome, text=text, decision=decision, reason=reason, position=position
        )
        row.actions.set(Action.objects.filter(reference__in=references))


ASSEMBLY_TITLE = "Neighbourhood priorities citizens' assembly (demo)"
ASSEMBLY_VOLUNTEERS = 150


def _assembly(*, by: User | None) -> bool:
    """One recruiting assembly, made through the assemblies services as staff would (standard
    features, sessions, published), with invented volunteers whose answers roughly follow the
    town's make-up, so staff can run a draw in the demo."""
    if by is None or Assembly.objects.filter(title=ASSEMBLY_TITLE).exists():
        return False
    today = timezone.localdate()
    assembly = assemblies.assembly_create(
        by=by,
        title=ASSEMBLY_TITLE,
        question="What should Luton's neighbourhoods put first over the next five years? (demo)",
        summary=(
            "Demo assembly: not a real assembly. 24 residents chosen by lot to reflect the town "
            "meet over four Saturdays and recommend priorities to the council."
        ),
        starts_on=today + datetime.timedelta(weeks=5),
        ends_on=today + datetime.timedelta(weeks=11),
        recruitment_closes_on=today + datetime.timedelta(weeks=2),
        target_size=24,
        reserves=6,
    )
    for week in range(4):
        day = assembly.starts_on + datetime.timedelta(weeks=2 * week)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
        assemblies.session_add(
            assembly=assembly,
            by=by,
            title=f"Session {week + 1} (demo)",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=6),
            place="Central library, St George's Square (demo)",
            hub=None,
        )
    assemblies.assembly_publish(assembly=assembly, by=by)
    rng = random.Random(ASSEMBLY_TITLE)  # noqa: S311  the same demo on every machine
    features = list(assembly.features.prefetch_related("categories"))
    for n in range(1, ASSEMBLY_VOLUNTEERS + 1):
        categories = []
        for feature in features:
            options = list(feature.categories.all())
            weights = [float(c.population_share or 5) for c in options]
            categories.append(rng.choices(options, weights)[0])
        assemblies.volunteer_register(
            assembly=assembly,
            name=f"Demo volunteer {n}",
            email=f"demo-volunteer-{n}@demo.example.org",
            postcode="LU1 2BQ",
            categories=categories,
        )
    return True
