from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "taskforce/index.html")


def report_list(request: HttpRequest) -> HttpResponse:
    return render(request, "taskforce/report_list.html")
