"""factory_boy factories shared by every test suite."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from hubs.models import Organisation, OrganisationEditor
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
