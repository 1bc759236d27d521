"""The privacy notice's generated part, read from the personal-data and retention registries.

What the notice says we hold, why, and for how long is built from the same registrations the
export, the erasure and the retention job use, so the page cannot drift from the code: a new
registration appears on the page, and changing a period in settings changes the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import personal_data, retention
from .personal_data import Erasure, PersonalDataSource


@dataclass
class NoticeSource:
    """One registered source, in words."""

    title: str
    holds: list[str]
    purpose: str
    lawful_basis: str
    retention: str
    # The retention rules that apply to this model, each with the period in force.
    rules: list[str]
    on_erasure: str


@dataclass
class NoticeCategory:
    name: str
    sources: list[NoticeSource] = field(default_factory=list)


@dataclass
class NoticeRule:
    kind: str
    period: str
    what_happens: str


def _field_names(source: PersonalDataSource, names: tuple[str, ...] | list[str]) -> list[str]:
    """The fields' verbose names, as the admin and the forms show them."""
    words = []
    for name in names:
        try:
            model_field = source.model._meta.get_field(name)
        except FieldDoesNotExist:  # a registration naming a missing field fails its own test
            model_field = None
        if isinstance(model_field, models.ForeignKey) and model_field.related_model is (
            get_user_model()
        ):
            # The key is the link to the person, not something more we know about them.
            words.append(_("a link to your account"))
        elif isinstance(model_field, models.Field):
            words.append(str(model_field.verbose_name))
        else:
            words.append(name.replace("_", " "))
    return words


def _on_erasure(source: PersonalDataSource) -> str:
    if source.erasure == Erasure.DELETE:
        return _("We delete it.")
    if source.erasure == Erasure.ANONYMISE:
        # The personal fields it blanks (bookkeeping it also sets, such as a status, is not
        # "what identifies you"); all of them when the source erases in its own way.
        blanked = [name for name in source.anonymise if name in source.fields] or source.fields
        removed = ", ".join(dict.fromkeys(_field_names(source, blanked)))
        return _("We keep the record but remove what identifies you (%(fields)s).") % {
            "fields": removed
        }
    return _("We keep it. %(reason)s") % {"reason": source.kept_because}


def notice_categories() -> list[NoticeCategory]:
    """Every registered source, grouped under its category in registration order."""
    categories: dict[str, NoticeCategory] = {}
    for source in personal_data.sources():
        name = str(source.category)
        category = categories.setdefault(name, NoticeCategory(name=name))
        category.sources.append(
            NoticeSource(
                title=str(source.title or capfirst(source.model._meta.verbose_name_plural)),
                holds=[str(source.holds)]
                if source.holds
                else list(dict.fromkeys(_field_names(source, source.fields))),
                purpose=str(source.purpose),
                lawful_basis=str(source.lawful_basis),
                retention=str(source.retention),
                rules=[rule.describe() for rule in retention.rules_for_model(source.model_label)],
                on_erasure=_on_erasure(source),
            )
        )
    return list(categories.values())


def notice_rules() -> list[NoticeRule]:
    """Every retention rule with the period in force (settings.RETENTION_DAYS or its default)."""
    return [
        NoticeRule(kind=str(rule.kind), period=rule.period_text(), what_happens=rule.describe())
        for rule in retention.rules()
    ]
