from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import User
from .rules import has_mfa


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Your account: email, roles, security settings."""
    user: User = request.user  # type: ignore[assignment]  # login_required: never anonymous
    return render(
        request,
        "accounts/profile.html",
        {"roles": sorted(user.role_names), "has_mfa": has_mfa(user)},
    )
