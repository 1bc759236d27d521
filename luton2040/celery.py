"""The Celery app. Settings come from Django settings (CELERY_*); the beat schedule is in code."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")

app = Celery("luton2040")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The daily digest job lives beside the delivery tasks in its own module; autodiscovery only
# looks for `tasks` modules, so name it here (a missing module is skipped, not an error).
app.autodiscover_tasks(["luton2040.notifications"], related_name="digests")
