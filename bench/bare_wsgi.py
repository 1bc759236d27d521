"""gunicorn entry point for the directory benchmark: the portal with bench/bare_urls.py on top.

The settings module reads ROOT_URLCONF from no environment variable, so the override lives
here, in a module only the benchmark starts, rather than as a branch in settings.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")
settings.ROOT_URLCONF = "bare_urls"  # bench/ is on gunicorn's --pythonpath

application = get_wsgi_application()
