"""How long the portal keeps personal data, and the daily job that enforces it.

Each app registers its rules in its own `retention.py` (imported at start-up by
AccountsConfig.ready), so the platform imports no domain app. A rule is one kind of record, a
period in days (its default here, overridden per kind in settings.RETENTION_DAYS), and a
function that deletes or anonymises that kind's rows older than the period. The privacy notice
reads the same rules, so the periods it states are the ones the job applies.

The job (`retention_apply`, run daily by the beat task `accounts.apply_retention`):

- measures every period back from the start of today, not from now, so a second run on the
  same day finds nothing more to do;
- runs each rule in its own transaction, so one failing rule is logged and the rest still run;
- records one audit event per rule that changed rows: the kind, how many rows and the period,
  never anything about the people.

This module also holds the rules for the accounts app's own records (at the bottom).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luton2040 import audit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    """One kind of record and how long it is kept."""

    # The key in settings.RETENTION_DAYS and in the audit record ("unverified_signups").
    key: str
    # The kind of record, in plain words, for the privacy notice ("Unconfirmed sign-ups").
    kind: Promise | str
    # What happens and when, for the privacy notice; "%(period)s" becomes "30 days".
    what_happens: Promise | str
    # "app_label.ModelName" of the rows it changes: the audit event's object type, and how the
    # privacy notice puts the rule beside that model's personal data.
    model_label: str
    default_days: int
    # Deletes or anonymises the rows older than the cutoff; returns how many rows it changed.
    # Must change nothing on a second call with the same cutoff.
    apply: Callable[[datetime.datetime], int]

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def days(self) -> int:
        """The period in force: the setting if there is one, else the default."""
        return int(getattr(settings, "RETENTION_DAYS", {}).get(self.key, self.default_days))

    def cutoff(self, today: datetime.date) -> datetime.datetime:
        """Rows from before this moment are past the period: midnight (London) `days` ago."""
        start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        return start_of_today - datetime.timedelta(days=self.days)

    def period_text(self) -> str:
        return ngettext("%(count)d day", "%(count)d days", self.days) % {"count": self.days}

    def describe(self) -> str:
        """What happens and when, with the period in force, for the privacy notice."""
        return str(self.what_happens) % {"period": self.period_text()}


_rules: dict[str, RetentionRule] = {}


def register(*rules: RetentionRule) -> None:
    """Register rules (from an app's retention.py). One rule per key."""
    for rule in rules:
        if rule.key in _rules and _rules[rule.key] != rule:
            raise ValueError(f"Retention rule {rule.key} is registered twice")
        _rules[rule.key] = rule


def rules() -> list[RetentionRule]:
    return list(_rules.values())


def rows_deleted(rows: models.QuerySet[Any]) -> int:
    """Delete `rows`; how many of them went (not counting what cascaded with them)."""
    _total, by_model = rows.delete()
    return by_model.get(rows.model._meta.label, 0)


def rule(key: str) -> RetentionRule:
    """The rule with this key (KeyError if there is none: a page naming a rule that does not
    exist must fail, not promise nothing)."""
    return _rules[key]


def rules_for_model(model_label: str) -> list[RetentionRule]:
    return [rule for rule in _rules.values() if rule.model_label == model_label]


@checks.register()
def check_retention_settings(
    app_configs: object = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """A key in RETENTION_DAYS that no rule has is a typo: the period it meant to set is not."""
    unknown = sorted(set(getattr(settings, "RETENTION_DAYS", {})) - set(_rules))
    return [
        checks.Warning(
            f"RETENTION_DAYS sets {key!r}, which is not a retention rule.",
            hint="Known rules: " + ", ".join(sorted(_rules)),
            id="accounts.W001",
        )
        for key in unknown
    ]


def retention_apply(*, today: datetime.date | None = None) -> dict[str, int]:
    """Apply every rule, each in its own transaction; returns rows changed per rule key. A rule
    that fails is logged and left out of the result; the others still run. Running it twice on
    the same day changes nothing the second time."""
    today = today or timezone.localdate()
    changed: dict[str, int] = {}
    for rule in rules():
        cutoff = rule.cutoff(today)
        try:
            with transaction.atomic():
                rows = rule.apply(cutoff)
                if rows:
                    # The object is the model's content type: the event says which kind of
                    # record lost how many rows, and names no one.
                    audit.record(
                        actor=None,
                        obj=ContentType.objects.get_for_model(rule.model),
                        verb="retention.applied",
                        changes={
                            "kind": rule.key,
                            "rows": rows,
                            "days": rule.days,
                            "before": cutoff.isoformat(),
                        },
                    )
        except Exception:
            # One broken rule must not keep the others' data past its time; the log (and the
            # task's return value, which leaves the rule out) says which one failed.
            log.exception("Retention rule %s failed; its changes were rolled back", rule.key)
            continue
        changed[rule.key] = rows
    return changed


# --- The accounts app's own rules -----------------------------------------------------------


def _unverified_signups_delete(cutoff: datetime.datetime) -> int:
    # Sign-up needs a confirmed email address (allauth, mandatory), so an account that never
    # confirmed one was never used: it holds an address its owner may not even have typed. Only
    # self-service sign-ups qualify: accounts made by staff or the command line have no
    # EmailAddress row, and anyone given a role or who has signed in is left alone.
    from allauth.account.models import EmailAddress

    from .models import User

    verified = EmailAddress.objects.filter(user=models.OuterRef("pk"), verified=True)
    unverified = EmailAddress.objects.filter(user=models.OuterRef("pk"), verified=False)
    doomed = User.objects.filter(
        models.Exists(unverified),
        ~models.Exists(verified),
        date_joined__lt=cutoff,
        last_login__isnull=True,
        is_superuser=False,
        groups__isnull=True,
    )
    return rows_deleted(doomed)


def _expired_sessions_delete(cutoff: datetime.datetime) -> int:
    # What `clearsessions` does, through the same SessionStore API, but a period after expiry
    # (default a day). A session ties a browser to an account; once expired
    # it signs no one in and is only a record of who was signed in when. Cache-backed
    # sessions expire by themselves and have no table to clear.
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    deleted, _by_model = store.get_model_class().objects.filter(expire_date__lt=cutoff).delete()
    return deleted


register(
    RetentionRule(
        key="unverified_signups",
        kind=_("Sign-ups never confirmed"),
        what_happens=_(
            "If you start to create an account but never confirm your email address, we delete "
            "the account %(period)s after you started."
        ),
        model_label="accounts.User",
        default_days=30,
        apply=_unverified_signups_delete,
    ),
    RetentionRule(
        key="expired_sessions",
        kind=_("Signed-in sessions"),
        what_happens=_(
            "The record that keeps you signed in is deleted %(period)s after it expires."
        ),
        model_label="sessions.Session",
        default_days=1,
        apply=_expired_sessions_delete,
    ),
)
