from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Have your say")

    def ready(self) -> None:
        from luton2040.accounts.roles import Role, grant
        from luton2040.notifications import subscriptions

        from . import kinds
        from .models import Topic
        from .selectors.consultations import followable_consultations

        kinds.register_kinds()
        # Published consultations only: a draft's title must not leak through the follow form.
        subscriptions.register_followable(
            "engagement.consultation", followable=followable_consultations
        )
        for topic in Topic:
            subscriptions.register_topic(slug=topic.value, label=topic.label)
        subscriptions.register_topic(slug=kinds.ASSEMBLIES_TOPIC, label=_("Citizens' assemblies"))
        subscriptions.register_followable(
            "engagement.assembly",
            followable=lambda: self.get_model("Assembly")._default_manager.exclude(status="draft"),
        )
        # What engagement adds to taskforce pages: the progress report's "Consultation
        # outcomes" block, and on each action's page what decided or recommended it.
        from taskforce import extensions
        from taskforce.models import ReportSection

        from . import tasks_assemblies  # noqa: F401  (Celery's autodiscovery looks only in tasks.py)
        from .selectors.assemblies import recommendation_links_for_action
        from .selectors.outcomes import outcome_links_for_action, outcomes_published_between

        extensions.register_report_block(
            ReportSection.Kind.CONSULTATION_OUTCOMES, outcomes_published_between
        )
        extensions.register_action_links(outcome_links_for_action)
        extensions.register_action_links(recommendation_links_for_action)

        # Council staff run consultations and assemblies; object rules are in rules.py.
        grant(
            Role.COUNCIL_STAFF,
            *(
                f"engagement.{verb}_{model}"
                for verb in ("add", "change", "view")
                for model in (
                    "consultation",
                    "consultationdocument",
                    "section",
                    "question",
                    "questionoption",
                    "response",
                    "answertag",
                    "populationshare",
                    "consultationoutcome",
                    "outcomedecision",
                    "assembly",
                    "assemblysession",
                    "stratificationfeature",
                    "featurecategory",
                    "volunteer",
                    "selectionrun",
                    "recommendation",
                )
            ),
        )
