"""Settings behave as docs/security.md and docs/operations.md promise: loud without a secret key, clean for deployment."""

import os
import subprocess
import sys

from django.conf import settings

# The parent's environment less what tests/settings.py put there for the test run.
BASE_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("DJANGO_", "DEBUG", "SECURE_", "ALLOWED_HOSTS", "FIELD_ENCRYPTION"))
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "zoomhub.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_fails_loudly():
    result = _manage("check", env={"DEBUG": "false", "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_checks_pass_with_production_values():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2LmZ9vR4tY8wK3nB6cF1hJ5dS0gA",
            "ALLOWED_HOSTS": "zoomhub.school.example",
            "CSRF_TRUSTED_ORIGINS": "https://zoomhub.school.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
