"""Council staff move the directory in and out as a spreadsheet (CSV)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..forms_feedback import DirectoryImportForm
from ..services import csv_io


def _check_data_access(request: HttpRequest, *perms: str) -> None:
    """The access helper for the directory's data pages: council staff with these permissions
    (MFA is the middleware's)."""
    if not request.user.has_perms(perms):
        raise PermissionDenied


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    """Every listed service as CSV, streamed, in the columns the import reads."""
    _check_data_access(request, "hubs.view_service")
    lines = csv_io.export_csv_lines(csv_io.export_services())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"luton2040-directory-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def directory_import(request: HttpRequest) -> HttpResponse:
    """Check a spreadsheet (the default: nothing written), or import it: every row or none."""
    _check_data_access(request, "hubs.add_service", "hubs.change_service")
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "columns": csv_io.COLUMNS}
    if request.method == "GET" or not form.is_valid():
        return render(
            request,
            "hubs/staff/import_form.html",
            context,
            status=400 if form.errors else 200,
        )
    check = csv_io.import_read(form.cleaned_data["file"])
    context["check"] = check
    context["errors"] = csv_io.import_errors_sorted(check.errors)
    context["mode"] = form.cleaned_data["mode"]
    if not check.ok:
        return render(request, "hubs/staff/import_form.html", context, status=400)
    if form.cleaned_data["mode"] == DirectoryImportForm.CHECK:
        return render(request, "hubs/staff/import_form.html", context)
    context["result"] = csv_io.directory_import(check=check, by=request.user)  # type: ignore[arg-type]
    return render(request, "hubs/staff/import_form.html", context)
