"""Sweep entries for the resident directory: search, hub and service pages, shortlist."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
