"""Resident engagement: consultations and their surveys, responses, outcomes ("we asked, you
said, we did") and citizens' assemblies."""

from .assemblies import (
    Assembly,
    AssemblySession,
    FeatureCategory,
    Recommendation,
    SelectionRun,
    StratificationFeature,
    Volunteer,
)
from .consultations import Consultation, ConsultationDocument, Topic
from .outcomes import ConsultationOutcome, Decision, OutcomeDecision
from .responses import (
    Answer,
    AnswerTag,
    Channel,
    EqualityMonitoring,
    OutcomeRequest,
    PopulationShare,
    Response,
)
from .survey import Question, QuestionOption, Section

__all__ = [
    "Answer",
    "AnswerTag",
    "Assembly",
    "AssemblySession",
    "Channel",
    "Consultation",
    "ConsultationDocument",
    "ConsultationOutcome",
    "Decision",
    "EqualityMonitoring",
    "FeatureCategory",
    "OutcomeDecision",
    "OutcomeRequest",
    "PopulationShare",
    "Question",
    "QuestionOption",
    "Recommendation",
    "Response",
    "Section",
    "SelectionRun",
    "StratificationFeature",
    "Topic",
    "Volunteer",
]
