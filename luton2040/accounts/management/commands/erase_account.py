"""An administrator erases someone's account: the way a council staff account is closed (staff
cannot erase their own, see accounts.services.may_erase_own_account), or a resident's when they
ask by letter or phone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luton2040.accounts.models import User
from luton2040.accounts.services import account_erase


class Command(BaseCommand):
    help = "Erase an account and its personal data (the same as 'Delete your account')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The account's sign-in email address.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError("No account has that email address.")
        changed = account_erase(user=user) or {}
        # Counts only: the output may end up in a log, and the address is gone now.
        for model_label, rows in sorted(changed.items()):
            self.stdout.write(f"{model_label}: {rows}")
        self.stdout.write(self.style.SUCCESS("Account erased."))
