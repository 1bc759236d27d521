"""Sweep entries for the directory's organisation editor and staff review pages."""

from __future__ import annotations

from .pagespec import PageSpec

PAGES: list[PageSpec] = []
