"""seed_demo: realistic, labelled, idempotent, and never on a live site."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from engagement.models import (
    Answer,
    Assembly,
    Consultation,
    EqualityMonitoring,
    Question,
    Response,
    Volunteer,
)
from hubs.models import (
    Attribute,
    ListingReport,
    Location,
    Organisation,
    OrganisationEditor,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role
from taskforce.models import (
    Action,
    ActionUpdate,
    Commitment,
    Evidence,
    Indicator,
    IndicatorValue,
    Milestone,
    Outcome,
    Priority,
    ProgressReport,
    ReportSection,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "priorities": Priority.objects.count(),
        "outcomes": Outcome.objects.count(),
        "commitments": Commitment.objects.count(),
        "taxonomy terms": TaxonomyTerm.objects.count(),
        "organisations": Organisation.objects.count(),
        "services": Service.objects.count(),
        "locations": Location.objects.count(),
        "hubs": Location.objects.filter(is_hub=True).count(),
        "services at locations": ServiceAtLocation.objects.count(),
        "schedules": Schedule.objects.count(),
        "exceptions": ScheduleException.objects.count(),
        "attributes": Attribute.objects.count(),
        "reports": ListingReport.objects.count(),
        "actions": Action.objects.count(),
        "action updates": ActionUpdate.objects.count(),
        "milestones": Milestone.objects.count(),
        "evidence": Evidence.objects.count(),
        "indicators": Indicator.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
        "progress reports": ProgressReport.objects.count(),
        "report sections": ReportSection.objects.count(),
        "consultations": Consultation.objects.count(),
        "questions": Question.objects.count(),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "equality monitoring": EqualityMonitoring.objects.count(),
        "assemblies": Assembly.objects.count(),
        "volunteers": Volunteer.objects.count(),
    }


def test_seed_demo_is_refused_when_debug_is_off(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_seed_demo_loads_the_vocabulary_and_one_user_per_role(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert list(Outcome.objects.order_by("number").values_list("short_name", flat=True)) == [
        "Fairness",
        "Resilience",
        "Thriving voluntary and community sector",
        "Resident voice",
        "Welcoming and compassionate town",
    ]
    assert Priority.objects.count() == 5
    assert Commitment.objects.count() == 5
    assert set(
        TaxonomyTerm.objects.filter(taxonomy__kind="programme").values_list("name", flat=True)
    ) == {
        "Food First",
        "Warm Spaces",
        "City of Sanctuary",
    }
    for role in Role:
        user = User.objects.get(
            groups__name=role.value, email__endswith="@demo.example.org", email__regex=r"^[a-z]+@"
        )
        assert user.emailaddress_set.get().verified
        assert user.email in out.getvalue()  # the logins are printed
    editor = User.objects.get(email="editor@demo.example.org")
    assert OrganisationEditor.objects.filter(user=editor).exists()
    # Demo data says it is demo data.
    assert all("demo" in o.name.lower() for o in Organisation.objects.all())


def test_seed_demo_twice_changes_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_scale_multiplies_the_generated_data(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    small = _counts()
    call_command("seed_demo", "--scale", "3", stdout=StringIO())
    large = _counts()
    assert large["users"] == small["users"] + 100
    assert large["organisations"] == small["organisations"] + 40
    assert large["outcomes"] == small["outcomes"]  # the vocabulary does not scale
    assert large["services"] == small["services"] + 50
    assert large["locations"] == small["locations"] + 4
    assert large["schedules"] > small["schedules"] + 50
    generated = Service.objects.filter(slug__startswith="demo-generated-")
    assert all(name.endswith("(demo)") for name in generated.values_list("name", flat=True))
    assert Attribute.objects.filter(service__in=generated, link_type="category").count() == 50
    assert large["actions"] == small["actions"] + 50
    assert large["action updates"] == small["action updates"] + 500
    assert large["indicators"] == small["indicators"]  # like the vocabulary, not scaled
    generated_actions = Action.objects.filter(reference__startswith="DEMO-G")
    assert generated_actions.filter(outcomes__isnull=True).count() == 0
    assert all(
        title.endswith("(demo)") for title in generated_actions.values_list("title", flat=True)
    )


def test_seed_demo_fills_the_directory_with_labelled_luton_listings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    hubs = Location.objects.filter(is_hub=True)
    assert hubs.count() >= 12
    assert hubs.values("ward").distinct().count() >= 10
    for hub in hubs:
        assert 51.86 <= hub.latitude <= 51.91 and -0.49 <= hub.longitude <= -0.38
        assert hub.addresses.get().postal_code[:3] in {"LU1", "LU2", "LU3", "LU4"}
    assert Service.objects.count() >= 35
    # Everything says it is demo data, so no screenshot passes for the real directory.
    for name in [
        *Organisation.objects.values_list("name", flat=True),
        *Service.objects.values_list("name", flat=True),
        *Location.objects.values_list("name", flat=True),
    ]:
        assert "(demo" in name, name
    assert not Service.objects.exclude(description__contains="Demo listing: not a real service.")
    # All three programmes are used, by services and by hubs.
    for kind_filter in ({"service__isnull": False}, {"location__isnull": False}):
        used = set(
            Attribute.objects.filter(link_type="programme", **kind_filter).values_list(
                "taxonomy_term__slug", flat=True
            )
        )
        assert used == {"food-first", "warm-spaces", "city-of-sanctuary"}
    # The cases the pages must handle.
    food_bank = Service.objects.get(slug="demo-biscot-food-bank")
    assert food_bank.referral == Service.Referral.REFERRAL
    assert food_bank.who_can_refer and food_bank.what_to_bring
    pantry = Service.objects.get(slug="demo-biscot-community-pantry")
    assert str(pantry.cost_options.get().amount) == "3.50"
    assert Schedule.objects.filter(byday="-1FR", freq="MONTHLY").exists()
    assert Schedule.objects.filter(interval=2, dtstart__isnull=False).exists()
    assert Schedule.objects.filter(opens_at__gt=F("closes_at")).exists()  # past midnight
    assert Schedule.objects.filter(valid_from__month=11, valid_to__month=3).exists()
    assert Service.objects.filter(status="temporarily closed").exclude(alert="").exists()
    assert Service.objects.filter(status="defunct").count() == 1
    assert Service.objects.filter(unconfirmed_since__isnull=False).exists()
    assert ScheduleException.objects.filter(closed=False).exists()
    assert ScheduleException.objects.filter(reason__startswith="Christmas").exists()
    assert {r.status for r in ListingReport.objects.all()} == {"received", "fixed"}
    editor_organisation = OrganisationEditor.objects.get(
        user__email="editor@demo.example.org"
    ).organisation
    assert editor_organisation.services.count() >= 3


def test_seed_demo_gives_the_taskforce_a_believable_labelled_year_of_work(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    actions = Action.objects.all()
    assert 18 <= actions.count() <= 25
    # Demo data says so: references, titles, milestones and update notes.
    assert all(ref.startswith("DEMO-") for ref in actions.values_list("reference", flat=True))
    assert all("(demo)" in title for title in actions.values_list("title", flat=True))
    assert not Milestone.objects.exclude(title__endswith="(demo)")
    assert not ActionUpdate.objects.exclude(body__endswith="(demo)")
    # Every Empowered Community outcome has published, public work to show.
    public = actions.filter(review="published", visibility="public")
    for outcome in Outcome.objects.all():
        assert public.filter(outcomes=outcome).exists(), outcome
    assert set(actions.values_list("status__slug", flat=True)) == {
        "planned",
        "in-progress",
        "at-risk",
        "delayed",
        "done",
        "stopped",
    }
    assert actions.filter(visibility="internal").count() == 1
    assert actions.filter(review="submitted").count() == 1
    assert actions.filter(review="draft").count() == 1
    assert actions.filter(parent__isnull=False).count() >= 3
    assert actions.exclude(wards=None).exists() and actions.exclude(groups=None).exists()
    assert actions.filter(lead_member__email="taskforce@demo.example.org").exists()
    assert actions.filter(lead_member__email="lead@demo.example.org").exists()
    assert actions.filter(lead_member=None).exclude(lead_organisation="").exists()
    # Timelines: 2-6 published updates per published action, with changes recorded.
    for action in public:
        assert 2 <= action.updates.filter(review="published").count() <= 6, action
        assert action.last_update_at is not None
    assert ActionUpdate.objects.filter(status_before__isnull=False).exists()
    assert ActionUpdate.objects.filter(progress_after__isnull=False).exists()
    assert ActionUpdate.objects.filter(review="submitted").count() == 1  # for the lead
    assert Evidence.objects.count() >= 2
    assert all(
        url.startswith("https://example.org/demo/")
        for url in Evidence.objects.values_list("url", flat=True)
    )
    assert not Evidence.objects.exclude(file="")

    # The real published figure is the perception indicator's first value.
    perception = Indicator.objects.get(
        name="Residents who say their neighbourhood is a good place to live"
    )
    town = perception.values.filter(ward=None, group=None)
    assert [str(v.value) for v in town] == ["84.00"]
    assert perception.unit == "%" and perception.direction == "higher"
    assert perception.source == "Luton residents' perception survey"
    # Every invented figure says so, and invented indicators are named as demo.
    assert not IndicatorValue.objects.exclude(pk=town.get().pk).exclude(notes__icontains="demo")
    demo_indicators = Indicator.objects.exclude(pk=perception.pk)
    assert demo_indicators.count() == 3
    assert all(i.name.endswith("(demo)") for i in demo_indicators)
    for indicator in demo_indicators:
        assert indicator.values.filter(ward=None, group=None).count() == 4
    for indicator in Indicator.objects.all():
        latest = indicator.values.latest("period_start").period_start
        assert indicator.values.filter(period_start=latest, ward__isnull=False).count() == 20
        assert indicator.values.filter(period_start=latest, group__isnull=False).exists()
    assert IndicatorValue.objects.filter(sample_size__lt=10).exists()  # suppression shows

    # One published report, its data blocks frozen by the reports service.
    report = ProgressReport.objects.get()
    assert report.status == "published" and report.published_at is not None
    assert "(demo)" in report.title
    kinds = set(report.sections.values_list("kind", flat=True))
    assert kinds == {"narrative", "actions-by-outcome"}
    assert report.sections.get(kind="actions-by-outcome").snapshot


def test_seed_demo_shows_consultations_at_every_stage_and_an_assembly(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    statuses = set(Consultation.objects.values_list("status", flat=True))
    assert statuses == {"open", "forthcoming", "awaiting-outcome", "outcome-published"}
    # Demo data says so, in every title and summary, and in free-text answers.
    for consultation in Consultation.objects.all():
        assert consultation.title.endswith("(demo)")
        assert consultation.summary.startswith("Demo consultation:")
    assert not Answer.objects.exclude(text="").exclude(text__endswith="(demo)").exists()
    # Anonymous responses carry no time of day, and nothing links them to a person.
    anonymous = Response.objects.filter(respondent__isnull=True)
    assert anonymous.exists()
    assert not anonymous.filter(submitted_at__isnull=False).exists()
    published = Consultation.objects.get(status="outcome-published")
    decisions = published.outcome.decisions.all()
    assert decisions.filter(actions__reference__startswith="DEMO-").exists()
    assembly = Assembly.objects.get()
    assert assembly.status == "recruiting" and assembly.title.endswith("(demo)")
    assert assembly.volunteers.count() == 150
    assert assembly.features.count() == 5
    # Every volunteer answered every feature, as the registration form requires.
    for volunteer in assembly.volunteers.prefetch_related("categories")[:10]:
        assert len(volunteer.categories.all()) == 5
