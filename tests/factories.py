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
