"""What the page sweep (test_pages.py) needs to know about one page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass(frozen=True)
class PageSpec:
    """One page of the sweep.

    url: a URL name ("hubs:index") or a path ("/admin/").
    persona: who is signed in: None for nobody, else a persona fixture from tests/conftest.py
      ("resident", "staff" -- council staff with MFA -- "taskforce_member", ...).
    status: the status the page should answer with.
    setup: called with the pytest request before the visit; returns the kwargs to reverse the
      URL name with (or None), for pages about an object the setup creates, e.g.
      PageSpec("hubs:hub-detail", setup=lambda request: {"slug": HubFactory().slug}).
      A "?query" entry is not a kwarg: it is the query string to visit with.
    axe_disabled: axe rules not run on this page: rule id -> the reason, which must be one a
      reviewer would accept.
    main_id: the id the skip link leads to (only pages that are not ours differ).
    """

    url: str
    persona: str | None = None
    status: int = 200
    setup: Callable[[pytest.FixtureRequest], Mapping[str, Any] | None] | None = None
    axe_disabled: Mapping[str, str] = field(default_factory=dict)
    main_id: str = "main-content"

    @property
    def id(self) -> str:
        answer = "" if self.status == 200 else f"-{self.status}"
        return f"{self.url.strip('/') or 'root'}@{self.persona or 'anonymous'}{answer}"
