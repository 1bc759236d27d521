"""Sweep entries for "Your data" (the subject access export) and "Delete your account"."""

from __future__ import annotations

from typing import Any

import pytest

from .pagespec import PageSpec


def _resident_with_data(request: pytest.FixtureRequest) -> None:
    from ..accounts.personal_data_fixtures import give_data

    give_data(request.getfixturevalue("resident"), times=2)


def _nothing(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    return None


PAGES = [
    # Something in every category, so every kind of row is laid out and checked.
    PageSpec("accounts:your-data", persona="resident", setup=_resident_with_data),
    # Nothing but the account: the page says so.
    PageSpec("accounts:your-data", persona="outsider", setup=_nothing),
    PageSpec("accounts:delete", persona="resident", setup=_resident_with_data),
    # Staff cannot delete their own account: the page says who can.
    PageSpec("accounts:delete", persona="staff", status=403),
    PageSpec("accounts:deleted"),
]
