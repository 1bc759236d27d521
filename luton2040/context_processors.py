from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language_bidi


def portal(request: HttpRequest) -> dict[str, Any]:
    """Values every page template needs: text direction and which navigation item is current."""
    return {
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "current_section": _section(request.path_info),
    }


def _section(path: str) -> str:
    for prefix, section in (
        ("/find-support/", "hubs"),
        ("/taskforce/reports/", "reports"),
        ("/taskforce/", "taskforce"),
        ("/have-your-say/", "engagement"),
    ):
        if path.startswith(prefix):
            return section
    return ""
