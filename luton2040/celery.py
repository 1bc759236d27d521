"""The Celery app. Settings come from Django settings (CELERY_*); the beat schedule is in code."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")

app = Celery("luton2040")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
