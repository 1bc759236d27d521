"""Engagement's views, one module per area (see urls_*.py)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def not_built_yet(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Holds a URL name other areas link to while its own area is being built."""
    raise Http404
