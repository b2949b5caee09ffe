# ZoomHub: `make run` starts the whole app, `make test` passes the tests. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint format bench install clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Embedded defaults: SQLite and a filesystem broker under var/, unless .env or the
# environment say otherwise. run_all lives in the sandbox app (sandbox.settings installs it) and
# starts web, worker and beat with the product's settings.
run: install
	mkdir -p var
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py install_schedules
	DEBUG=$${DEBUG:-true} $(PY) manage.py ensure_superuser
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_all --settings=sandbox.settings

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install
	bash scripts/ensure_chromium.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The database benchmarks need PostgreSQL and Redis: DATABASE_URL=postgres://… REDIS_URL=redis://… make bench
# (without them they print "skipped"). BENCH_QUICK=1 runs shorter versions.
bench: install
	$(PY) -m benchmarks

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
