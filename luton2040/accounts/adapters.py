"""allauth adapter: new accounts become Residents."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from .roles import Role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get(name=Role.RESIDENT.value))
        return user
