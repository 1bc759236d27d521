from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .rules import has_mfa


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Your account: email, roles, security settings."""
    return render(
        request,
        "accounts/profile.html",
        {"roles": sorted(request.user.role_names), "has_mfa": has_mfa(request.user)},
    )
