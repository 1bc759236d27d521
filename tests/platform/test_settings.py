"""The one settings module: secure by default, read from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Gq9vR2mK4pL8sT1wZ5" * 3,
    "DJANGO_ALLOWED_HOSTS": "portal.luton2040.example",
    "DATABASE_URL": "postgres://portal@db.internal:5432/luton2040",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a clean process with only the given settings in its environment."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(  # noqa: S603  our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check() -> None:
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_is_off_unless_asked_for() -> None:
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_there_is_no_secret_key_fallback_outside_the_demo() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_portal_refuses_a_database_that_is_not_postgresql() -> None:
    result = _manage("check", **{**PRODUCTION, "DATABASE_URL": "mysql://u@localhost/luton"})
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_missing_database_url_says_how_to_get_one() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "make demo" in result.stderr


@pytest.mark.django_db
def test_search_extensions_are_enabled() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent"} <= installed


def test_the_database_uses_psycopg3_with_a_connection_pool() -> None:
    from django.conf import settings
    from django.db import connection

    assert connection.Database.__name__ == "psycopg"
    assert "pool" in settings.DATABASES["default"]["OPTIONS"]
