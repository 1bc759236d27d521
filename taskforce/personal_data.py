"""What the Fairness Taskforce app holds about people: who leads and logs actions, who posts and
reviews updates, who records figures and publishes reports.

All of it is work done for the taskforce. When an account is deleted the work stays (the
public timeline, the figures and the reports must still read), and only the link to the person
goes, so a page shows "a former member" where their name was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luton2040.accounts.personal_data import (
    Erasure,
    ExportRow,
    PersonalDataSource,
    register,
    register_not_personal,
)

from .models import Action, ActionUpdate, IndicatorValue, ProgressReport

if TYPE_CHECKING:
    from luton2040.accounts.models import User

TASKFORCE = _("Fairness Taskforce work")
PUBLIC_TASK = _("Public task: tracking and reporting the Fairness Taskforce's progress.")
KEPT = _("As long as the taskforce's record is kept; your name is removed when your account goes.")


def _action_row(action: Action) -> ExportRow:
    return {_("Action"): str(action), _("Created"): action.created_at}


def _update_rows(user: User) -> QuerySet[Any]:
    return ActionUpdate.objects.filter(author=user).select_related("action").order_by("created_at")


def _update_row(update: ActionUpdate) -> ExportRow:
    return {
        _("Action"): str(update.action),
        _("What has happened"): update.body,
        _("Review"): update.get_review_display(),
        _("Posted"): update.created_at,
        _("Published"): update.published_at,
    }


def _reviewed_row(update: ActionUpdate) -> ExportRow:
    # Not the update's text or author: those are someone else's.
    return {_("Action"): str(update.action), _("Review"): update.get_review_display()}


def _value_row(value: IndicatorValue) -> ExportRow:
    return {
        _("Indicator"): str(value.indicator),
        _("Period"): value.period_label,
        _("Value"): value.value,
        _("Recorded"): value.recorded_at,
    }


def _report_row(report: ProgressReport) -> ExportRow:
    return {_("Report"): str(report), _("Status"): report.get_status_display()}


register(
    PersonalDataSource(
        model_label="taskforce.Action",
        fields=("lead_member",),
        category=TASKFORCE,
        title=_("Actions you lead"),
        purpose=_("To show residents and the taskforce who leads each action."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=lambda user: Action.objects.filter(lead_member=user).order_by("reference"),
        erasure=Erasure.ANONYMISE,
        anonymise={"lead_member": None},
        export_row=_action_row,
    ),
    PersonalDataSource(
        model_label="taskforce.Action",
        fields=("created_by",),
        category=TASKFORCE,
        title=_("Actions you logged"),
        purpose=_("To show the taskforce who logged an action."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=lambda user: Action.objects.filter(created_by=user).order_by("reference"),
        erasure=Erasure.ANONYMISE,
        anonymise={"created_by": None},
        export_row=_action_row,
    ),
    PersonalDataSource(
        model_label="taskforce.ActionUpdate",
        fields=("author",),
        category=TASKFORCE,
        title=_("Progress updates you posted"),
        purpose=_("To show who reported progress on an action."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=_update_rows,
        erasure=Erasure.ANONYMISE,
        anonymise={"author": None},
        export_row=_update_row,
    ),
    PersonalDataSource(
        model_label="taskforce.ActionUpdate",
        fields=("reviewed_by",),
        category=TASKFORCE,
        title=_("Progress updates you reviewed"),
        purpose=_("To show which taskforce lead published or returned an update."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=lambda user: (
            ActionUpdate.objects.filter(reviewed_by=user)
            .select_related("action")
            .order_by("created_at")
        ),
        erasure=Erasure.ANONYMISE,
        anonymise={"reviewed_by": None},
        export_row=_reviewed_row,
    ),
    PersonalDataSource(
        model_label="taskforce.IndicatorValue",
        fields=("recorded_by",),
        category=TASKFORCE,
        title=_("Figures you recorded"),
        purpose=_("To show who recorded a figure, so it can be checked."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=lambda user: (
            IndicatorValue.objects.filter(recorded_by=user)
            .select_related("indicator")
            .order_by("indicator", "period_start")
        ),
        erasure=Erasure.ANONYMISE,
        anonymise={"recorded_by": None},
        export_row=_value_row,
    ),
    PersonalDataSource(
        model_label="taskforce.ProgressReport",
        fields=("created_by",),
        category=TASKFORCE,
        title=_("Progress reports you started"),
        purpose=_("To show who prepared a progress report."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=lambda user: ProgressReport.objects.filter(created_by=user).order_by("pk"),
        erasure=Erasure.ANONYMISE,
        anonymise={"created_by": None},
        export_row=_report_row,
    ),
    PersonalDataSource(
        model_label="taskforce.ProgressReport",
        fields=("published_by",),
        category=TASKFORCE,
        title=_("Progress reports you published"),
        purpose=_("To show who published a progress report."),
        lawful_basis=PUBLIC_TASK,
        retention=KEPT,
        rows_for=lambda user: ProgressReport.objects.filter(published_by=user).order_by("pk"),
        erasure=Erasure.ANONYMISE,
        anonymise={"published_by": None},
        export_row=_report_row,
    ),
)

NAME_OF_A_THING = "The name of a group, status, indicator or priority, not of a person."
register_not_personal("taskforce.PopulationGroup", {"name": NAME_OF_A_THING})
register_not_personal("taskforce.ActionStatus", {"name": NAME_OF_A_THING})
register_not_personal("taskforce.Indicator", {"name": NAME_OF_A_THING})
register_not_personal("taskforce.Priority", {"name": NAME_OF_A_THING})
register_not_personal("taskforce.Outcome", {"short_name": NAME_OF_A_THING})
register_not_personal(
    "taskforce.Evidence",
    {
        "original_name": (
            "The file's name as uploaded, shown with the evidence; who added it is the "
            "update's author, which is registered."
        )
    },
)
