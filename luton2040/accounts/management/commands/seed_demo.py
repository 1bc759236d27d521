"""Load clearly labelled demo data: `manage.py seed_demo [--scale N]`.

Each app contributes a `demo.py` module with `seed(*, scale, log)`; they run in INSTALLED_APPS
order, so the platform (people, wards) comes before the domain apps that use it. Every seed is
idempotent: running the command twice changes nothing the second time. Refused unless DEBUG is
on, because it creates accounts with printed passwords.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from luton2040.accounts import demo


class Command(BaseCommand):
    help = "Load realistic, clearly labelled Luton demo data (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the generated data (1 = a demo; 100+ for make bench).",
        )

    def handle(self, *args: Any, scale: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with printed passwords, so it only runs with "
                "DJANGO_DEBUG=1 (the demo). It never runs against a live site."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(scale=scale, log=self.stdout.write)
        self.stdout.write("")
        for line in demo.sign_ins():
            self.stdout.write(line)
