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
from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import User


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
    # Extra: turn one row into what the export shows; default is the registered fields.
    export_row: Callable[[Any], dict[str, Any]] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


@dataclass(frozen=True)
class NotPersonal:
    """A field that looks personal to the registry test but is not, and why (reviewed)."""

    model_label: str
    field: str
    reason: str


_sources: dict[str, PersonalDataSource] = {}
_not_personal: dict[tuple[str, str], NotPersonal] = {}


def register(*sources: PersonalDataSource) -> None:
    """Register sources (from an AppConfig.ready). One source per model."""
    for source in sources:
        if source.model_label in _sources and _sources[source.model_label] != source:
            raise ValueError(f"{source.model_label} is registered twice")
        _sources[source.model_label] = source


def register_not_personal(model_label: str, reasons: dict[str, str]) -> None:
    """Record fields that look personal but are not: field name -> why."""
    for name, reason in reasons.items():
        _not_personal[(model_label, name)] = NotPersonal(model_label, name, reason)


def sources() -> list[PersonalDataSource]:
    return list(_sources.values())


def not_personal() -> Iterable[NotPersonal]:
    return _not_personal.values()
