"""factory_boy factories shared by every test suite."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from hubs.models import (
    Address,
    Attribute,
    Location,
    Organisation,
    OrganisationEditor,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from luton2040.accounts.models import User
from luton2040.accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified email address and the password TEST_PASSWORD.

    `roles=[Role.COUNCIL_STAFF, ...]` puts the user in those role groups.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        self.save()
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )
        for role in [Role.RESIDENT] if extracted is None else extracted:
            self.groups.add(Group.objects.get(name=Role(role).value))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Community Group {n}")
    slug = factory.Sequence(lambda n: f"test-community-group-{n}")


class OrganisationEditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationEditor

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory, roles=[Role.ORGANISATION_EDITOR])


class LocationFactory(factory.django.DjangoModelFactory):
    """A physical place in Luton; pass is_hub=True for a community hub."""

    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Test Community Centre {n}")
    slug = factory.Sequence(lambda n: f"test-community-centre-{n}")
    latitude = 51.8787
    longitude = -0.4200


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Sequence(lambda n: f"{n} High Town Road")
    postal_code = "LU2 0DD"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A running, verified, free drop-in service."""

    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Test Service {n}")
    slug = factory.Sequence(lambda n: f"test-service-{n}")
    summary = "A test service."
    assured_date = factory.LazyFunction(lambda: timezone.localdate())


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Weekly on Mondays 10:00 to 14:00 at a service at a location."""

    class Meta:
        model = Schedule

    service_at_location = factory.SubFactory(ServiceAtLocationFactory)
    service = factory.LazyAttribute(lambda o: o.service_at_location.service)
    freq = Schedule.Frequency.WEEKLY
    byday = "MO"
    opens_at = datetime.time(10, 0)
    closes_at = datetime.time(14, 0)


def taxonomy_term(kind: str, slug: str) -> TaxonomyTerm:
    """A term from the taxonomies every environment loads (hubs migration 0005)."""
    return TaxonomyTerm.objects.get(taxonomy__kind=kind, slug=slug)


def tag(obj: Service | Location, kind: str, slug: str) -> Attribute:
    """Tag a service or location with a loaded taxonomy term, as an Open Referral attribute."""
    field = "service" if isinstance(obj, Service) else "location"
    return Attribute.objects.create(
        taxonomy_term=taxonomy_term(kind, slug), link_type=kind, **{field: obj}
    )


class ScheduleExceptionFactory(factory.django.DjangoModelFactory):
    """Closed on one day (Christmas Day 2026) for a service at a location; pass closed=False
    with opens_at/closes_at for special hours, or location=/service= instead."""

    class Meta:
        model = "hubs.ScheduleException"

    service_at_location = factory.SubFactory(ServiceAtLocationFactory)
    starts_on = datetime.date(2026, 12, 25)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on)
    closed = True
    reason = ""


# --- Open Referral API (tests/hubs/test_oruk_*.py) ---------------------------------------------


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.Contact"

    service = factory.SubFactory(ServiceFactory)
    name = factory.Faker("name", locale="en_GB")
    title = "Volunteer coordinator"


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.Phone"

    number = "01582 000000"


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.Language"

    service = factory.SubFactory(ServiceFactory)
    name = "Urdu"
    code = "ur"


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    """The whole town unless a ward is given."""

    class Meta:
        model = "hubs.ServiceArea"

    service = factory.SubFactory(ServiceFactory)
    ward = None
    name = factory.LazyAttribute(lambda o: o.ward.name if o.ward else "Luton")


class AccessibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.Accessibility"

    location = factory.SubFactory(LocationFactory)
    description = "Step-free entrance"


class CostOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.CostOption"

    service = factory.SubFactory(ServiceFactory)
    amount = "2.50"
    amount_description = "per bag of shopping"


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.Funding"

    service = factory.SubFactory(ServiceFactory)
    source = "Luton Borough Council Household Support Fund"


class OrganisationIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "hubs.OrganisationIdentifier"

    organisation = factory.SubFactory(OrganisationFactory)
    identifier_scheme = "GB-CHC"
    identifier_type = "Charity number"
    identifier = factory.Sequence(lambda n: f"{1100000 + n}")


# --- Provider edits and their review (tests/hubs/test_editor.py, test_review.py) --------------


def editable_service(organisation: Organisation, **kwargs: Any) -> Service:
    """A service of `organisation` at one of its hubs, weekly on Mondays 10:00 to 14:00, tagged
    Food, with Urdu spoken: the listing an editor changes in the provider-edit tests."""
    service = ServiceFactory(organisation=organisation, **kwargs)
    hub = LocationFactory(organisation=organisation, is_hub=True)
    AddressFactory(location=hub)
    ScheduleFactory(service_at_location=ServiceAtLocationFactory(service=service, location=hub))
    tag(service, "category", "food")
    LanguageFactory(service=service)
    return service


class ListingEditFactory(factory.django.DjangoModelFactory):
    """A pending proposal to rename a service of another organisation's (pass service=...)."""

    class Meta:
        model = "hubs.ListingEdit"

    service = factory.SubFactory(ServiceFactory)
    organisation = factory.LazyAttribute(lambda o: o.service.organisation)
    kind = "service"
    proposed = factory.LazyAttribute(
        lambda o: {"name": f"{o.service.name} (renamed)" if o.service else "A new hub"}
    )
    published = factory.LazyAttribute(lambda o: {"name": o.service.name} if o.service else None)
    submitted_by = factory.SubFactory(UserFactory, roles=[Role.ORGANISATION_EDITOR])


# --- Listing feedback (tests/hubs/test_feedback.py) --------------------------------------------


class ListingReportFactory(factory.django.DjangoModelFactory):
    """A resident's report that a service's opening times are wrong, still to be looked at."""

    class Meta:
        model = "hubs.ListingReport"

    service = factory.SubFactory(ServiceFactory)
    problem = "wrong-times"
    details = "They now open at 11."


# --- Taskforce actions (tests/taskforce/) -------------------------------------------------------


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "taskforce.Priority"
        django_get_or_create = ("slug",)

    name = "Empowered community"
    slug = "empowered-community"
    position = 1


class OutcomeFactory(factory.django.DjangoModelFactory):
    """An Empowered Community outcome (numbered 1, 2, ... in creation order)."""

    class Meta:
        model = "taskforce.Outcome"

    priority = factory.SubFactory(PriorityFactory)
    number = factory.Sequence(lambda n: n + 1)
    short_name = factory.Sequence(lambda n: f"Outcome {n + 1}")
    slug = factory.Sequence(lambda n: f"outcome-{n + 1}")
    statement = "Equitable outcomes for every resident."


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "taskforce.Commitment"

    title = factory.Sequence(lambda n: f"Commitment {n + 1}")
    slug = factory.Sequence(lambda n: f"commitment-{n + 1}")


def action_status(slug: str = "in-progress") -> Any:
    """One of the statuses migration taskforce/0003 loads (planned, in-progress, at-risk, ...)."""
    from taskforce.models import ActionStatus

    return ActionStatus.objects.get(slug=slug)


class ActionFactory(factory.django.DjangoModelFactory):
    """A published, public action in progress, led by a taskforce member, serving one outcome.
    Pass review="draft" (and published_at=None) for one still being written."""

    class Meta:
        model = "taskforce.Action"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TF-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Warm spaces in every ward {n + 1}")
    summary = "Open warm, welcoming spaces through the winter."
    status = factory.LazyFunction(action_status)
    progress = 0
    visibility = "public"
    review = "published"
    published_at = factory.LazyFunction(timezone.now)
    lead_member = factory.SubFactory(UserFactory, roles=[Role.TASKFORCE_MEMBER])
    created_by = factory.LazyAttribute(lambda o: o.lead_member)

    @factory.post_generation
    def outcomes(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        self.outcomes.set(extracted if extracted is not None else [OutcomeFactory()])


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "taskforce.Milestone"

    action = factory.SubFactory(ActionFactory)
    title = "Venues agreed"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    """A published progress note with no status or progress change."""

    class Meta:
        model = "taskforce.ActionUpdate"

    action = factory.SubFactory(ActionFactory)
    author = factory.LazyAttribute(lambda o: o.action.lead_member)
    body = "Twelve venues have signed up."
    review = "published"
    published_at = factory.LazyFunction(timezone.now)


class EvidenceLinkFactory(factory.django.DjangoModelFactory):
    """A link backing up an update (files are made through the upload service in tests)."""

    class Meta:
        model = "taskforce.Evidence"

    update = factory.SubFactory(ActionUpdateFactory)
    title = "Minutes of the March meeting"
    url = "https://www.luton.gov.uk/minutes"


# --- Taskforce indicators (tests/taskforce/test_indicators.py) ----------------------------------


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A public indicator, a percentage from the residents' perception survey, higher is better."""

    class Meta:
        model = "taskforce.Indicator"

    name = factory.Sequence(lambda n: f"Residents who say their neighbourhood is good {n + 1}")
    slug = factory.Sequence(lambda n: f"indicator-{n + 1}")
    outcome = factory.SubFactory(OutcomeFactory)
    unit = "%"
    source = "Residents' perception survey"
    source_url = "https://www.luton.gov.uk/survey"
    direction = "higher"
    is_public = True


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A town figure for 2024/25 (pass ward= or group= for a breakdown)."""

    class Meta:
        model = "taskforce.IndicatorValue"

    indicator = factory.SubFactory(IndicatorFactory)
    period_label = "2024/25"
    period_start = datetime.date(2024, 4, 1)
    period_end = datetime.date(2025, 3, 31)
    value = 84
    sample_size = 1200


# --- Taskforce progress reports (tests/taskforce/test_reports.py) -------------------------------


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A draft report for the first quarter of 2026 (publish it through report_publish)."""

    class Meta:
        model = "taskforce.ProgressReport"

    title = factory.Sequence(lambda n: f"Progress report {n + 1}")
    slug = factory.Sequence(lambda n: f"progress-report-{n + 1}")
    version = 1
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 3, 31)
    summary = "What the taskforce did this quarter."


class ReportSectionFactory(factory.django.DjangoModelFactory):
    """A narrative section at the end of its report."""

    class Meta:
        model = "taskforce.ReportSection"

    report = factory.SubFactory(ProgressReportFactory)
    position = factory.Sequence(lambda n: n)
    kind = "narrative"
    heading = factory.Sequence(lambda n: f"Section {n + 1}")
    body = "The taskforce met four times."


# --- engagement ------------------------------------------------------------------------------


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation (opened yesterday, closes in four weeks), signed-in responses, one
    each. Pass status="draft" / "forthcoming" / "closed" ... with dates to match."""

    class Meta:
        model = "engagement.Consultation"

    title = factory.Sequence(lambda n: f"Bus routes consultation {n + 1}")
    slug = factory.Sequence(lambda n: f"bus-routes-{n + 1}")
    summary = "Tell us which bus routes matter most to you."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(weeks=4))
    status = "open"
    published_at = factory.LazyFunction(timezone.now)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Section"

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Section {n + 1}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question at the end of its section. ``options=["Yes", "No"]`` adds options in order."""

    class Meta:
        model = "engagement.Question"
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    consultation = factory.LazyAttribute(lambda o: o.section.consultation)
    kind = "short-text"
    text = factory.Sequence(lambda n: f"Question {n + 1}")
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def options(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            from engagement.models import QuestionOption

            QuestionOption.objects.bulk_create(
                QuestionOption(question=self, label=label, position=i)
                for i, label in enumerate(extracted)
            )


class ResponseFactory(factory.django.DjangoModelFactory):
    """A sent online response by a resident."""

    class Meta:
        model = "engagement.Response"

    consultation = factory.SubFactory(ConsultationFactory)
    respondent = factory.SubFactory(UserFactory, roles=[Role.RESIDENT])
    status = "submitted"
    one_per_person = factory.LazyAttribute(lambda o: o.consultation.one_response_per_person)
    submitted_at = factory.LazyFunction(timezone.now)
    submitted_on = factory.LazyFunction(timezone.localdate)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Answer"

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(
        QuestionFactory,
        section__consultation=factory.SelfAttribute("...response.consultation"),
    )


class AssemblyFactory(factory.django.DjangoModelFactory):
    """A published assembly recruiting 20 members and 4 reserves."""

    class Meta:
        model = "engagement.Assembly"

    title = factory.Sequence(lambda n: f"Luton citizens' assembly on cost of living {n + 1}")
    slug = factory.Sequence(lambda n: f"assembly-{n + 1}")
    question = "How can Luton make sure no one goes without food or warmth?"
    summary = "A group of residents chosen by lot meets over four weekends."
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=6))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=12))
    recruitment_closes_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(weeks=3)
    )
    target_size = 20
    reserves = 4
    status = "recruiting"
    published_at = factory.LazyFunction(timezone.now)


class StratificationFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.StratificationFeature"

    assembly = factory.SubFactory(AssemblyFactory)
    key = factory.Sequence(lambda n: f"feature-{n + 1}")
    name = factory.Sequence(lambda n: f"Feature {n + 1}")
    question = "Which applies to you?"
    position = factory.Sequence(lambda n: n)


class FeatureCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.FeatureCategory"

    feature = factory.SubFactory(StratificationFeatureFactory)
    key = factory.Sequence(lambda n: f"category-{n + 1}")
    label = factory.Sequence(lambda n: f"Category {n + 1}")
    min_seats = 0
    max_seats = 20
    position = factory.Sequence(lambda n: n)


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Volunteer"

    assembly = factory.SubFactory(AssemblyFactory)
    name = factory.Sequence(lambda n: f"Volunteer {n + 1}")
    email = factory.Sequence(lambda n: f"volunteer{n + 1}@example.org")
    postcode = "LU1 1AA"
