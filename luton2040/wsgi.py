"""WSGI entry point for gunicorn: `gunicorn luton2040.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")

application = get_wsgi_application()
