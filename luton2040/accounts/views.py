from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .forms import AccountDeleteForm
from .models import User
from .personal_data import Erasure, sources
from .personal_data_export import display_lines, personal_data_export, personal_data_json
from .rules import has_mfa
from .services import account_data_export_record, account_erase, may_erase_own_account


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Your account: email, roles, security settings."""
    user: User = request.user  # type: ignore[assignment]  # login_required: never anonymous
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": sorted(user.role_names),
            "has_mfa": has_mfa(user),
            "may_delete_account": may_erase_own_account(user),
        },
    )


# Personal data: never kept by a browser or a proxy cache.
@never_cache
@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    """Everything the portal holds about the signed-in person, grouped by category."""
    user: User = request.user  # type: ignore[assignment]
    categories = personal_data_export(user=user)
    account_data_export_record(user=user, format="html")
    shown = [
        {
            "title": category.title,
            "sections": [
                {
                    "title": section.title,
                    "rows": [
                        [(label, display_lines(value)) for label, value in row]
                        for row in section.rows
                    ],
                }
                for section in category.sections
                if section.rows
            ],
        }
        for category in categories
        if category.row_count
    ]
    return render(request, "accounts/your_data.html", {"categories": shown})


@never_cache
@login_required
def your_data_json(request: HttpRequest) -> HttpResponse:
    """The same, as a JSON file to download."""
    user: User = request.user  # type: ignore[assignment]
    document = personal_data_json(categories=personal_data_export(user=user), user=user)
    account_data_export_record(user=user, format="json")
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    filename = f"luton2040-your-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete your account: what goes, what is made anonymous and what is kept, then the
    password again to confirm."""
    user: User = request.user  # type: ignore[assignment]
    if not may_erase_own_account(user):
        return render(request, "accounts/delete_account_refused.html", status=403)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        account_erase(user=user, by=user)
        logout(request)
        return redirect("accounts:deleted")
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, **_erasure_summary()},
        status=400 if form.errors else 200,
    )


def account_deleted(request: HttpRequest) -> HttpResponse:
    """Where a person lands after deleting their account (signed out by then)."""
    return render(request, "accounts/account_deleted.html")


def _erasure_summary() -> dict[str, list[dict[str, str]]]:
    """What erasure does, per kind of record, read from the registry (so it cannot drift)."""
    summary: dict[str, list[dict[str, str]]] = {"deleted": [], "anonymised": [], "kept": []}
    key = {Erasure.DELETE: "deleted", Erasure.ANONYMISE: "anonymised", Erasure.KEEP: "kept"}
    seen: set[tuple[str, str]] = set()
    for source in sources():
        title = str(source.title or source.model._meta.verbose_name_plural)
        if (key[source.erasure], title) in seen:
            continue
        seen.add((key[source.erasure], title))
        summary[key[source.erasure]].append(
            {"title": title, "kept_because": str(source.kept_because)}
        )
    return summary
