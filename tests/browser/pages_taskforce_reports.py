"""Sweep entries for the taskforce's reports pages."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
