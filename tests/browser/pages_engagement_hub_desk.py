"""Sweep entries for engagement's hub_desk pages (see test_pages.py)."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
