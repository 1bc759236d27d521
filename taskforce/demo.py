"""Taskforce demo data: the Luton 2040 vocabulary, then labelled demo actions, indicators and
one published progress report.

The vocabulary (priorities, the five Empowered Community outcomes, the 2028 commitments) is the
real published wording (see shared/seed.md); it is created once and then belongs to staff, so
re-running never overwrites their edits. So is one figure: 84% of residents told the perception
survey their neighbourhood is a good place to live, the first value of that indicator.

Everything else is invented and says so: action references start "DEMO-", titles, milestones and
update notes end "(demo)", evidence links point at example.org/demo, invented indicators' names
end "(demo)" and every invented figure's notes say "Demo value". Idempotent: records are found by
reference or slug and only created when missing. `--scale N` adds (N - 1) x 25 generated actions
with 10 updates each, written with bulk_create by `generate_actions`, which the taskforce
benchmark (bench/taskforce_data.py) also uses for its own, separately labelled rows.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from luton2040.places.models import Ward

from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    Milestone,
    Outcome,
    PopulationGroup,
    Priority,
    ProgressReport,
    ReportSection,
)
from .services.reports import report_publish

PRIORITIES = [
    (
        "Empowered community",
        "A town built on fairness, with a strong voluntary and community "
        "sector and a powerful voice for all residents.",
    ),
    ("Net zero town", ""),
    ("Child friendly town", ""),
    ("Improving wellbeing", ""),
    ("Inclusive economy", ""),
]

EMPOWERED_COMMUNITY_OUTCOMES = [
    (
        "Fairness",
        "Equitable outcomes for every resident; a town built on fairness and social justice.",
    ),
    (
        "Resilience",
        "A more resilient community that protects and enables the most excluded and vulnerable.",
    ),
    (
        "Thriving voluntary and community sector",
        "A thriving voluntary and community sector, delivering shared priorities with residents.",
    ),
    (
        "Resident voice",
        "A stronger, meaningful say for all residents in the vision and direction of the town.",
    ),
    (
        "Welcoming and compassionate town",
        "A welcoming and compassionate town: respect, social responsibility and civic pride.",
    ),
]

COMMITMENTS = [
    "A Fairness and Social Justice Strategy, made and delivered in partnership with the community",
    "New forms of civic involvement, such as citizens' assemblies",
    "Place-based community networks and hubs",
    "Town-wide programmes: Food First, City of Sanctuary, Warm Spaces",
    "The Fairness Taskforce delivering citizen-led solutions for equity and social inclusion",
]


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """The vocabulary, then the labelled demo actions, indicators and report (see below)."""
    seed_vocabulary(log=log)
    seed_demo_data(scale=scale, log=log)


def seed_vocabulary(*, log: Callable[[str], None]) -> None:
    """Create the priorities, outcomes and commitments if they are missing."""
    for position, (name, summary) in enumerate(PRIORITIES, start=1):
        Priority.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "summary": summary, "position": position}
        )
    empowered = Priority.objects.get(slug="empowered-community")
    for number, (short_name, statement) in enumerate(EMPOWERED_COMMUNITY_OUTCOMES, start=1):
        Outcome.objects.get_or_create(
            priority=empowered,
            number=number,
            defaults={
                "short_name": short_name,
                "slug": slugify(short_name),
                "statement": statement,
            },
        )
    for position, title in enumerate(COMMITMENTS, start=1):
        Commitment.objects.get_or_create(
            slug=slugify(title)[:200], defaults={"title": title, "position": position}
        )
    log(
        f"Luton 2040 vocabulary: {Priority.objects.count()} priorities, "
        f"{Outcome.objects.count()} outcomes, {Commitment.objects.count()} commitments."
    )


# --- Demo actions, updates, indicators and a report -------------------------------------------
# Everything below is invented for the demo except the vocabulary above and the 84% perception
# survey figure. References start "DEMO-" and titles end "(demo)", so no screenshot of the
# tracker passes for the taskforce's real work.

DEMO_NOTE = "Demo data: invented for the demo, not a real action."
GENERATED_ACTIONS_PER_SCALE = 25
UPDATES_PER_GENERATED_ACTION = 10
MEMBER_EMAIL = "taskforce@demo.example.org"
LEAD_EMAIL = "lead@demo.example.org"
STAFF_EMAIL = "staff@demo.example.org"

FAIRNESS = "fairness"
RESILIENCE = "resilience"
VCS = "thriving-voluntary-and-community-sector"
VOICE = "resident-voice"
WELCOMING = "welcoming-and-compassionate-town"


@dataclass(frozen=True)
class DemoAction:
    reference: str
    title: str
    summary: str
    outcomes: tuple[str, ...]
    commitment: int  # position in COMMITMENTS, from 1
    status: str
    progress: int
    start_days: int  # relative to today: negative is in the past
    due_days: int
    updates: tuple[str, ...] = ()
    lead: str = ""  # "member", "lead" or "" (an organisation leads)
    organisation: str = ""
    partners: str = ""
    wards: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    parent: str = ""
    milestones: tuple[tuple[str, int, bool], ...] = ()  # title, due (days from today), done
    evidence: tuple[tuple[int, str, str], ...] = ()  # update index, title, example.org link
    visibility: str = Action.Visibility.PUBLIC
    review: str = Action.Review.PUBLISHED
    edited_after_publication: bool = False


DEMO_ACTIONS = [
    DemoAction(
        "DEMO-001",
        "Set up a Fairness Taskforce community panel (demo)",
        "Recruit 24 residents from across Luton to advise the taskforce and check its work.",
        (VOICE, FAIRNESS),
        5,
        "done",
        100,
        -350,
        -120,
        (
            "Recruitment opened through community groups, faith centres and the libraries.",
            "96 residents applied; 24 chosen to reflect the town by age, ward and background.",
            "The panel met for the first time and agreed its terms of reference.",
            "The panel has met monthly since the spring; this action is complete.",
        ),
        lead="member",
        groups=("ethnic-minority", "young-people", "disabled"),
        partners="Luton libraries (demo), local faith forums (demo)",
        milestones=(("Applications close", -300, True), ("First panel meeting", -250, True)),
        evidence=(
            (2, "Panel terms of reference (demo link)", "https://example.org/demo/panel-terms"),
        ),
    ),
    DemoAction(
        "DEMO-002",
        "Publish the Fairness and Social Justice Strategy draft for consultation (demo)",
        "Write the strategy with residents and publish a draft everyone can comment on.",
        (FAIRNESS,),
        1,
        "in-progress",
        60,
        -330,
        120,
        (
            "The writing group agreed the strategy's five themes with the community panel.",
            "Listening events are under way; notes from each are shared with the panel.",
            "A first outline is with the panel for comment.",
        ),
        lead="lead",
        partners="Community panel (demo), council policy team (demo)",
        groups=("low-income", "ethnic-minority", "disabled"),
        milestones=(
            ("Themes agreed", -240, True),
            ("Draft ready for the panel", 30, False),
            ("Consultation opens", 110, False),
        ),
    ),
    DemoAction(
        "DEMO-003",
        "Hold strategy listening events in every ward (demo)",
        "Twenty evening events, one in each ward, to hear what fairness means to residents.",
        (FAIRNESS, VOICE),
        1,
        "in-progress",
        70,
        -300,
        30,
        (
            "Venues booked in all 20 wards, with interpreters on request.",
            "Ten events held; 310 residents took part.",
            "Fourteen events held; the notes are published for each one.",
        ),
        lead="lead",
        parent="DEMO-002",
        groups=("low-income",),
    ),
    DemoAction(
        "DEMO-004",
        "Write the strategy draft with the community panel (demo)",
        "The panel and council officers write the draft together, in plain English.",
        (FAIRNESS,),
        1,
        "in-progress",
        50,
        -200,
        100,
        (
            "Writing workshops set for the second Tuesday of each month.",
            "Sections on money, housing and health are drafted.",
        ),
        lead="member",
        parent="DEMO-002",
    ),
    DemoAction(
        "DEMO-005",
        "Extend warm welcome spaces to evenings in Biscot and Dallow (demo)",
        "Keep four warm spaces open until 9pm on weekdays through the winter.",
        (RESILIENCE, WELCOMING),
        4,
        "at-risk",
        40,
        -180,
        90,
        (
            "Four venues agreed to open in the evening if volunteers can be found.",
            "Two venues now open until 9pm on Mondays and Thursdays.",
            "Volunteer numbers are short for the other two venues; at risk until more sign up.",
        ),
        organisation="Warm Welcome Luton (demo)",
        partners="Biscot and Dallow faith centres (demo)",
        wards=("biscot", "dallow"),
        groups=("low-income", "older-people"),
        milestones=(("Volunteers trained", -60, True), ("All four venues open late", 20, False)),
        edited_after_publication=True,
    ),
    DemoAction(
        "DEMO-006",
        "Run a pilot citizens' assembly on neighbourhood priorities (demo)",
        "40 residents chosen by lot spend four weekends deciding what their neighbourhoods need.",
        (VOICE,),
        2,
        "in-progress",
        30,
        -150,
        200,
        (
            "The assembly's question was agreed with the community panel.",
            "Invitations sent to 4,000 randomly chosen households.",
        ),
        lead="lead",
        partners="An independent facilitator (demo)",
        wards=("leagrave", "limbury", "sundon-park"),
        milestones=(
            ("Invitations sent", -40, True),
            ("Members chosen by lot", 20, False),
            ("First weekend", 60, False),
            ("Recommendations published", 190, False),
        ),
    ),
    DemoAction(
        "DEMO-007",
        "Map and fill gaps in food support across wards (demo)",
        "Find where food support is missing and open pantries or food clubs to fill the gaps.",
        (RESILIENCE, FAIRNESS),
        4,
        "in-progress",
        55,
        -320,
        60,
        (
            "Every food bank, pantry and food club in Luton is now on one map.",
            "The map shows no weekday support in three wards.",
            "A pantry opened in Lewsey; talks continue for Sundon Park and Stopsley.",
            "Food clubs in schools agreed for the spring term.",
            "A second pantry opened in Stopsley.",
        ),
        organisation="Luton Foodbank Partnership (demo)",
        partners="Food First partners (demo)",
        wards=("lewsey", "sundon-park", "stopsley"),
        groups=("low-income", "refugees"),
        milestones=(("Gap map published", -250, True), ("Three new food points", 50, False)),
        evidence=((1, "Food support gap map (demo link)", "https://example.org/demo/food-map"),),
    ),
    DemoAction(
        "DEMO-008",
        "Train 40 community connectors in benefits advice (demo)",
        "Train volunteers from local groups to help residents check and claim what they are owed.",
        (FAIRNESS, VCS),
        3,
        "delayed",
        60,
        -280,
        60,
        (
            "The training course was agreed with Money Advice Luton.",
            "22 connectors recruited from 14 community groups.",
            "The second cohort's training moved to the new year: the trainer is unavailable.",
        ),
        lead="member",
        partners="Money Advice Luton (demo)",
        groups=("low-income", "disabled", "carers"),
        milestones=(
            ("Course agreed", -220, True),
            ("First cohort trained", -60, True),
            ("Second cohort trained", 40, False),
        ),
    ),
    DemoAction(
        "DEMO-009",
        "Recruit community connectors from local groups (demo)",
        "Find 40 volunteers who already help their neighbours and want to learn more.",
        (VCS,),
        3,
        "done",
        100,
        -270,
        -90,
        (
            "Recruitment leaflets in six languages went to 60 groups.",
            "40 connectors recruited; recruitment is closed.",
        ),
        lead="member",
        parent="DEMO-008",
    ),
    DemoAction(
        "DEMO-010",
        "Deliver benefits advice training in two cohorts (demo)",
        "Two six-week courses, each for 20 connectors, with a certificate at the end.",
        (FAIRNESS,),
        3,
        "delayed",
        20,
        -120,
        60,
        (
            "The first cohort started in the autumn.",
            "The second cohort is delayed until January.",
        ),
        lead="member",
        parent="DEMO-008",
    ),
    DemoAction(
        "DEMO-011",
        "Open a City of Sanctuary welcome desk at the town centre hub (demo)",
        "A weekly desk where people new to Luton get advice, English classes and a friendly face.",
        (WELCOMING, RESILIENCE),
        4,
        "done",
        100,
        -300,
        -60,
        (
            "The desk's volunteers were trained in advice and safeguarding.",
            "The desk opened on Wednesdays; 35 people came in the first month.",
            "The desk now opens twice a week; this action is complete.",
        ),
        organisation="Luton Sanctuary Network (demo)",
        wards=("south", "high-town"),
        groups=("refugees",),
        evidence=(
            (
                2,
                "Welcome desk in its first month (demo link)",
                "https://example.org/demo/welcome-desk",
            ),
        ),
    ),
    DemoAction(
        "DEMO-012",
        "Start a small grants fund for grassroots groups (demo)",
        "Grants of up to £2,000 for small community groups, decided with residents.",
        (VCS,),
        5,
        "in-progress",
        45,
        -240,
        150,
        (
            "The panel agreed the fund's rules and a two-page application form.",
            "The first round had 48 applications.",
            "18 grants awarded in the first round.",
        ),
        lead="lead",
        groups=("young-people", "women"),
        milestones=(("First round decided", -30, True), ("Second round opens", 45, False)),
    ),
    DemoAction(
        "DEMO-013",
        "Set up ward community networks in Lewsey, Farley and Northwell (demo)",
        "Bring local groups, services and residents together every month in each ward.",
        (VCS, RESILIENCE),
        3,
        "in-progress",
        50,
        -260,
        180,
        (
            "Network meetings started in Lewsey and Farley.",
            "Northwell's network met for the first time.",
            "Each network has agreed three local priorities.",
            "Lewsey's network now runs its own meetings.",
        ),
        organisation="Luton Community Hubs Trust (demo)",
        wards=("lewsey", "farley", "northwell"),
    ),
    DemoAction(
        "DEMO-014",
        "Run a youth voice forum on the Luton 2040 vision (demo)",
        "Young people aged 14 to 21 tell the taskforce what a fair Luton looks like to them.",
        (VOICE,),
        2,
        "at-risk",
        20,
        -160,
        70,
        (
            "Three schools and two youth clubs agreed to take part.",
            "Turnout at the first forum was low; the group is moving it to a weekend.",
        ),
        lead="member",
        partners="Luton Youth Trust (demo)",
        groups=("young-people",),
    ),
    DemoAction(
        "DEMO-015",
        "Translate cost-of-living advice into the town's main languages (demo)",
        "Plain-English money advice leaflets in Urdu, Bengali, Punjabi, Polish and Romanian.",
        (FAIRNESS, WELCOMING),
        4,
        "done",
        100,
        -340,
        -150,
        (
            "The leaflets were rewritten in plain English first.",
            "Translations checked by community volunteers who speak each language.",
            "Leaflets are in every library and hub, and online; this action is complete.",
        ),
        organisation="Money Advice Luton (demo)",
        groups=("ethnic-minority", "refugees"),
        evidence=((2, "The translated leaflets (demo link)", "https://example.org/demo/leaflets"),),
    ),
    DemoAction(
        "DEMO-016",
        "Review council forms for plain English and accessibility (demo)",
        "Residents test the twenty most used council forms and suggest fixes.",
        (FAIRNESS,),
        1,
        "stopped",
        30,
        -250,
        -20,
        (
            "Residents tested the first six forms.",
            "Stopped: the council's own forms programme now covers this work, with our findings.",
        ),
        lead="lead",
        groups=("disabled", "older-people"),
    ),
    DemoAction(
        "DEMO-017",
        "Hold a Luton civic pride week with community groups (demo)",
        "A week of open days, street events and volunteering across the town.",
        (WELCOMING,),
        5,
        "planned",
        0,
        60,
        240,
        (
            "Community groups are invited to say what they would like to run.",
            "A planning group of eight organisations will meet in the new year.",
        ),
        lead="member",
    ),
    DemoAction(
        "DEMO-018",
        "Pilot community-led budget decisions in Dallow (demo)",
        "Residents decide how a small local budget is spent. Internal while the budget is agreed.",
        (VOICE, FAIRNESS),
        2,
        "in-progress",
        15,
        -90,
        200,
        (
            "Options for the pilot are being discussed with the council's finance team.",
            "The pilot's rules are drafted; waiting for the budget to be confirmed.",
        ),
        lead="lead",
        wards=("dallow",),
        visibility=Action.Visibility.INTERNAL,
    ),
    DemoAction(
        "DEMO-019",
        "Start a befriending network for isolated older residents (demo)",
        "Volunteers visit or phone older residents who live alone, every week.",
        (RESILIENCE, WELCOMING),
        3,
        "planned",
        0,
        30,
        300,
        lead="member",
        groups=("older-people", "carers"),
        review=Action.Review.SUBMITTED,
    ),
    DemoAction(
        "DEMO-020",
        "Run carers' drop-in sessions at community hubs (demo)",
        "Monthly sessions where unpaid carers get advice and a break.",
        (RESILIENCE,),
        3,
        "planned",
        0,
        45,
        270,
        lead="member",
        groups=("carers",),
        review=Action.Review.DRAFT,
    ),
]

# A published action's newer update, waiting for the demo lead's review.
SUBMITTED_UPDATE = (
    "DEMO-007",
    "A third pantry has agreed to open in Sundon Park in the spring.",
)

LEAD_ORGANISATIONS = [
    "Luton Foodbank Partnership (demo)",
    "Warm Welcome Luton (demo)",
    "Luton Sanctuary Network (demo)",
    "Money Advice Luton (demo)",
    "Luton Community Hubs Trust (demo)",
]


def seed_demo_data(*, scale: int, log: Callable[[str], None]) -> None:
    """The demo actions, their timelines, the indicators and one report; --scale adds more."""
    User = get_user_model()
    people = {
        "member": User.objects.filter(email=MEMBER_EMAIL).first(),
        "lead": User.objects.filter(email=LEAD_EMAIL).first(),
    }
    created = _demo_actions(people)
    _demo_indicators()
    report_state = _demo_report(User.objects.filter(email=STAFF_EMAIL).first())
    generated = 0
    if scale > 1:
        generated, _updates = generate_actions(
            reference_prefix="DEMO-G",
            title_suffix="(demo)",
            wanted=(scale - 1) * GENERATED_ACTIONS_PER_SCALE,
            updates_per_action=UPDATES_PER_GENERATED_ACTION,
            lead_member=people["member"],
        )
    log(
        f"Taskforce demo: {created} new demo actions, {generated} generated, "
        f"{Indicator.objects.filter(slug__startswith='demo-').count() + 1} indicators, "
        f"one progress report ({report_state})."
    )


def _demo_actions(people: dict[str, Any]) -> int:
    today = timezone.localdate()
    now = timezone.now()
    outcomes = {o.slug: o for o in Outcome.objects.all()}
    commitments = {c.position: c for c in Commitment.objects.all()}
    statuses = {s.slug: s for s in ActionStatus.objects.all()}
    groups = {g.slug: g for g in PopulationGroup.objects.all()}
    wards = {w.slug: w for w in Ward.objects.all()}
    created_count = 0
    actions: dict[str, Action] = {}
    for spec in DEMO_ACTIONS:
        lead = people.get(spec.lead) if spec.lead else None
        start = today + datetime.timedelta(days=spec.start_days)
        published = spec.review == Action.Review.PUBLISHED
        action, created = Action.objects.get_or_create(
            reference=spec.reference,
            defaults={
                "title": spec.title,
                "summary": spec.summary,
                "description": f"{spec.summary}\n\n{DEMO_NOTE}",
                "commitment": commitments.get(spec.commitment),
                "lead_member": lead,
                "lead_organisation": spec.organisation,
                "partners": spec.partners,
                "start_date": start,
                "due_date": today + datetime.timedelta(days=spec.due_days),
                "status": statuses[spec.status],
                "progress": spec.progress,
                "parent": actions.get(spec.parent),
                "visibility": spec.visibility,
                "review": spec.review,
                "submitted_at": (
                    now - datetime.timedelta(days=2)
                    if spec.review == Action.Review.SUBMITTED
                    else None
                ),
                "created_by": lead or people["member"],
                "published_at": _at(start, -7) if published else None,
                "edited_after_publication_at": (
                    now - datetime.timedelta(days=3) if spec.edited_after_publication else None
                ),
            },
        )
        actions[spec.reference] = action
        if not created:
            continue
        created_count += 1
        # Backdated, so the timeline and "last changed" read like a year's real work.
        Action.objects.filter(pk=action.pk).update(created_at=_at(start, -10))
        action.outcomes.set([outcomes[slug] for slug in spec.outcomes])
        action.wards.set([wards[slug] for slug in spec.wards if slug in wards])
        action.groups.set([groups[slug] for slug in spec.groups if slug in groups])
        Milestone.objects.bulk_create(
            Milestone(
                action=action,
                title=f"{title} (demo)",
                due_date=today + datetime.timedelta(days=due),
                completed_on=today + datetime.timedelta(days=due - 2) if done else None,
                position=position,
            )
            for position, (title, due, done) in enumerate(spec.milestones)
        )
        if published:
            _demo_timeline(action, spec, statuses, author=lead or people["member"], people=people)
    reference, body = SUBMITTED_UPDATE
    # Found by its text, so once the demo lead has reviewed it a re-run does not post it again.
    ActionUpdate.objects.get_or_create(
        action=actions[reference], body=f"{body} (demo)", defaults={"author": people["member"]}
    )
    return created_count


def _demo_timeline(
    action: Action,
    spec: DemoAction,
    statuses: dict[str, ActionStatus],
    *,
    author: Any,
    people: dict[str, Any],
) -> None:
    """2-6 published updates between the start and a week ago, moving status and progress."""
    today = timezone.localdate()
    first = max(spec.start_days, -360)
    # The newest update 1-9 weeks ago, so some actions go stale (no update in 8 weeks).
    last = -7 - int(spec.reference[-2:]) * 17 % 56
    if spec.status == "done":
        last = min(last, spec.due_days)
    if spec.start_days > 0:  # not started yet: planning notes over the last month
        first, last = -40, -7
    count = len(spec.updates)
    step = (last - first) / max(count - 1, 1)
    moving = spec.status != "planned"
    progress = 0
    status = statuses["planned"]
    published_at = None
    evidence = {index: (title, url) for index, title, url in spec.evidence}
    for index, body in enumerate(spec.updates):
        published_at = _at(today, round(first + index * step))
        is_first, is_last = index == 0, index == count - 1
        new_progress = round(spec.progress * (index + 1) / count) if moving else progress
        new_status = status
        if moving and is_first:
            new_status = statuses["in-progress"]
        if moving and is_last:
            new_status = statuses[spec.status]
        update = ActionUpdate.objects.create(
            action=action,
            author=author,
            body=f"{body} (demo)",
            status_before=status if new_status != status else None,
            status_after=new_status if new_status != status else None,
            progress_before=progress if new_progress != progress else None,
            progress_after=new_progress if new_progress != progress else None,
            review=ActionUpdate.Review.PUBLISHED,
            reviewed_by=people["lead"],
            published_at=published_at,
        )
        ActionUpdate.objects.filter(pk=update.pk).update(
            created_at=published_at - datetime.timedelta(days=1)
        )
        if index in evidence:
            title, url = evidence[index]
            Evidence.objects.create(update=update, title=title, url=url)
        status, progress = new_status, new_progress
    if published_at is not None:
        Action.objects.filter(pk=action.pk).update(last_update_at=published_at)


def _at(day: datetime.date, days: int) -> datetime.datetime:
    """Half past ten on the day `days` after `day`, in Luton's time zone."""
    moment = datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(10, 30))
    return timezone.make_aware(moment)


# --- Indicators ---------------------------------------------------------------------------------

PERCEPTION_SLUG = "residents-neighbourhood-good-place-to-live"
PERCEPTION_NAME = "Residents who say their neighbourhood is a good place to live"
PERCEPTION_SOURCE = "Luton residents' perception survey"
PERCEPTION_VALUE = Decimal("84")
DEMO_VALUE_NOTE = "Demo value: invented for the demo, not a published figure."


@dataclass(frozen=True)
class DemoIndicator:
    slug: str
    name: str
    outcome: str
    unit: str
    direction: str
    values: tuple[float, float, float, float]  # town figure for each period, oldest first
    spread: float  # how far wards and groups stray from the town figure
    sample: tuple[int, int]  # typical sample size range for a ward
    target: float


DEMO_INDICATORS = [
    DemoIndicator(
        "demo-residents-worried-about-bills",
        "Residents worried about paying household bills (demo)",
        FAIRNESS,
        "%",
        Indicator.Direction.LOWER,
        (41, 44, 39, 36),
        12,
        (30, 120),
        30,
    ),
    DemoIndicator(
        "demo-households-helped-with-food",
        "Households helped by community food support each month (demo)",
        RESILIENCE,
        "households",
        Indicator.Direction.HIGHER,
        (1850, 2100, 2420, 2610),
        60,
        (5, 260),
        3000,
    ),
    DemoIndicator(
        "demo-residents-who-can-influence-decisions",
        "Residents who feel they can influence decisions in their area (demo)",
        VOICE,
        "%",
        Indicator.Direction.HIGHER,
        (22, 24, 27, 29),
        9,
        (25, 110),
        35,
    ),
]


def _periods() -> list[tuple[str, datetime.date, datetime.date]]:
    """The last four financial years that have ended, oldest first (April to March)."""
    today = timezone.localdate()
    last_end_year = today.year if today.month > 3 else today.year - 1
    return [
        (f"{year - 1}/{str(year)[2:]}", datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31))
        for year in range(last_end_year - 3, last_end_year + 1)
    ]


def _demo_indicators() -> None:
    """The real perception figure plus three invented indicators, with ward and group figures."""
    outcomes = {o.slug: o for o in Outcome.objects.all()}
    wards = list(Ward.objects.order_by("slug"))
    groups = list(PopulationGroup.objects.order_by("position"))
    periods = _periods()
    latest_label, latest_start, latest_end = periods[-1]
    rows: list[IndicatorValue] = []
    perception, created = Indicator.objects.get_or_create(
        slug=PERCEPTION_SLUG,
        defaults={
            "name": PERCEPTION_NAME,
            "description": (
                "The share of residents who told the council's perception survey that their "
                "neighbourhood is a good place to live. The town figure is the published one; "
                "the ward and group figures are invented for the demo."
            ),
            "outcome": outcomes[WELCOMING],
            "unit": "%",
            "source": PERCEPTION_SOURCE,
            "direction": Indicator.Direction.HIGHER,
            "baseline_value": PERCEPTION_VALUE,
            "baseline_period": latest_label,
            "position": 0,
        },
    )
    if created:
        # The first value of this indicator: the real published figure. Everything else is demo.
        rows.append(
            IndicatorValue(
                indicator=perception,
                period_label=latest_label,
                period_start=latest_start,
                period_end=latest_end,
                value=PERCEPTION_VALUE,
                notes="The published figure from the Luton residents' perception survey.",
            )
        )
        rows += _breakdowns(perception, periods[-1:], [84.0], 8, (6, 90), wards, groups)
    for position, spec in enumerate(DEMO_INDICATORS, start=1):
        indicator, created = Indicator.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "description": "An invented indicator for the demo. " + DEMO_VALUE_NOTE,
                "outcome": outcomes[spec.outcome],
                "unit": spec.unit,
                "source": "Demo data (invented)",
                "direction": spec.direction,
                "baseline_value": Decimal(str(spec.values[0])),
                "baseline_period": periods[0][0],
                "target_value": Decimal(str(spec.target)),
                "target_period": "2028",
                "position": position,
            },
        )
        if not created:
            continue
        rows += [
            IndicatorValue(
                indicator=indicator,
                period_label=label,
                period_start=start,
                period_end=end,
                value=Decimal(str(value)),
                notes=DEMO_VALUE_NOTE,
            )
            for (label, start, end), value in zip(periods, spec.values, strict=True)
        ]
        rows += _breakdowns(
            indicator, periods, list(spec.values), spec.spread, spec.sample, wards, groups
        )
    # ignore_conflicts: a staff member's later correction of a demo figure is never overwritten.
    IndicatorValue.objects.bulk_create(rows, ignore_conflicts=True)


def _breakdowns(
    indicator: Indicator,
    periods: list[tuple[str, datetime.date, datetime.date]],
    town: list[float],
    spread: float,
    sample: tuple[int, int],
    wards: list[Ward],
    groups: list[PopulationGroup],
) -> list[IndicatorValue]:
    """Invented ward and group figures around the town figure; a few small samples, so the
    public pages show suppression."""
    rng = random.Random(indicator.slug)  # noqa: S311  demo figures, not security
    rows = []
    is_count = indicator.unit != "%"
    for (label, start, end), town_value in zip(periods, town, strict=True):
        areas: list[tuple[Ward | None, PopulationGroup | None]] = [
            *((ward, None) for ward in wards),
            *((None, group) for group in groups),
        ]
        for position, (ward, group) in enumerate(areas):
            # Every seventh area has a small sample (fewer than 10), suppressed in public.
            small = position % 7 == 3
            size = rng.randint(3, 9) if small else rng.randint(*sample)
            value: float
            if is_count:  # a count is its own sample: households helped
                size = size if small else round(town_value / len(wards) * rng.uniform(0.4, 1.8))
                value = size
            else:
                value = round(min(99.0, max(1.0, town_value + rng.uniform(-spread, spread))), 1)
            rows.append(
                IndicatorValue(
                    indicator=indicator,
                    period_label=label,
                    period_start=start,
                    period_end=end,
                    ward=ward,
                    group=group,
                    value=Decimal(str(value)),
                    sample_size=size,
                    notes=DEMO_VALUE_NOTE,
                )
            )
    return rows


# --- The progress report ------------------------------------------------------------------------

REPORT_SLUG = "demo-taskforce-progress-report"


def _demo_report(staff: Any) -> str:
    """One progress report for the last full quarter, published through the reports service."""
    today = timezone.localdate()
    quarter_start_month = (today.month - 1) // 3 * 3 + 1
    end = datetime.date(today.year, quarter_start_month, 1) - datetime.timedelta(days=1)
    start = datetime.date(end.year, end.month - 2, 1)
    report, created = ProgressReport.objects.get_or_create(
        slug=REPORT_SLUG,
        version=1,
        defaults={
            "title": f"Fairness Taskforce progress report, {start:%B} to {end:%B %Y} (demo)",
            "period_start": start,
            "period_end": end,
            "summary": (
                "What the taskforce did this quarter, outcome by outcome. Demo report: the "
                "actions and figures are invented."
            ),
            "created_by": staff,
        },
    )
    if created:
        ReportSection.objects.bulk_create(
            [
                ReportSection(
                    report=report,
                    position=1,
                    kind=ReportSection.Kind.NARRATIVE,
                    heading="This quarter in brief (demo)",
                    body=(
                        "The community panel met three times and the listening events for the "
                        "Fairness and Social Justice Strategy reached fourteen wards. The City "
                        "of Sanctuary welcome desk and the translated money advice leaflets are "
                        "finished. Training for community connectors is delayed until January, "
                        "and the evening warm spaces need more volunteers.\n\n"
                        "This is demo text: the actions it describes are invented."
                    ),
                ),
                ReportSection(
                    report=report,
                    position=2,
                    kind=ReportSection.Kind.ACTIONS_BY_OUTCOME,
                    heading="Actions by outcome (demo)",
                ),
            ]
        )
    if report.status == ProgressReport.Status.DRAFT and staff is not None:
        # Through the service, as staff would: it freezes the data blocks and is audited.
        report = report_publish(report=report, by=staff)
    return report.status


# --- Generated volume (--scale and the taskforce benchmark) ------------------------------------

STATUS_WEIGHTS = {
    "planned": 10,
    "in-progress": 45,
    "at-risk": 12,
    "delayed": 8,
    "done": 20,
    "stopped": 5,
}


def generate_actions(
    *,
    reference_prefix: str,
    title_suffix: str,
    wanted: int,
    updates_per_action: int,
    lead_member: Any = None,
    batch_size: int = 1000,
) -> tuple[int, int]:
    """Bring the actions whose reference starts `reference_prefix` up to `wanted`, each with
    `updates_per_action` updates, with bulk_create. Returns (actions, updates) created.

    Mostly published and public (a few internal, submitted or draft), with outcomes, wards and
    groups, so filters and outcome pages have realistic work to do. Deterministic: the same
    numbers always get the same data.
    """
    existing = Action.objects.filter(reference__startswith=reference_prefix).count()
    if existing >= wanted:
        return 0, 0
    outcomes = list(Outcome.objects.values_list("pk", flat=True))
    commitments = [None, *Commitment.objects.values_list("pk", flat=True)]
    statuses = {s.slug: s for s in ActionStatus.objects.all()}
    status_slugs = [slug for slug in STATUS_WEIGHTS if slug in statuses]
    weights = [STATUS_WEIGHTS[slug] for slug in status_slugs]
    wards = list(Ward.objects.values_list("pk", flat=True))
    groups = list(PopulationGroup.objects.values_list("pk", flat=True))
    now = timezone.now()
    today = timezone.localdate()
    actions_made = updates_made = 0
    for batch_start in range(existing, wanted, batch_size):
        numbers = range(batch_start, min(wanted, batch_start + batch_size))
        rng = random.Random(f"{reference_prefix}{batch_start}")  # noqa: S311  not security
        plans = []
        for n in numbers:
            slug = rng.choices(status_slugs, weights)[0]
            progress = {"planned": 0, "done": 100}.get(slug, rng.randrange(5, 95, 5))
            start = today - datetime.timedelta(days=rng.randint(30, 700))
            published = rng.random() < 0.95
            timeline = sorted(
                now - datetime.timedelta(days=rng.uniform(1, 360), minutes=rng.randint(0, 600))
                for _ in range(updates_per_action)
            )
            action = Action(
                reference=f"{reference_prefix}{n:05d}",
                title=f"{rng.choice(GENERATED_TITLES)} {n + 1} {title_suffix}",
                summary="A generated action, so the tracker has volume. Not a real action.",
                commitment_id=rng.choice(commitments),
                lead_member=lead_member if rng.random() < 0.5 else None,
                lead_organisation=rng.choice(LEAD_ORGANISATIONS) if rng.random() < 0.6 else "",
                start_date=start,
                due_date=start + datetime.timedelta(days=rng.randint(60, 900)),
                status=statuses[slug],
                progress=progress,
                visibility=(
                    Action.Visibility.INTERNAL if rng.random() < 0.05 else Action.Visibility.PUBLIC
                ),
                review=(
                    Action.Review.PUBLISHED
                    if published
                    else rng.choice([Action.Review.SUBMITTED, Action.Review.DRAFT])
                ),
                published_at=now - datetime.timedelta(days=370) if published else None,
                last_update_at=timeline[-1] if published and timeline else None,
            )
            plans.append(
                (
                    action,
                    timeline,
                    rng.sample(outcomes, k=min(len(outcomes), rng.randint(1, 2))),
                    rng.sample(wards, k=min(len(wards), rng.choice([0, 1, 1, 2, 3]))),
                    rng.sample(groups, k=min(len(groups), rng.choice([0, 1, 2]))),
                )
            )
        Action.objects.bulk_create([plan[0] for plan in plans])
        Action.outcomes.through.objects.bulk_create(
            Action.outcomes.through(action_id=action.pk, outcome_id=pk)
            for action, _t, chosen, _w, _g in plans
            for pk in chosen
        )
        Action.wards.through.objects.bulk_create(
            Action.wards.through(action_id=action.pk, ward_id=pk)
            for action, _t, _o, chosen, _g in plans
            for pk in chosen
        )
        Action.groups.through.objects.bulk_create(
            Action.groups.through(action_id=action.pk, populationgroup_id=pk)
            for action, _t, _o, _w, chosen in plans
            for pk in chosen
        )
        updates = []
        for action, timeline, *_rest in plans:
            progress = 0
            for index, moment in enumerate(timeline):
                after = round(action.progress * (index + 1) / len(timeline))
                submitted = action.review != Action.Review.PUBLISHED or (
                    index == len(timeline) - 1 and rng.random() < 0.03
                )
                updates.append(
                    ActionUpdate(
                        action=action,
                        author=lead_member,
                        body=f"Generated progress note {index + 1} {title_suffix}",
                        progress_before=progress if after != progress else None,
                        progress_after=after if after != progress else None,
                        review=(
                            ActionUpdate.Review.SUBMITTED
                            if submitted
                            else ActionUpdate.Review.PUBLISHED
                        ),
                        published_at=None if submitted else moment,
                    )
                )
                progress = after
        ActionUpdate.objects.bulk_create(updates, batch_size=5000)
        actions_made += len(plans)
        updates_made += len(updates)
    # auto_now_add stamps "now" on bulk_create: backdate the posting time to match the timeline.
    ActionUpdate.objects.filter(
        action__reference__startswith=reference_prefix, published_at__isnull=False
    ).update(created_at=F("published_at"))
    return actions_made, updates_made


GENERATED_TITLES = [
    "Neighbourhood food club",
    "Warm space volunteers",
    "Benefits advice drop-in",
    "Community listening event",
    "Youth forum",
    "Welcome desk for new arrivals",
    "Small grants round",
    "Ward community network",
    "Befriending calls",
    "Plain English forms review",
]
