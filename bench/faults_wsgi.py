"""gunicorn entry point for the fault benchmark (bench/faults.py): the bench's URLconf (the
portal plus the bare view it probes for readiness) behind one trusted proxy.

Every virtual resident comes from 127.0.0.1, so the per-address limits on reports and follows
(a few an hour) would be what the benchmark measured. As a deploy behind a load balancer does,
the address is read from X-Forwarded-For, and the benchmark gives each resident its own.
The settings module reads neither override from the environment, so they live here, in a
module only the benchmark starts, rather than as a branch in settings.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luton2040.settings")
settings.ROOT_URLCONF = "bare_urls"  # bench/ is on gunicorn's --pythonpath
settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

application = get_wsgi_application()
