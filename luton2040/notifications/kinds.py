"""The kinds of notification the portal sends, registered by the apps that send them.

The platform imports no domain app: a domain app registers its kinds from its AppConfig.ready()
(`kinds.register(NotificationKind(key="consultation.opened", ...))`). A kind says what people
see on their preferences page, what they get if they never choose, and whether they may switch
it off at all (the outcome of something they responded to, account security: they may not).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("As it happens")
    DAILY = "daily", _("In a daily summary")
    OFF = "off", _("Never")


@dataclass(frozen=True)
class NotificationKind:
    key: str  # "consultation.opened": app-ish prefix, then what happened
    label: str | Promise  # shown on the preferences page: "A consultation opens in your ward"
    default: Frequency = Frequency.IMMEDIATELY
    can_switch_off: bool = True  # False: always sent immediately, whatever the preferences
    # templates/emails/<template>.{txt,html} (and .subject.txt); defaults to the key
    template: str = ""
    # Role names (accounts.roles.Role values) whose holders see this kind on their preferences
    # page; empty means everyone. A resident has no use for "a provider proposed an edit".
    roles: tuple[str, ...] = ()

    @property
    def template_name(self) -> str:
        return self.template or self.key.replace(".", "/")


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> None:
    """Register a kind; registering the same key twice with a different definition is a bug."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.key!r} is already registered differently")
    _KINDS[kind.key] = kind


def get(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"unknown notification kind {key!r}; register it first") from None


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def kinds_for(user: object) -> list[NotificationKind]:
    """The kinds this person can hear about: everyone's, plus those meant for their roles."""
    held: frozenset[str] = getattr(user, "role_names", frozenset())
    return [kind for kind in all_kinds() if not kind.roles or held.intersection(kind.roles)]


def register_platform_kinds() -> None:
    register(
        NotificationKind(
            key="account.security",
            label=_("Changes to your account's security"),
            can_switch_off=False,
        )
    )
    register(
        NotificationKind(
            key="follow.confirm",
            label=_("Confirming that you want updates (sent once, when you ask)"),
            can_switch_off=False,
        )
    )
    register(
        NotificationKind(
            key="digest.daily",
            label=_("Your daily summary"),
            can_switch_off=False,  # it only exists because someone chose "daily"
        )
    )
