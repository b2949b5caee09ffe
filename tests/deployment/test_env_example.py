"""`.env.example` copied as it is: `make run` works; its production block is what compose needs."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.deployment.compose import COMPOSE_FILE

EXAMPLE = settings.BASE_DIR / ".env.example"
PRODUCTION_BEGIN = "# ============================== PRODUCTION"
PRODUCTION_END = "# ========================================================================================"
ASSIGNMENT = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]+)=(.*)$")


def _settings_with(tmp_path, dotenv_text: str, extra_env: dict) -> dict:
    """Import zoomhub.settings in a child given `dotenv_text` as its .env.

    settings.py loads .env into the environment without overriding it, so the file's active
    lines are handed to the child as environment variables (the repository's .env is not touched).
    """
    dotenv = {
        m[1]: m[2] for line in dotenv_text.splitlines() if (m := re.match(r"^([A-Z][A-Z0-9_]+)=(.*)$", line))
    }
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps({'DEBUG': settings.DEBUG, 'db': settings.DATABASES['default']['ENGINE'],"
        "'broker': settings.CELERY_BROKER_URL, 'secret': bool(settings.SECRET_KEY)}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**keep, "DJANGO_SETTINGS_MODULE": "zoomhub.settings", **dotenv, **extra_env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_example_as_copied_sets_nothing_and_make_run_starts(tmp_path):
    active = [line for line in EXAMPLE.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert active == []
    # `make run` sets DEBUG=true when the environment does not; nothing else.
    loaded = _settings_with(tmp_path, EXAMPLE.read_text(), {"DEBUG": "true"})
    assert loaded == {
        "DEBUG": True,
        "db": "django.db.backends.sqlite3",
        "broker": "filesystem://",
        "secret": True,
    }


def _production_block() -> dict[str, str]:
    text = EXAMPLE.read_text()
    block = text[text.index(PRODUCTION_BEGIN) : text.index(PRODUCTION_END)]
    return {m[1]: m[2] for line in block.splitlines() if (m := ASSIGNMENT.match(line))}


def test_the_production_block_has_what_compose_and_django_require():
    block = _production_block()
    compose_needs = set(re.findall(r"\$\{(\w+):\?", COMPOSE_FILE.read_text()))
    assert compose_needs <= set(block)
    for name in (
        "DEBUG",
        "DJANGO_SECRET_KEY",
        "FIELD_ENCRYPTION_SALTS",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
    ):
        assert name in block
    assert block["DEBUG"] == "false"
    for name in ("ADMINS", "SERVER_EMAIL", "SENTRY_DSN", "METRICS_TOKEN", "EMAIL_URL"):
        assert name in block


def test_the_production_block_filled_in_refuses_to_start_without_a_secret_key(tmp_path):
    uncommented = "\n".join(f"{name}={value}" for name, value in _production_block().items())
    with pytest.raises(AssertionError, match="DJANGO_SECRET_KEY must be set"):
        _settings_with(tmp_path, uncommented, {})
    filled = uncommented.replace("DJANGO_SECRET_KEY=\n", "DJANGO_SECRET_KEY=filled-in-" + "k" * 40 + "\n")
    loaded = _settings_with(tmp_path, filled, {})
    assert loaded["DEBUG"] is False and loaded["secret"] is True
