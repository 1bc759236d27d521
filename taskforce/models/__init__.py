"""The Fairness Taskforce's work: from outcome to action to evidence, and the reports that
publish it."""

from .actions import (
    Action,
    ActionStatus,
    ActionUpdate,
    Evidence,
    Milestone,
    PopulationGroup,
)
from .indicators import Indicator, IndicatorValue
from .reports import ProgressReport, ReportSection
from .vocabulary import Commitment, Outcome, Priority

__all__ = [
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "Commitment",
    "Evidence",
    "Indicator",
    "IndicatorValue",
    "Milestone",
    "Outcome",
    "PopulationGroup",
    "Priority",
    "ProgressReport",
    "ReportSection",
]
