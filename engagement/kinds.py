"""The notifications engagement sends, registered from EngagementConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luton2040.accounts.roles import Role
from luton2040.notifications import kinds
from luton2040.notifications.kinds import NotificationKind

# To people following the consultation, its wards or its topics.
CONSULTATION_OPENED = "engagement.consultation_opened"
CONSULTATION_CLOSING = "engagement.consultation_closing"
# To followers of the consultation when the outcome is published (may be switched off).
OUTCOME_PUBLISHED = "engagement.outcome_published"
# To each respondent who asked to hear back: the outcome of something they took part in is
# always delivered, whatever their other settings (research: decidim#15829).
OUTCOME_FOR_RESPONDENT = "engagement.outcome_for_respondent"
# Sent because the person asked for exactly this message.
RESPONSE_RECEIPT = "engagement.response_receipt"
RESPONSE_RESUME_LINK = "engagement.response_resume_link"
# Assemblies: the result of the draw, to each volunteer; the council's response, to followers.
ASSEMBLY_DRAW_RESULT = "engagement.assembly_draw_result"
ASSEMBLY_RESPONSE_PUBLISHED = "engagement.assembly_response_published"
# To council staff: a selection run has finished (or cannot meet its quotas).
ASSEMBLY_DRAW_FINISHED = "engagement.assembly_draw_finished"

ASSEMBLIES_TOPIC = "citizens-assemblies"


def register_kinds() -> None:
    kinds.register(
        NotificationKind(
            key=CONSULTATION_OPENED, label=_("A consultation opens in your ward or on your topic")
        )
    )
    kinds.register(
        NotificationKind(
            key=CONSULTATION_CLOSING, label=_("A consultation you follow closes in a few days")
        )
    )
    kinds.register(
        NotificationKind(
            key=OUTCOME_PUBLISHED, label=_("The outcome of a consultation you follow is published")
        )
    )
    kinds.register(
        NotificationKind(
            key=OUTCOME_FOR_RESPONDENT,
            label=_("What came of a consultation you responded to"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=RESPONSE_RECEIPT,
            label=_("A receipt for your consultation response (when you ask for one)"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=RESPONSE_RESUME_LINK,
            label=_("A link to finish your consultation response (when you ask for one)"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=ASSEMBLY_DRAW_RESULT,
            label=_("Whether you were selected for a citizens' assembly you registered for"),
            can_switch_off=False,
        )
    )
    kinds.register(
        NotificationKind(
            key=ASSEMBLY_RESPONSE_PUBLISHED,
            label=_("The council responds to a citizens' assembly's recommendations"),
        )
    )
    kinds.register(
        NotificationKind(
            key=ASSEMBLY_DRAW_FINISHED,
            label=_("A citizens' assembly draw has finished"),
            roles=(Role.COUNCIL_STAFF.value,),
        )
    )
