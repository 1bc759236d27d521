"""Sweep entries for engagement's respond pages (see test_pages.py)."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
