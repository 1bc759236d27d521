"""What other apps add to taskforce pages, registered from their AppConfig.ready().

The taskforce imports no other domain app (DESIGN.md): engagement links its consultation
decisions and assembly recommendations to taskforce actions, so it is engagement that tells
the taskforce about them, through these two registries (as notifications' register_followable
works):

- a report block's data by kind: the progress report's "Consultation outcomes" block asks for
  what was published in the report's period, and freezes it into the snapshot like every
  block;
- links shown on an action's page: what decided or recommended this action.

Each registered function makes a fixed number of queries, so the pages that call them keep a
constant query count.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Action


@dataclass(frozen=True)
class ActionLink:
    """Something outside the taskforce that this action carries out, for its page."""

    # What kind of thing, in words ("Consultation outcome", "Assembly recommendation").
    kind: str
    title: str
    url: str


ReportBlockSource = Callable[[datetime.date, datetime.date], dict[str, Any]]
ActionLinkSource = Callable[["Action"], list[ActionLink]]

_report_blocks: dict[str, ReportBlockSource] = {}
_action_links: list[ActionLinkSource] = []


def register_report_block(kind: str, source: ReportBlockSource) -> None:
    """`source(period_start, period_end)` returns the block's data in its snapshot shape."""
    _report_blocks[kind] = source


def report_block_data(
    kind: str, *, period_start: datetime.date, period_end: datetime.date
) -> dict[str, Any] | None:
    """The registered block's data for the period; None when no app provides the kind."""
    source = _report_blocks.get(kind)
    return source(period_start, period_end) if source else None


def register_action_links(source: ActionLinkSource) -> None:
    if source not in _action_links:
        _action_links.append(source)


def action_links(action: Action) -> list[ActionLink]:
    """Everything registered apps link to this action, in registration order."""
    return [link for source in _action_links for link in source(action)]
