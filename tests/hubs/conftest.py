from __future__ import annotations

import pytest

from luton2040 import page_cache


@pytest.fixture
def no_stored_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request renders its page, as for a resident who is signed in or has a shortlist
    (luton2040/page_cache.py serves them no stored copy): for tests of what rendering costs and
    of the caches inside the page."""
    monkeypatch.setattr(page_cache, "for_visitor", lambda request: False)
