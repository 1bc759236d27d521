from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = _("Fairness Taskforce")

    def ready(self) -> None:
        from luton2040.accounts.roles import Role, grant
        from luton2040.notifications import subscriptions

        from . import kinds
        from .selectors.tracker import public_actions

        kinds.register_kinds()
        # Only public, published actions: an internal action's title must not leak through the
        # follow form.
        subscriptions.register_followable("taskforce.action", followable=public_actions)
        subscriptions.register_topic(
            slug=kinds.REPORTS_TOPIC, label=_("Taskforce progress reports")
        )

        # Priorities, outcomes and commitments are the portal's vocabulary: staff keep them.
        grant(
            Role.COUNCIL_STAFF,
            *(
                f"taskforce.{verb}_{model}"
                for verb in ("add", "change", "view")
                for model in (
                    "priority",
                    "outcome",
                    "commitment",
                    "actionstatus",
                    "populationgroup",
                    "indicator",
                    "indicatorvalue",
                    "progressreport",
                    "reportsection",
                )
            ),
        )
