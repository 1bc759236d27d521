"""Evidence files, served only through this view: never from MEDIA_URL (nothing serves media).

The file goes out as an attachment with the type its bytes were checked to be, with nosniff and
a sandboxing CSP, so even a file that slipped through cannot run as a page on our domain.
"""

from __future__ import annotations

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)

from ..models import Evidence
from ..selectors.actions import evidence_for_download


def _get_evidence(request: HttpRequest, pk: int) -> Evidence:
    """The access helper for evidence: 404 when it does not exist or the viewer may not see the
    action or update it belongs to (a 403 would confirm that an internal action exists)."""
    evidence = evidence_for_download(pk=pk)
    if evidence is None or not request.user.has_perm("taskforce.view_evidence", evidence):
        raise Http404
    return evidence


def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = _get_evidence(request, pk)
    if not evidence.file:
        # A link: send the person on, but only ever to a web page (never javascript: or data:).
        if not evidence.url.lower().startswith(("https://", "http://")):
            raise Http404
        return HttpResponseRedirect(evidence.url)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=evidence.content_type)
    # Set by hand so it is exactly this: original_name was made ASCII-safe when it was stored.
    response["Content-Disposition"] = f'attachment; filename="{evidence.original_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private"
    return response
