"""The registry of personal data: every model field that holds data about a person, in one place.

Each app registers what it holds (in its AppConfig.ready, from its own `personal_data.py`), so the
platform imports no domain app (DESIGN.md). Four things read this registry, which is why it exists:

- the subject access export (a resident downloads what the portal holds about them);
- account erasure (what is deleted, what is anonymised, what is kept and why);
- the privacy notice page (what we hold, why, on what lawful basis, for how long);
- `tests/accounts/test_personal_data_registry.py`, which fails when a model gains a field that
  looks personal and is neither registered here nor listed as not personal, with a reason.

So the notice, the export and the erasure cannot drift from the models.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import User


# One row of the export: label (usually a lazily translated string) -> value.
ExportRow = dict[Any, Any]


class Erasure(enum.Enum):
    """What account erasure does to a source's rows about the person."""

    # The rows exist only because of the person (a follow, a preference): delete them.
    DELETE = "delete"
    # The rows matter without the person (an update they posted, a response counted in
    # results): keep the row, blank or replace its personal fields (`anonymise`).
    ANONYMISE = "anonymise"
    # Kept for a stated reason (`kept_because`), e.g. a record the council must hold; the
    # link to the account is still cut when the account goes.
    KEEP = "keep"


@dataclass(frozen=True)
class PersonalDataSource:
    """One model's personal data: which fields, about whom, why, and what erasure does."""

    # "app_label.ModelName"
    model_label: str
    # The fields that hold personal data (names of concrete fields on the model).
    fields: tuple[str, ...]
    # The heading this appears under in the export and the privacy notice ("Your account").
    category: Promise | str
    # Why the portal holds it, in plain words for the privacy notice.
    purpose: Promise | str
    # UK GDPR Article 6 basis, in plain words ("Public task", "Consent").
    lawful_basis: Promise | str
    # How long it is kept, in plain words for the notice; a retention rule enforces it.
    retention: Promise | str
    # The rows about this person. None: nothing in this model can be tied to an account
    # (it is still in the notice, and still covered by retention).
    rows_for: Callable[[User], models.QuerySet[Any]] | None
    erasure: Erasure
    # For ANONYMISE: field name -> value it is set to (a constant, or a callable of the row).
    anonymise: dict[str, Any] = field(default_factory=dict)
    # For KEEP: why, for the notice and the erasure confirmation page.
    kept_because: Promise | str = ""
    # What we hold, in plain words for the privacy notice, where the fields' names would not
    # say it to a resident ("data", "object repr"); otherwise the notice lists the fields.
    holds: Promise | str = ""
    # Extra: turn one row into what the export shows (label -> value); default is the
    # registered fields. It must not reach other people's personal data, nor run queries of
    # its own (load what it reads in `rows_for`, so the export's query count stays constant).
    export_row: Callable[[Any], ExportRow] | None = None
    # For erasure that is not "set these fields" (the audit log's append-only rows): does the
    # whole job for one person and returns how many rows it changed.
    erase: Callable[[ErasureContext], int] | None = None
    # Shown in the export instead of the model's plural name, when one model holds the person
    # in more than one role (a response you made; a response you typed in for someone else).
    title: Promise | str = ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.model_label, self.fields)


@dataclass(frozen=True)
class ErasureContext:
    """What a custom `erase` needs to know about the account being erased."""

    user: User
    # The pseudonym that replaces the person wherever a record must stay ("Erased account
    # 1a2b3c4d"): the same in every row, so the audit trail still reads as one person's.
    label: str
    # Everything that names the person, read before erasure starts (their addresses and names).
    emails: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True)
class NotPersonal:
    """A field that looks personal to the registry test but is not, and why (reviewed)."""

    model_label: str
    field: str
    reason: str


_sources: dict[tuple[str, tuple[str, ...]], PersonalDataSource] = {}
_not_personal: dict[tuple[str, str], NotPersonal] = {}


def register(*sources: PersonalDataSource) -> None:
    """Register sources (from an app's personal_data.py). A model may have several sources, one
    per role the person plays in it (author, reviewer), but each field belongs to one source."""
    for source in sources:
        if _sources.get(source.key, source) != source:
            raise ValueError(f"{source.model_label} {source.fields} is registered twice")
        for other in _sources.values():
            if (
                other.key != source.key
                and other.model_label == source.model_label
                and set(other.fields) & set(source.fields)
            ):
                raise ValueError(
                    f"{source.model_label}: {set(other.fields) & set(source.fields)} "
                    "belong to two sources"
                )
        _sources[source.key] = source


def register_not_personal(model_label: str, reasons: dict[str, str]) -> None:
    """Record fields that look personal but are not: field name -> why."""
    for name, reason in reasons.items():
        _not_personal[(model_label, name)] = NotPersonal(model_label, name, reason)


def sources() -> list[PersonalDataSource]:
    return list(_sources.values())


def unregister(source: PersonalDataSource) -> None:
    """Take a source out again (the registry's own tests register fakes and remove them)."""
    _sources.pop(source.key, None)


def same_email(field_name: str, user: User) -> Q:
    """Rows whose `field_name` holds one of the person's addresses: their sign-in address or
    any address they have verified. Records made without an account (a listing report, a
    follow by email) are theirs only if the address is proven to be theirs."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=OuterRef(field_name)
    )
    return Q(**{f"{field_name}__iexact": user.email}) | Q(Exists(verified))


def not_personal() -> Iterable[NotPersonal]:
    return _not_personal.values()
