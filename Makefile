# ZoomHub: `make run` starts the whole app, `make test` passes the tests. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint format bench install lock clean messages translations check-translations

# Installed from the lock: every package, transitive ones included, at a pinned version whose
# hash pip checks (requirements-dev.lock includes the runtime ones of requirements.lock).
$(VENV)/.installed: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# The compiled catalogues Django reads, rebuilt whenever a .po file changes (pure Python, Babel).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

$(MO_FILES): %.mo: %.po $(VENV)/.installed
	$(PY) scripts/translations.py compile

install: $(VENV)/.installed $(MO_FILES)

translations: install

# After adding strings: extract them into locale/*/LC_MESSAGES/django.po, then translate the empty ones.
messages: install
	bash scripts/ensure_gettext.sh
	$(PY) scripts/translations.py update

# Fails, naming the file and line, when the code has a string the catalogues do not translate.
check-translations: install
	bash scripts/ensure_gettext.sh
	$(PY) scripts/translations.py check

# After editing requirements*.txt: resolve again and write both locks with hashes. Versions
# already locked stay unless a pin moved (UPGRADE=1 asks for the newest allowed versions).
UV_COMPILE = $(VENV)/bin/uv pip compile --generate-hashes --python-version 3.11 --custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
lock: install
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-dev.txt -o requirements-dev.lock

# Embedded defaults: SQLite and a filesystem broker under var/, unless .env or the
# environment say otherwise. run_all lives in the sandbox app (sandbox.settings installs it) and
# starts web, worker and beat with the product's settings.
run: install
	mkdir -p var
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py install_schedules
	DEBUG=$${DEBUG:-true} $(PY) manage.py ensure_superuser
	DEBUG=$${DEBUG:-true} $(PY) manage.py zoom_credential_from_env --at-start
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
	bash scripts/ensure_nginx.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	bash scripts/ensure_gettext.sh
	$(PY) scripts/translations.py check
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The database benchmarks need PostgreSQL and Redis: DATABASE_URL=postgres://… REDIS_URL=redis://… make bench
# (without them they print "skipped"). BENCH_QUICK=1 runs shorter versions.
bench: install
	$(PY) -m benchmarks

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
