"""The one settings module. Every deploy-specific value comes from the environment.

See `.env.example` for the variables. Secure by default: DEBUG is off unless asked for, and
outside DEBUG there is no fallback secret key.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The demo (make demo, DEBUG on) may run with a throwaway key; a real deploy must set one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "only the demo (DJANGO_DEBUG=1) may run without one."
        )
    SECRET_KEY = "insecure-demo-key-only-used-when-DJANGO_DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The site's own address, for links in emails (which are written without a request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # platform
    "luton2040.accounts",
    "luton2040.audit",
    "luton2040.places",
    "luton2040.notifications",
    # domain
    "hubs",
    "taskforce",
    "engagement",
    # django and libraries
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "corsheaders",
    # Keep a model-less app last: roles are synced on the last app's post_migrate (roles.py).
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware (its docs): CORS headers go on every /api/ response, redirects too.
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "luton2040.accounts.middleware.StaffMFAMiddleware",
    "luton2040.accounts.middleware.NoStoreForSignedInMiddleware",
]

# Open Referral UK: the read API is public, keyless and read-only, and the profile requires
# "Access-Control-Allow-Origin: *" on every response. Only /api/ gets CORS headers; no cookies.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "luton2040.urls"
WSGI_APPLICATION = "luton2040.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "luton2040.context_processors.portal",
            ],
            # GOV.UK Frontend form and component tags shared by every app's templates.
            "libraries": {"govuk": "luton2040.templatetags.govuk"},
        },
    },
]

# --- Database: PostgreSQL only --------------------------------------------------------------
# make demo / make test start an embedded PostgreSQL under .data/ and pass its URL in
# DATABASE_URL; a real deploy sets DATABASE_URL itself.
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make demo` or `make test` (they start an embedded "
        "PostgreSQL under .data/), or set DATABASE_URL=postgres://user@host:5432/dbname."
    )
DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "The portal runs on PostgreSQL only: DATABASE_URL must be postgres://"
    )
# Django's psycopg 3 pool: connections are reused across requests in a process; the pool
# re-checks connections, so a PostgreSQL restart heals by itself (docs/reliability.md).
DATABASES["default"]["CONN_MAX_AGE"] = 0
# With the pool, health checks become the pool's `check` (ConnectionPool.check_connection):
# a connection PostgreSQL dropped (a restart) is discarded on checkout, not handed to a view.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"]["pool"] = {
    "min_size": env.int("DATABASE_POOL_MIN", default=1),
    "max_size": env.int("DATABASE_POOL_MAX", default=10),
    "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
}
# JIT off: the directory's "open today" and facet queries are short OLTP queries whose cost
# estimates look large, and PostgreSQL spent 8 of 8.3 seconds compiling one of them (measured
# on 10,000 schedules; see docs/performance.md). The word-similarity threshold lets the
# trigram index serve misspellings ("foodbank" scores 0.58 against "Luton Food Bank").
DATABASES["default"]["OPTIONS"]["options"] = " ".join(
    [
        "-c jit=off",
        "-c pg_trgm.word_similarity_threshold=" + env.str("SEARCH_WORD_SIMILARITY", "0.5"),
    ]
)
DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis rather than Django's RedisCache: with Redis away, IGNORE_EXCEPTIONS turns a
    # cache call into a miss (reads, None from writes) instead of an error, so the site keeps
    # serving from PostgreSQL. The short socket timeouts stop a hung Redis holding a request.
    # While it is away every rate limit, allauth's included, fails open (luton2040/cache.py;
    # docs/reliability.md, "Faults").
    CACHES = {
        "default": {
            # django-redis, with `add` answering True while Redis is away (luton2040/cache.py).
            "BACKEND": "luton2040.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "luton2040",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    # An ignored error is still logged (with its traceback): Redis being away must be seen.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in PostgreSQL so web processes stay stateless and survive a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "luton2040.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link preview in a mail client must not confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's rate limits (always on; False would turn them off), written out so the numbers are
# on record and tested (tests/accounts/test_sign_in_hardening.py). Counted in the cache (Redis
# in a deploy, shared by every web process). "ip" is per client address, "key" per email
# address typed, from any address. The Django admin signs in through these same pages
# (urls.py: secure_admin_login), and wrong two-factor codes count as "login_failed" too.
ACCOUNT_RATE_LIMITS = {
    # Wrong passwords: 10 a minute from one address stops guessing across many accounts; 5 per
    # account in 5 minutes, from any address, stops a botnet guessing one account. Even the
    # right password is refused until the window passes.
    "login_failed": "10/m/ip,5/5m/key",
    # Any sign-in form sent, right or wrong: 30 a minute from one address (a hub's shared
    # computer stays well under it).
    "login": "30/m/ip",
    # Reset emails: 20 a minute from one address; 5 an hour to one email address, so the form
    # cannot be used to flood someone's inbox.
    "reset_password": "20/m/ip,5/h/key",
    # The page a reset link opens: 20 a minute from one address, against guessing reset keys.
    "reset_password_from_key": "20/m/ip",
    # New accounts: 20 a minute from one address.
    "signup": "20/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Luton 2040] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Luton 2040 Community Portal"

# URL prefixes only council staff may reach, and only with MFA set up.
STAFF_URL_PREFIXES = ("/admin/", "/staff/")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Luton's community languages join this list as translations arrive; base.html already takes
# lang and dir from the active language, so Urdu (right to left) needs no template change.
LANGUAGES = [("en-gb", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
# Built CSS/JS land in static/build (npm run build); GOV.UK Frontend fonts and images are
# copied beside them. Built assets are never committed.
STATICFILES_DIRS = [BASE_DIR / "static"]
# Deploys serve collectstatic's output with hashed names (cache forever); the demo and tests
# serve straight from static/ (DJANGO_STATIC_MANIFEST=0), so no collectstatic is needed there.
STATIC_COLLECTED = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = not STATIC_COLLECTED
# Uploaded files live outside the code tree and outside anything served as static.
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Luton 2040 <no-reply@luton2040.example>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Security headers -----------------------------------------------------------------------
# DJANGO_HTTPS says the site is served over HTTPS (true for every real deploy). Off for the
# demo and tests on http://127.0.0.1.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0  # two years, as hstspreload.org asks
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Rate limits per IP (allauth's and ours, via the account adapter) must count the visitor,
    # not the proxy: take the address the one trusted proxy appended to X-Forwarded-For.
    ALLAUTH_TRUSTED_PROXY_COUNT = 1
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Content Security Policy with per-request nonces: no inline script runs without one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Places ---------------------------------------------------------------------------------
# "offline" (default): bundled Luton postcode districts, no network. "postcodes.io": the
# public API (or POSTCODES_IO_URL for a self-hosted copy). Tests always use "offline".
POSTCODE_LOOKUP = env.str("POSTCODE_LOOKUP", default="offline")
POSTCODES_IO_URL = env.str("POSTCODES_IO_URL", default="https://api.postcodes.io")

# --- Celery ---------------------------------------------------------------------------------
# Without REDIS_URL tasks run eagerly in-process (the demo needs no broker); the outbox in
# PostgreSQL still records every message.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Nothing reads task results: the outbox row is the result, so no result backend.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# JSON only: a pickle message from anyone who can write to Redis would be code execution.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A deploy (or a test run) sharing one Redis with another can give its tasks their own queue.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Defaults for every task; the delivery task sets tighter limits of its own.
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# acks_late is set per task, only on idempotent ones (notifications.tasks.deliver_notification).
# One message reserved per worker process: with acks_late, a prefetched message sits unacked
# in Redis until the worker gets to it, and a killed worker strands every one it reserved.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# On losing Redis, stop the acks_late tasks in hand: their messages come back, and the outbox
# claim stops a second worker sending the same row while the first is still at it.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# Notification delivery (the outbox pump in luton2040/notifications).
# "django": Django's email backend (EMAIL_URL); "govuk-notify": GOV.UK Notify for email and SMS.
NOTIFICATIONS_EMAIL_BACKEND = env.str("NOTIFICATIONS_EMAIL_BACKEND", default="django")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
# Notify templates whose subject and body are just ((subject)) and ((body)).
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
if NOTIFICATIONS_EMAIL_BACKEND not in ("django", "govuk-notify"):
    raise ImproperlyConfigured('NOTIFICATIONS_EMAIL_BACKEND must be "django" or "govuk-notify"')
# One delivery is one SMTP or HTTPS call: a minute is generous, and the network timeout is
# shorter still so a hung server ends as a temporary failure, not a killed task.
NOTIFICATIONS_SEND_TIMEOUT = env.int("NOTIFICATIONS_SEND_TIMEOUT", default=30)
NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT = 45
NOTIFICATIONS_DELIVER_TIME_LIMIT = 60
# A claimed row belongs to its worker this long. Longer than the hard time limit, so a worker
# still sending never loses its claim; after it, the row is taken for a dead worker's.
NOTIFICATIONS_CLAIM_SECONDS = env.int(
    "NOTIFICATIONS_CLAIM_SECONDS", default=NOTIFICATIONS_DELIVER_TIME_LIMIT + 60
)
# Attempts in all (the first and the retries) before a temporary failure becomes FAILED.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
# Retry n waits about base * 2**(n-1) seconds (with jitter), never more than the cap:
# 1, 2, 4, 8, 16 minutes with the defaults.
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env.int("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", default=60)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = env.int(
    "NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS", default=1800
)
# A row still queued this long after it was written has lost its message (Redis restarted, a
# worker died holding it): the beat job queues it again.
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=60)

# Redis hands an unacknowledged message to another worker after visibility_timeout. With
# acks_late a message stays unacknowledged while its task runs, and a retry's message (ETA)
# sits unacknowledged in the worker until its countdown ends. If the timeout were shorter than
# the longest task plus the longest retry wait, Redis would hand out live messages a second
# time. Dead workers' messages come back sooner through the requeue job, not through this.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(
        3600,
        2 * (CELERY_TASK_TIME_LIMIT + NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS),
    ),
    # A Redis that takes connections but does not answer (hung, overloaded) would hold a web
    # request queuing a task for ever (measured: over 200 s). With these, publishing gives up
    # in about 3 s; the worker's own waits on Redis (BRPOP, 1 s) stay well inside them.
    "socket_connect_timeout": 2,
    "socket_timeout": 3,
}
# Publishing is retried briefly, then fails (kombu OperationalError): the callers catch it and
# the committed outbox row waits for the requeue job (docs/reliability.md, "Faults").
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# The beat schedule, in code. Times are Europe/London (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notifications.requeue_stalled": {
        "task": "luton2040.notifications.tasks.requeue_stalled",
        "schedule": 60.0,
        # A run that waited longer than its interval is superseded by the next one.
        "options": {"expires": 55},
    },
    # Daily digests: the task lives in luton2040/notifications/digests.py (its author chooses
    # the time); beat resolves the name only when it sends, so the slot is safe before then.
    "notifications.send_daily_digests": {
        "task": "luton2040.notifications.digests.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Directory freshness (hubs/tasks.py): ask providers to confirm their listings, then flag
    # the listings nobody confirmed. Both are safe to run twice.
    "hubs.request_verifications": {
        "task": "hubs.tasks.request_verifications",
        "schedule": crontab(hour=9, minute=15),
    },
    "hubs.flag_unconfirmed": {
        "task": "hubs.tasks.flag_unconfirmed",
        "schedule": crontab(hour=6, minute=30),
    },
    # Taskforce: tell each lead once when their action falls overdue or goes stale (safe twice).
    "taskforce.flag_actions_needing_attention": {
        "task": "taskforce.tasks.flag_actions_needing_attention",
        "schedule": crontab(hour=6, minute=45),
    },
    # Consultations open and close on the minute their dates give (engagement/tasks.py); the
    # job is idempotent, so a late or doubled run changes nothing.
    "engagement.advance_consultations": {
        "task": "engagement.tasks.advance_consultations",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Personal data past its retention period is deleted or anonymised (RETENTION_DAYS
    # below); safe twice. Assembly volunteers' details are one of its rules.
    "accounts.apply_retention": {
        "task": "luton2040.accounts.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- Directory freshness and feedback (hubs) ------------------------------------------------
# A listing not verified for this many days is sent a "Still correct?" email.
HUBS_VERIFY_AFTER_DAYS = env.int("HUBS_VERIFY_AFTER_DAYS", default=183)
# Days after that email with no answer before a listing is flagged as unconfirmed.
HUBS_UNCONFIRMED_AFTER_DAYS = env.int("HUBS_UNCONFIRMED_AFTER_DAYS", default=30)
# Residents see a "may be out of date" notice on listings last verified longer ago than this.
HUBS_STALE_AFTER_DAYS = env.int("HUBS_STALE_AFTER_DAYS", default=183)
# Where "Show on a map" links go (only when a resident asks for a map).
HUBS_MAP_URL = env.str("HUBS_MAP_URL", default="https://www.openstreetmap.org/")

# --- Taskforce (taskforce; docs/taskforce.md) ---------------------------------------------
# Public pages hide an indicator figure resting on fewer people than this (disclosure control).
TASKFORCE_SUPPRESS_BELOW = env.int("TASKFORCE_SUPPRESS_BELOW", default=10)
# An action with no progress update for this many weeks is flagged to its lead.
TASKFORCE_STALE_AFTER_WEEKS = env.int("TASKFORCE_STALE_AFTER_WEEKS", default=8)
# Evidence uploads: the largest file accepted, in bytes.
TASKFORCE_EVIDENCE_MAX_BYTES = env.int("TASKFORCE_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)

# --- Engagement (engagement; docs/engagement.md) -------------------------------------------
# Paper and postal responses still count for this many days after a consultation closes; then
# it moves on to "awaiting outcome" and its results are final.
ENGAGEMENT_POSTAL_GRACE_DAYS = env.int("ENGAGEMENT_POSTAL_GRACE_DAYS", default=7)
# Followers are reminded this many days before a consultation closes.
ENGAGEMENT_CLOSING_REMINDER_DAYS = env.int("ENGAGEMENT_CLOSING_REMINDER_DAYS", default=3)
# Who-is-responding figures and public results hide any count below this (disclosure control).
ENGAGEMENT_SUPPRESS_BELOW = env.int("ENGAGEMENT_SUPPRESS_BELOW", default=10)
# Consultation documents: the largest file accepted, in bytes.
ENGAGEMENT_DOCUMENT_MAX_BYTES = env.int("ENGAGEMENT_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Responses: sends per IP address per minute before "try again in a minute" (bots, not people:
# a hub's shared computer sending a few responses in a row stays well under it).
ENGAGEMENT_RESPONSES_PER_MINUTE = env.int("ENGAGEMENT_RESPONSES_PER_MINUTE", default=20)

# --- Retention of personal data (luton2040/accounts/retention.py; docs/privacy.md) ----------
# Days each kind of record is kept, by rule key. The defaults are in each app's retention.py
# and in the table in docs/privacy.md; set only the ones to change, e.g.
# RETENTION_DAYS="unverified_signups=14;sent_notifications=400". The privacy notice shows the
# periods in force. Keep sent_notifications at 365 or more: unsubscribe links last a year.
RETENTION_DAYS: dict[str, int] = env.dict("RETENTION_DAYS", cast={"value": int}, default={})
# --- End of retention ------------------------------------------------------------------------

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
