"""Sweep entries for the taskforce's members pages."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
