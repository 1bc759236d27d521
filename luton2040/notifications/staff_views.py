"""Council staff watch the outbox: what is queued, sent and failed, and retry a failure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .filters import NotificationFilter
from .models import Notification
from .selectors import notification_list as select_notifications
from .selectors import notification_status_counts

NOTIFICATIONS_PER_PAGE = 50


def _get_notification_for_staff(request: HttpRequest, pk: int, *, perm: str) -> Notification:
    """The access helper for outbox rows: council staff only; 404 for a row that is not there."""
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return get_object_or_404(Notification.objects.select_related("user"), pk=pk)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("notifications.view_outbox"):
        raise PermissionDenied
    filterset = NotificationFilter(request.GET, queryset=select_notifications())
    paginator = Paginator(filterset.qs, NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts = notification_status_counts()
    return render(
        request,
        "notifications/staff/notification_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "status_counts": [
                (status, label, counts.get(status, 0))
                for status, label in Notification.Status.choices
            ],
        },
    )


@login_required
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _get_notification_for_staff(request, pk, perm="notifications.view_outbox")
    return render(
        request,
        "notifications/staff/notification_detail.html",
        {
            "notification": notification,
            "can_retry": notification.status == Notification.Status.FAILED
            and request.user.has_perm("notifications.retry_notification"),
        },
    )


@login_required
@require_POST
def notification_retry(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _get_notification_for_staff(request, pk, perm="notifications.retry_notification")
    if notification.status != Notification.Status.FAILED:
        messages.info(request, _("This message has not failed, so there is nothing to retry."))
    else:
        services.notification_retry(notification=notification, by=request.user)  # type: ignore[arg-type]  # login_required
        messages.success(request, _("The message is queued to be sent again."))
    return HttpResponseRedirect(reverse("notifications-staff:detail", args=[notification.pk]))
