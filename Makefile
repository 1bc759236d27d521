# The commands a person runs. `make demo` and `make test` work from a fresh clone on a machine
# with no PostgreSQL installed: without DATABASE_URL they start an embedded PostgreSQL under
# .data/ (python -m luton2040.devdb) and use it. Every target is safe to run twice.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Use DATABASE_URL when set; otherwise start (or reuse) the embedded PostgreSQL.
WITH_DB = export DATABASE_URL="$${DATABASE_URL:-$$($(PY) -m luton2040.devdb)}" &&

.PHONY: demo test lint pytest install assets migrate worker beat bench load scale-out restore-drill db-stop clean

demo: install assets migrate
	$(WITH_DB) DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	@echo "Luton 2040 Community Portal (demo data): http://$(HOST):$(PORT)/"
	$(WITH_DB) DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install assets lint pytest

pytest: install assets
	$(WITH_DB) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(WITH_DB) DJANGO_DEBUG=1 $(VENV)/bin/mypy

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	npm run --silent build

migrate: install
	$(WITH_DB) DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input

# worker and beat pair with `make demo` (demo settings unless DJANGO_DEBUG is set); a deploy
# runs celery itself with its own environment (docs/deployment.md).
worker: install
	$(WITH_DB) DJANGO_DEBUG="$${DJANGO_DEBUG:-1}" $(VENV)/bin/celery -A luton2040 worker --loglevel=INFO

beat: install
	mkdir -p .data && $(WITH_DB) DJANGO_DEBUG="$${DJANGO_DEBUG:-1}" $(VENV)/bin/celery -A luton2040 beat --loglevel=INFO --schedule=.data/celerybeat-schedule

bench: install assets migrate
	$(WITH_DB) $(PY) bench/run.py $(BENCH_ARGS)
	$(WITH_DB) $(PY) bench/notifications_fanout.py --count 10000 --concurrency 2 $(FANOUT_ARGS)
	$(WITH_DB) $(PY) bench/hubs_directory.py $(DIRECTORY_ARGS)
	$(WITH_DB) $(PY) bench/taskforce_tracker.py $(TASKFORCE_ARGS)
	$(WITH_DB) $(PY) bench/engagement_responses.py $(RESPONSES_ARGS)
	$(WITH_DB) $(PY) bench/engagement_export.py $(EXPORT_ARGS)

# Issue 7, run on their own (minutes each, not part of `make bench`). load and scale-out need
# Redis: REDIS_URL, else redis://127.0.0.1:6379/0. LOAD_ARGS=--quick / SCALE_OUT_ARGS=--quick
# finish in under a minute.
load: install assets migrate
	$(WITH_DB) $(PY) bench/load_mixed.py $(LOAD_ARGS)

scale-out: install assets migrate
	$(WITH_DB) $(PY) bench/scale_out.py $(SCALE_OUT_ARGS)

restore-drill: install migrate
	$(WITH_DB) bench/backup_restore_drill.sh

db-stop:
	$(PY) -m luton2040.devdb stop

clean:
	rm -rf static/build node_modules $(VENV)
