"""Sweep entries for listing reports, freshness links, staff triage and CSV import."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
