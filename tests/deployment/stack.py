"""Running docker-compose.yml's services natively: the same commands, on this machine's processes.

There is no container engine here, so each service's command runs as a child process with the
environment compose would give it: its volumes become temporary folders, `db` a scratch
PostgreSQL database, `redis` a private redis-server, and `web:8000` gunicorn's local port. The
proxy is this machine's nginx with the compose template rendered the way the nginx image does it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings

from tests.deployment.compose import services
from tests.faults.servers import free_port

TEMPLATE = settings.BASE_DIR / "deploy" / "nginx" / "zoomhub.conf.template"
SERVER_NAME = "zoomhub.school.example"
PRODUCTION_ENV = {
    "DEBUG": "false",
    "DJANGO_SECRET_KEY": "compose-test-key-" + "Zx8Qv3LmN5pR7tY9wK2bC4fH6jD1sA0g",
    "ALLOWED_HOSTS": f"{SERVER_NAME},127.0.0.1,localhost",
    "CSRF_TRUSTED_ORIGINS": f"https://{SERVER_NAME}",
    "FIELD_ENCRYPTION_SALTS": "compose-test-salt",
    "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
}


def _server_url(database: str) -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, "", ""))


@contextlib.contextmanager
def scratch_database(prefix: str = "compose"):
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_url = _server_url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _server_url(name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def native_command(command: list[str]) -> list[str]:
    """The container's command with this interpreter: `python`, `gunicorn`, `celery` → sys.executable."""
    head, *rest = command
    if head == "python":
        return [sys.executable, *rest]
    if head in ("gunicorn", "celery"):
        return [sys.executable, "-m", head, *rest]
    return command


INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::(?P<kind>[-?])(?P<rest>[^}]*))?\}")


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} against the .env values."""

    def one(match):
        found = dotenv.get(match["name"], "")
        if found:
            return found
        if match["kind"] == "?":
            raise ValueError(f"{match['name']}: {match['rest']}")
        return match["rest"] or ""

    return INTERPOLATION.sub(one, value)


def service_environment(name: str, *, database_url: str, redis_url: str, folders: dict[str, Path]) -> dict:
    """What compose puts in the service's environment, with its hosts and volumes made local."""
    declared = {
        key: interpolate(value, {"POSTGRES_PASSWORD": "unused-here"}) if isinstance(value, str) else value
        for key, value in (services()[name].get("environment") or {}).items()
    }
    declared["DATABASE_URL"] = database_url
    declared["REDIS_URL"] = redis_url
    for key, value in declared.items():
        if isinstance(value, str) and value in folders:  # a path where a volume is mounted
            declared[key] = str(folders[value])
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "ALLOWED_HOSTS", "DJANGO_"))}
    return {
        **keep,
        **PRODUCTION_ENV,
        **declared,
        "DJANGO_SETTINGS_MODULE": "zoomhub.settings",
        "PYTHONUNBUFFERED": "1",
    }


def self_signed_certificate(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).exists()), None
    )


@contextlib.contextmanager
def running_proxy(*, upstream: str, mounts: dict[str, Path], folder: Path):
    """nginx with the compose template: yields (http_port, https_port).

    `mounts` maps the proxy's container paths (its compose volumes) to local folders.
    """
    http_port, https_port = free_port(), free_port()
    text = TEMPLATE.read_text().replace("${SERVER_NAME}", SERVER_NAME)
    text = text.replace("server web:8000;", f"server {upstream};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen [::]:80;", "")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = text.replace("listen [::]:443 ssl http2;", "")
    for container_path, local in sorted(mounts.items(), key=lambda item: -len(item[0])):
        text = text.replace(container_path.rstrip("/") + "/", str(local).rstrip("/") + "/")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zoomhub.conf").write_text(text)
    # The nginx image's own main file, reduced to what a test process can use. As root (CI), the
    # workers would otherwise switch to `nobody`, who cannot read pytest's private folders.
    (folder / "nginx.conf").write_text(
        f"""
{"user root root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/zoomhub.conf;
}}
"""
    )
    binary = nginx_binary()
    check = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from tests.faults.servers import wait_until

        def listening() -> bool:
            import socket

            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2),
            ):
                return True
            return process.poll() is not None

        wait_until(listening, what="nginx listening")
        assert process.poll() is None, (folder / "error.log").read_text()
        yield http_port, https_port
    finally:
        process.terminate()
        process.wait(timeout=10)
