"""Sweep entries for the taskforce's public pages."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
