"""The notifications the taskforce sends, registered from TaskforceConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luton2040.accounts.roles import Role
from luton2040.notifications import kinds
from luton2040.notifications.kinds import NotificationKind

ACTION_PROGRESS = "taskforce.action_progress"  # to an action's followers
ACTION_REVIEW_NEEDED = "taskforce.action_review_needed"  # to leads and staff
ACTION_REVIEWED = "taskforce.action_reviewed"  # to the member whose action/update was reviewed
ACTION_NEEDS_ATTENTION = "taskforce.action_needs_attention"  # overdue or stale, to the lead
REPORT_PUBLISHED = "taskforce.report_published"  # to report subscribers

REPORTS_TOPIC = "progress-reports"


def register_kinds() -> None:
    kinds.register(
        NotificationKind(key=ACTION_PROGRESS, label=_("Progress on an action you follow"))
    )
    kinds.register(
        NotificationKind(
            key=ACTION_REVIEW_NEEDED,
            label=_("A new action or update is waiting for review"),
            default=kinds.Frequency.DAILY,
            roles=(Role.TASKFORCE_LEAD.value, Role.COUNCIL_STAFF.value),
        )
    )
    kinds.register(
        NotificationKind(
            key=ACTION_REVIEWED,
            label=_("Your action or update is published or returned"),
            roles=(Role.TASKFORCE_MEMBER.value, Role.TASKFORCE_LEAD.value),
        )
    )
    kinds.register(
        NotificationKind(
            key=ACTION_NEEDS_ATTENTION,
            label=_("An action you lead is overdue or has had no update"),
            roles=(Role.TASKFORCE_MEMBER.value, Role.TASKFORCE_LEAD.value),
        )
    )
    kinds.register(
        NotificationKind(key=REPORT_PUBLISHED, label=_("A taskforce progress report is published"))
    )
