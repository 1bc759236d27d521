"""The portal's roles, held as Django groups, and the model permissions each grants.

Domain apps add the permissions their roles need from their AppConfig.ready() with
`grant(...)`; the groups and their permissions are brought up to date after every migrate,
the same way Django creates permissions themselves.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "Resident", _("Resident")
    TASKFORCE_MEMBER = "Taskforce member", _("Taskforce member")
    # Reviews members' new actions and updates before they go public (with council staff).
    TASKFORCE_LEAD = "Taskforce lead", _("Taskforce lead")
    COUNCIL_STAFF = "Council staff", _("Council staff")
    ORGANISATION_EDITOR = "Organisation editor", _("Organisation editor")


# role -> {"app_label.codename", ...}. Object-level rules (which organisation, whose draft)
# live in each app's rules.py; these are only model-wide permissions.
_GRANTS: dict[str, set[str]] = defaultdict(set)


def grant(role: Role, *permissions: str) -> None:
    """Give a role model-wide permissions ("app_label.codename"); call from AppConfig.ready()."""
    _GRANTS[role].update(permissions)


def sync_roles(sender: Any = None, **kwargs: Any) -> None:
    """Create the role groups and set their permissions to exactly what is granted. Idempotent.

    Connected to post_migrate, which fires once per installed app; only the last app's signal
    does the work, when every app's permissions exist (doing it for each app made every test
    database flush ~2 s slower). The last installed app has no models of its own, so Django's
    permission creation for it, which runs after this receiver, adds nothing we need.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if sender is not None and sender is not list(apps.get_app_configs())[-1]:
        return

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in sorted(_GRANTS[role]):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:  # its app has not migrated yet; the next migrate adds it
                continue
            wanted.append(permission)
        group.permissions.set(wanted)
