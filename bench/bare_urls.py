"""The bench's URLconf: the portal's own URLs plus one bare view, the baseline for throughput.

Used only by the benchmark's gunicorn (bench/bare_wsgi.py sets ROOT_URLCONF to this module in
that process). The bare view goes through the same middleware as every page and does nothing
else, so "search throughput / bare throughput" says what the search itself costs.
"""

from __future__ import annotations

from bench_data import BARE_PATH  # bench/ is on gunicorn's --pythonpath
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

handler403 = "luton2040.views.permission_denied"
handler404 = "luton2040.views.page_not_found"
handler500 = "luton2040.views.server_error"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"OK", content_type="text/plain")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare),
    path("", include("luton2040.urls")),
]
