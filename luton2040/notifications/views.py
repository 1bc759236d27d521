"""The people's side of notifications: preferences, following, confirming, unsubscribing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from luton2040.accounts.models import User
from luton2040.ratelimit import client_address, over_limit

from . import kinds, links
from .forms import FollowForm, PreferencesForm
from .kinds import Frequency
from .models import Notification, Subscription
from .preferences import preferences_daily_off, preferences_for, preferences_update
from .subscriptions import (
    subject_of,
    subscription_confirm,
    subscription_end,
    subscription_follow,
    subscription_for_user,
    subscription_list_for_user,
)

# Following by email alone sends mail to an address anyone can type, so it is rate-limited per
# client address and per email address (on top of one confirmation per subscription per ten
# minutes in the service). Fixed windows in the shared cache are enough at this scale.
FOLLOW_LIMIT_PER_IP = (5, 60)  # requests, seconds
FOLLOW_LIMIT_PER_EMAIL = (3, 60 * 60)


def _over_limit(name: str, value: str, limit: tuple[int, int]) -> bool:
    amount, seconds = limit
    return over_limit(f"notifications:follow:{name}", value, amount=amount, seconds=seconds)


# --- Preferences -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How often each kind of message comes, and what the person follows (with Stop buttons)."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    if request.method == "POST" and "stop" in request.POST:
        return _stop_following(request, user)
    current = preferences_for(user=user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        user=user,
        initial_frequencies=current,
    )
    if request.method == "POST" and form.is_valid():
        preferences_update(user=user, choices=form.choices(), by=user)
        messages.success(request, _("Your email preferences have been saved"))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "always_sent": [kind for kind in kinds.kinds_for(user) if not kind.can_switch_off],
            "follows": [
                (subscription, subject_of(subscription))
                for subscription in subscription_list_for_user(user=user)
            ],
        },
        status=400 if form.errors else 200,
    )


def _stop_following(request: HttpRequest, user: User) -> HttpResponse:
    try:
        pk = int(request.POST["stop"])
    except ValueError:
        pk = 0
    subscription = subscription_for_user(user=user, pk=pk)
    if subscription is not None:
        title = subject_of(subscription).title
        subscription_end(subscription=subscription, by=user)
        messages.success(
            request, _("You will no longer get updates about %(title)s") % {"title": title}
        )
    else:
        # Already stopped (a second click) or not theirs: either way there is nothing to stop.
        messages.info(request, _("You were not following that"))
    return HttpResponseRedirect(reverse("notifications:preferences"))


# --- Follow ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Start following a thing, a ward or a topic. Signed in: at once. Otherwise an email
    address, confirmed by a link (double opt-in). GET shows the form on its own page."""
    signed_in = request.user.is_authenticated
    data = request.POST if request.method == "POST" else request.GET
    form = FollowForm(data, needs_email=not signed_in and request.method == "POST")
    form.is_valid()
    if form.subject is None:
        raise Http404("no such thing to follow")
    subject = form.subject
    context = {"form": form, "subject": subject}
    if request.method == "GET":
        form = FollowForm(initial=data.dict(), needs_email=False)
        form.subject = subject
        return render(request, "notifications/follow.html", {**context, "form": form})

    if form.errors:
        return render(request, "notifications/follow.html", context, status=400)
    if signed_in:
        user: User = request.user  # type: ignore[assignment]
        result = subscription_follow(
            user=user, target=subject.target, ward=subject.ward, topic=subject.topic
        )
        if result.created:
            messages.success(
                request, _("You will get updates about %(title)s") % {"title": subject.title}
            )
        else:
            messages.info(
                request, _("You already get updates about %(title)s") % {"title": subject.title}
            )
        next_url = form.safe_next(host=request.get_host(), secure=request.is_secure())
        return HttpResponseRedirect(next_url or reverse("notifications:preferences"))

    email = form.cleaned_data["email"]
    if form.is_bot:
        # Say what we would say to a person, so the bot learns nothing; send nothing.
        return render(request, "notifications/follow_check_email.html", {"subject": subject})
    if _over_limit("ip", client_address(request), FOLLOW_LIMIT_PER_IP) or _over_limit(
        "email", email.lower(), FOLLOW_LIMIT_PER_EMAIL
    ):
        return render(request, "notifications/follow_too_many.html", status=429)
    subscription_follow(email=email, target=subject.target, ward=subject.ward, topic=subject.topic)
    # The same page whether the address was new, unconfirmed or already confirmed: the form
    # must not tell a stranger who follows what.
    return render(
        request,
        "notifications/follow_check_email.html",
        {"subject": subject, "email": email},
    )


# --- Signed links ----------------------------------------------------------------------------


def _bad_link(request: HttpRequest, *, expired: bool, purpose: str) -> HttpResponse:
    """A clear page for a link that was changed, has expired, or points at something gone."""
    return render(
        request,
        "notifications/link_problem.html",
        {"expired": expired, "purpose": purpose},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "POST"])
def confirm_follow(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks; POST confirms (mail scanners follow links, so a GET must change nothing)."""
    try:
        pk = links.read_confirm_token(token)
    except links.BadLink as bad:
        return _bad_link(request, expired=bad.expired, purpose="confirm")
    subscription = Subscription.objects.select_related("ward", "target_type").filter(pk=pk).first()
    if subscription is None:
        # Stopped before it was confirmed: the link has nothing left to do.
        return _bad_link(request, expired=True, purpose="confirm")
    subject = subject_of(subscription)
    if request.method == "POST":
        already = subscription.confirmed_at is not None
        subscription_confirm(subscription=subscription)
        return render(
            request,
            "notifications/follow_confirmed.html",
            {"subject": subject, "already": already},
        )
    if subscription.confirmed_at is not None:
        return render(
            request,
            "notifications/follow_confirmed.html",
            {"subject": subject, "already": True},
        )
    return render(request, "notifications/follow_confirm.html", {"subject": subject})


@dataclass(frozen=True)
class _Unsubscribe:
    """What "stop these emails" means for one message."""

    action: str  # "end-follow", "kind-off", "daily-off", "always-sent", "done-already"
    notification: Notification
    title: str = ""
    kind_label: str = ""


def _unsubscribe_plan(notification: Notification) -> _Unsubscribe:
    if notification.user_id is None:
        subscription = notification.subscription
        if subscription is None:
            return _Unsubscribe("done-already", notification)
        return _Unsubscribe("end-follow", notification, title=subject_of(subscription).title)
    if notification.kind == "digest.daily":
        return _Unsubscribe("daily-off", notification)
    try:
        kind = kinds.get(notification.kind)
    except LookupError:
        return _Unsubscribe("always-sent", notification)
    if not kind.can_switch_off:
        return _Unsubscribe("always-sent", notification, kind_label=str(kind.label))
    return _Unsubscribe("kind-off", notification, kind_label=str(kind.label))


# Mail providers (Gmail, Yahoo, ...) send RFC 8058 one-click unsubscribes as a bare POST with
# the body "List-Unsubscribe=One-Click": no cookie, no CSRF token. Exempting this one view is
# safe: the signed token in the URL is the authority (it cannot be forged or moved to another
# message), and the only thing the POST can do is stop mail, never start it or reveal anything.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET says what this stops and offers a button; POST (or a one-click POST) does it."""
    try:
        pk = links.read_unsubscribe_token(token)
    except links.BadLink as bad:
        return _bad_link(request, expired=bad.expired, purpose="unsubscribe")
    notification = (
        Notification.objects.select_related(
            "user", "subscription", "subscription__ward", "subscription__target_type"
        )
        .filter(pk=pk)
        .first()
    )
    if notification is None:
        return _bad_link(request, expired=True, purpose="unsubscribe")
    plan = _unsubscribe_plan(notification)
    context = {"plan": plan, "token": token}
    if request.method == "GET" or plan.action in ("always-sent", "done-already"):
        return render(request, "notifications/unsubscribe.html", context)

    user = notification.user
    if plan.action == "end-follow" and notification.subscription is not None:
        subscription_end(subscription=notification.subscription, by=None)
    elif plan.action == "daily-off" and user is not None:
        preferences_daily_off(user=user, by=user)
    elif plan.action == "kind-off" and user is not None:
        preferences_update(user=user, choices={notification.kind: Frequency.OFF}, by=user)
    return render(request, "notifications/unsubscribe_done.html", context)
