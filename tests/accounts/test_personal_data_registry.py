"""The personal-data registry covers every field that looks personal, in every installed app.

When a model gains a field that looks personal (a link to an account, an email or IP address
field, or a name like "phone" or "postcode"), this fails until the field is registered in a
PersonalDataSource (so the export, erasure and privacy notice know about it) or listed as not
personal with a reason.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test.utils import isolate_apps
from django.utils.functional import Promise

from luton2040.accounts import personal_data
from luton2040.accounts.personal_data import (
    Erasure,
    NotPersonal,
    PersonalDataSource,
    not_personal,
    sources,
)
from luton2040.accounts.personal_data_export import personal_data_export
from luton2040.accounts.services import account_erase
from tests.factories import UserFactory

# A field "looks personal" when one of the words of its name is one of these...
PERSONAL_WORDS = frozenset(
    {
        "name",
        "surname",
        "forename",
        "username",
        "email",
        "phone",
        "telephone",
        "mobile",
        "postcode",
        "address",
        "ip",
        "dob",
        "birthday",
        "nino",  # National Insurance number
    }
)
# ...or its whole name is one of these, or contains one of these phrases.
PERSONAL_NAMES = frozenset({"to", "recipient", "sender"})
PERSONAL_PHRASES = ("date_of_birth", "postal_code", "user_agent", "ip_address")


def _is_user_model(model: object) -> bool:
    if isinstance(model, str):  # a lazy reference not yet resolved
        return model.lower() == settings.AUTH_USER_MODEL.lower()
    meta = getattr(model, "_meta", None)
    return meta is not None and meta.label == settings.AUTH_USER_MODEL


def looks_personal(field: models.Field) -> bool:  # type: ignore[type-arg]
    if field.remote_field is not None and _is_user_model(field.remote_field.model):
        return True
    if isinstance(field, models.EmailField | models.GenericIPAddressField):
        return True
    name = field.name.lower()
    if name in PERSONAL_NAMES or any(phrase in name for phrase in PERSONAL_PHRASES):
        return True
    return bool(PERSONAL_WORDS.intersection(re.split(r"_+", name)))


def _fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    """Concrete fields, plus links to accounts through a table Django makes (a person's
    many-to-many is as personal as a foreign key)."""
    fields = list(model._meta.concrete_fields)
    fields += [
        field
        for field in model._meta.local_many_to_many
        if _is_user_model(field.remote_field.model)
        and getattr(getattr(field.remote_field.through, "_meta", None), "auto_created", False)
    ]
    return fields


def uncovered_fields(
    model_list: Iterable[type[models.Model]],
    registered: Iterable[PersonalDataSource],
    reviewed: Iterable[NotPersonal],
) -> list[str]:
    """ "app.Model.field" for each field that looks personal and is neither registered in a
    source nor listed as not personal."""
    covered = {(source.model_label, name) for source in registered for name in source.fields}
    covered |= {(entry.model_label, entry.field) for entry in reviewed}
    missing = []
    for model in model_list:
        if model._meta.abstract or model._meta.proxy:
            continue
        for field in _fields(model):
            if looks_personal(field) and (model._meta.label, field.name) not in covered:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def registry_errors(
    registered: Iterable[PersonalDataSource], reviewed: Iterable[NotPersonal]
) -> list[str]:
    """Sources and reviewed fields that name no real model or field, or contradict each other,
    or lack what the notice and erasure need."""
    errors = []
    registered = list(registered)
    in_sources = {(source.model_label, name) for source in registered for name in source.fields}
    for source in registered:
        try:
            model = apps.get_model(source.model_label)
        except LookupError:
            errors.append(f"{source.model_label}: no such model")
            continue
        for name in (*source.fields, *source.anonymise):
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(f"{source.model_label}.{name}: no such field")
        if source.erasure is Erasure.ANONYMISE and not (source.anonymise or source.erase):
            errors.append(f"{source.model_label} {source.fields}: anonymised, but how?")
        if source.erasure is Erasure.DELETE and (source.anonymise or source.erase):
            errors.append(f"{source.model_label} {source.fields}: deleted, not anonymised")
        if source.erasure is Erasure.KEEP and not source.kept_because:
            errors.append(f"{source.model_label} {source.fields}: kept, but not said why")
    for entry in reviewed:
        try:
            apps.get_model(entry.model_label)._meta.get_field(entry.field)
        except (LookupError, FieldDoesNotExist):
            errors.append(f"{entry.model_label}.{entry.field}: reviewed, but no such field")
        if (entry.model_label, entry.field) in in_sources:
            errors.append(f"{entry.model_label}.{entry.field}: both personal and not personal")
        if not entry.reason.strip():
            errors.append(f"{entry.model_label}.{entry.field}: not personal, but no reason")
    return errors


# --- The registry as it stands ------------------------------------------------------------


def test_every_field_that_looks_personal_is_registered_or_reviewed() -> None:
    assert uncovered_fields(apps.get_models(), sources(), not_personal()) == []


def test_every_registered_source_and_reviewed_field_is_real() -> None:
    assert registry_errors(sources(), not_personal()) == []


def test_third_party_apps_that_hold_people_are_walked() -> None:
    # allauth's addresses and authenticators and the admin's log link to accounts: the walk
    # sees them (so their coverage above is not by omission).
    labels = {model._meta.label for model in apps.get_models()}
    assert {"account.EmailAddress", "mfa.Authenticator", "admin.LogEntry"} <= labels
    walked = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in _fields(model)
        if looks_personal(field)
    }
    assert ("account.EmailAddress", "email") in walked
    assert ("mfa.Authenticator", "user") in walked


def test_the_notice_texts_are_marked_for_translation() -> None:
    for source in sources():
        for text in (source.category, source.purpose, source.lawful_basis, source.retention):
            assert isinstance(text, Promise) and str(text).strip(), source.key
        if source.kept_because:
            assert isinstance(source.kept_because, Promise), source.key


@pytest.mark.django_db
def test_every_source_is_reached_by_the_export_and_by_erasure(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    reached: dict[tuple[str, tuple[str, ...]], set[str]] = {}

    def watched(source: PersonalDataSource) -> PersonalDataSource:
        def rows_for(user):  # type: ignore[no-untyped-def]
            reached.setdefault(source.key, set()).add("rows")
            return source.rows_for(user)  # type: ignore[misc]

        def erase(context):  # type: ignore[no-untyped-def]
            reached.setdefault(source.key, set()).add("erase")
            return source.erase(context)  # type: ignore[misc]

        return dataclasses.replace(
            source,
            rows_for=rows_for if source.rows_for else None,
            erase=erase if source.erase else None,
        )

    monkeypatch.setattr(
        personal_data, "_sources", {key: watched(s) for key, s in personal_data._sources.items()}
    )
    user: Any = UserFactory()
    personal_data_export(user=user)
    exported = {key for key, how in reached.items() if "rows" in how}
    reached.clear()
    account_erase(user=user)
    erased = set(reached)

    with_rows = {source.key for source in sources() if source.rows_for is not None}
    assert exported == with_rows
    assert erased == {
        source.key
        for source in sources()
        if source.rows_for is not None and source.erasure is not Erasure.KEEP
    }


# --- The checks can fail -----------------------------------------------------------------


@isolate_apps("luton2040.accounts")
def test_a_new_personal_field_is_reported() -> None:
    class Petition(models.Model):  # noqa: DJ008  (never shown)
        title = models.CharField(max_length=100)
        signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        contact_email = models.EmailField()
        mobile_number = models.CharField(max_length=20)
        home_postcode = models.CharField(max_length=10)
        ip = models.GenericIPAddressField()
        date_of_birth = models.DateField()
        valid_to = models.DateField()

        class Meta:
            app_label = "accounts"

    assert uncovered_fields([Petition], sources(), not_personal()) == [
        "accounts.Petition.signer",
        "accounts.Petition.contact_email",
        "accounts.Petition.mobile_number",
        "accounts.Petition.home_postcode",
        "accounts.Petition.ip",
        "accounts.Petition.date_of_birth",
    ]
    reviewed = [
        *not_personal(),
        NotPersonal("accounts.Petition", "mobile_number", "The council's own number."),
    ]
    assert "accounts.Petition.mobile_number" not in uncovered_fields(
        [Petition], sources(), reviewed
    )


def test_a_field_whose_registration_is_removed_is_reported() -> None:
    without_volunteers = [s for s in sources() if s.model_label != "engagement.Volunteer"]
    assert uncovered_fields(apps.get_models(), without_volunteers, not_personal()) == [
        "engagement.Volunteer.user",
        "engagement.Volunteer.name",
        "engagement.Volunteer.email",
        "engagement.Volunteer.phone",
        "engagement.Volunteer.postcode",
    ]


def test_a_source_naming_a_field_that_does_not_exist_is_reported() -> None:
    wrong = PersonalDataSource(
        model_label="hubs.ListingReport",
        fields=("reporter_email",),
        category="x",
        purpose="x",
        lawful_basis="x",
        retention="x",
        rows_for=None,
        erasure=Erasure.ANONYMISE,
        anonymise={"reporter_email": ""},
    )
    contradiction = NotPersonal("hubs.ListingReport", "reporter_email", "")
    assert registry_errors([wrong], [contradiction]) == [
        "hubs.ListingReport.reporter_email: no such field",
        "hubs.ListingReport.reporter_email: no such field",
        "hubs.ListingReport.reporter_email: reviewed, but no such field",
        "hubs.ListingReport.reporter_email: both personal and not personal",
        "hubs.ListingReport.reporter_email: not personal, but no reason",
    ]


def test_a_field_registered_in_two_sources_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(personal_data, "_sources", dict(personal_data._sources))
    source = next(s for s in sources() if s.model_label == "hubs.ListingReport")
    with pytest.raises(ValueError, match="belong to two sources"):
        personal_data.register(dataclasses.replace(source, fields=("email", "details")))
