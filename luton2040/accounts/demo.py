"""Demo accounts, one per role. Passwords are printed: demo only."""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from .models import User
from .roles import Role

DEMO_PASSWORD = "luton-demo-2040"  # noqa: S105  demo only; seed_demo refuses to run without DEBUG

DEMO_USERS = [
    ("resident@demo.example.org", "Demo Resident", Role.RESIDENT),
    ("taskforce@demo.example.org", "Demo Taskforce Member", Role.TASKFORCE_MEMBER),
    ("lead@demo.example.org", "Demo Taskforce Lead", Role.TASKFORCE_LEAD),
    ("staff@demo.example.org", "Demo Council Officer", Role.COUNCIL_STAFF),
    ("editor@demo.example.org", "Demo Organisation Editor", Role.ORGANISATION_EDITOR),
]


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """Create the demo users (verified emails) and, with --scale, extra demo residents."""
    for email, name, role in DEMO_USERS:
        user = _demo_user(email, name, role)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    _bulk_residents(wanted=(scale - 1) * 50)


def sign_ins() -> list[str]:
    """The demo sign-ins, printed last by seed_demo so they are easy to find."""
    lines = ["Demo sign-ins (demo data only; these accounts exist only in this demo database):"]
    lines += [
        f"  {role.label:<20} {email:<30} password: {DEMO_PASSWORD}"
        for email, _n, role in DEMO_USERS
    ]
    lines.append(
        "  Council staff are asked to set up two-factor authentication before staff pages."
    )
    return lines


def _bulk_residents(*, wanted: int) -> None:
    """Extra residents for benchmarks, without passwords (they cannot sign in)."""
    existing = User.objects.filter(email__startswith="demo-resident-").count()
    if existing >= wanted:
        return
    users = User.objects.bulk_create(
        User(
            email=f"demo-resident-{n}@demo.example.org",
            full_name=f"Demo Resident {n}",
            password="!",  # noqa: S106
        )  # "!" marks an unusable password, as set_unusable_password() does
        for n in range(existing, wanted)
    )
    resident_group = Group.objects.get(name=Role.RESIDENT.value)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=resident_group.pk) for user in users
    )


def _demo_user(email: str, name: str, role: Role) -> User:
    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    user.groups.add(Group.objects.get(name=role.value))
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
