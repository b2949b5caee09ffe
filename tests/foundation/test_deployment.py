"""Keep docker-compose.yml honest: its commands exist and work the way the containers run them."""

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from tests.processes import child_database_url

PRODUCTION_ENV = {
    "DEBUG": "false",
    "DJANGO_SECRET_KEY": "deployment-test-key-" + "Zx8Qv3LmN5pR7tY9wK2bC4fH6jD1sA0g",
    "ALLOWED_HOSTS": "zoomhub.school.example",
    "CSRF_TRUSTED_ORIGINS": "https://zoomhub.school.example",
    "FIELD_ENCRYPTION_SALTS": "deployment-test-salt",
}


def _compose():
    with open(settings.BASE_DIR / "docker-compose.yml") as f:
        return yaml.safe_load(f)


def test_compose_runs_web_worker_and_beat_from_one_django_block():
    services = _compose()["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        assert services[name]["image"] == "zoomhub:latest"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert "media:/app/media" in services[name]["volumes"]
    assert "celery -A zoomhub worker" in services["worker"]["command"]
    assert "celery -A zoomhub beat" in services["beat"]["command"]


def test_every_manage_py_command_in_compose_exists():
    text = (settings.BASE_DIR / "docker-compose.yml").read_text()
    used = set(re.findall(r"manage\.py (\w+)", text))
    assert used >= {"migrate", "install_schedules"}
    assert used <= set(get_commands())


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.integration
def test_collectstatic_and_gunicorn_serve_the_app_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "ALLOWED_HOSTS"))},
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "zoomhub.settings",
        "DATABASE_URL": child_database_url(),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--settings=zoomhub.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr

    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "zoomhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # gunicorn logs "Booting worker" once it can serve; wait for that line, not a sleep.
        for line in gunicorn.stdout:
            if "Booting worker" in line:
                break
        else:
            pytest.fail("gunicorn exited before booting a worker")

        def get(path, headers=None):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
            opener = urllib.request.build_opener(NoRedirect)
            try:
                return opener.open(request, timeout=10)
            except urllib.error.HTTPError as error:
                return error

        assert get("/healthz").status == 200
        plain = get("/", {"Host": "zoomhub.school.example"})
        assert plain.status == 301
        assert plain.headers["Location"] == "https://zoomhub.school.example/"
        behind_proxy = get("/", {"Host": "zoomhub.school.example", "X-Forwarded-Proto": "https"})
        assert behind_proxy.status == 302
        assert behind_proxy.headers["Location"].startswith("/accounts/login/")
        assert "max-age=31536000" in behind_proxy.headers["Strict-Transport-Security"]
        assert get("/", {"Host": "evil.example", "X-Forwarded-Proto": "https"}).status == 400
        css = get("/static/css/zoomhub.css", {"Host": "zoomhub.school.example", "X-Forwarded-Proto": "https"})
        assert css.status == 200
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
