# The two commands a newcomer needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEV_ENV := DEBUG=1

.PHONY: help install lock upgrade run test test-postgres browser-deps lint fmt typecheck check content clean messages

help:
	@echo "make run            install, migrate, load the clinic's content, serve http://127.0.0.1:8000"
	@echo "                    and run the worker that sends emails (PORT=8001 for another port)"
	@echo "make test           the whole test suite (browser tests included) on SQLite, with coverage"
	@echo "make test-postgres  the whole suite on PostgreSQL at 127.0.0.1:5432"
	@echo "make lint / fmt     ruff check / ruff format"
	@echo "make typecheck      mypy (strict on the pure modules and booking/services/)"
	@echo "make lock           pin what pyproject.toml asks for (after changing a dependency)"
	@echo "make upgrade        the newest releases pyproject.toml allows, pinned"
	@echo "make messages       collect the strings to translate into locale/es/, compile them (needs gettext)"

# Installs exactly what requirements-dev.lock pins (hashes checked): runtime and dev
# dependencies. Production installs requirements.lock (README, Deploying).
$(STAMP): requirements-dev.lock pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 (3.11+) is required"; exit 1; }
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) scripts/check_lock.py
	touch $(STAMP)

install: $(STAMP)

# The locks, written by uv (pinned in the dev extra, so installed by the lock itself):
# requirements.lock for production, requirements-dev.lock (the same runtime pins, plus
# the dev tools) for development and CI. Universal: one lock for Linux, macOS and
# Windows, Python 3.11 and later. `make lock` keeps every pin that still fits
# pyproject.toml; `make upgrade` moves every pin to the newest release it allows.
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet --custom-compile-command "make lock"

$(VENV)/bin/uv:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock

# LOCK_ARGS="--upgrade-package Django" moves one package only.
lock: $(VENV)/bin/uv
	$(UV_COMPILE) $(LOCK_ARGS) -o requirements.lock
	$(UV_COMPILE) $(LOCK_ARGS) --extra dev -c requirements.lock -o requirements-dev.lock

upgrade: $(VENV)/bin/uv
	$(UV_COMPILE) --upgrade -o requirements.lock
	$(UV_COMPILE) --extra dev -c requirements.lock --upgrade -o requirements-dev.lock

content: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py load_clinic_content

# Translations (README, "Languages"). Collects every marked string of the product into
# locale/es/LC_MESSAGES/django.po (without source locations, so that moving code does not
# change the file) and compiles django.mo, which is committed: a fresh clone and a
# production install are in Spanish without gettext. Needs gettext (apt-get install gettext).
# CI runs it and fails if it changes anything (.ci/run).
MAKEMESSAGES := $(DEV_ENV) $(PY) manage.py makemessages --locale es --no-location --no-obsolete \
	--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'test-artifacts/*' --ignore 'tests/*' \
	--ignore 'bench/*' --ignore 'scripts/*' --ignore 'staticfiles/*' --ignore 'media/*'
messages: install
	$(MAKEMESSAGES)
	$(DEV_ENV) $(PY) manage.py compilemessages --locale es --ignore '.venv/*'

# The web server and, next to it, the worker that sends the emails (the console backend
# prints them here). Ctrl-C stops both; the worker also stops when the server does.
PORT ?= 8000
run: content
	@$(DEV_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Chromium (Debian's package) and the Nu HTML checker for the browser tests.
browser-deps: install
	@bash scripts/ensure_browser_deps.sh

# Two workers (the machine's two cores); a test module stays on one worker, because the
# browser modules validate every page they served in one Nu checker run at the end.
# Coverage (pyproject.toml) is measured on every run; the whole suite must keep it at or
# above the floor: the figure measured when it was introduced, rounded down. Raise it
# when coverage rises; never lower it.
COVERAGE_FLOOR := 95
PYTEST := $(PY) -m pytest -n 2 --dist loadfile --cov-fail-under=$(COVERAGE_FLOOR)

test: install browser-deps
	$(PYTEST)

test-postgres: install browser-deps
	@bash scripts/ensure_services.sh
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/clinic} $(PYTEST)

check: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

lint: install
	$(PY) -m ruff check .

fmt: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Settings in pyproject.toml ([tool.mypy]); the django-stubs plugin loads the settings.
typecheck: install
	$(DEV_ENV) $(PY) -m mypy

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3* media test-artifacts .coverage .coverage.*

# Performance (issue 5): seed a large data set, serve it with gunicorn on 127.0.0.1,
# measure every page against a trivial view with wrk. See docs/performance.md.
.PHONY: bench bench-sqlite
bench: install
	@bash scripts/ensure_services.sh
	@bash scripts/ensure_bench_tools.sh
	$(PY) bench/run.py $(BENCH_ARGS)

bench-sqlite: install
	@bash scripts/ensure_services.sh
	@bash scripts/ensure_bench_tools.sh
	$(PY) bench/run.py --db sqlite $(BENCH_ARGS)

# Lighthouse (issue 5): home, the treatment page and the booking time step with phone
# settings, on gunicorn with production settings on 127.0.0.1, Debian's Chromium.
.PHONY: audit
audit: install browser-deps
	@bash scripts/ensure_services.sh
	@test -x node_modules/.bin/lighthouse || npm ci --no-audit --no-fund
	$(PY) bench/audit.py $(AUDIT_ARGS)
