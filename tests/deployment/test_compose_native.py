"""Every service of docker-compose.yml run natively, in the order the file declares.

No container engine runs on the test machine: tests/deployment/stack.py explains how each
service's command becomes a local process. What this proves: the one-shot jobs succeed on an
empty database in their declared order (and the order matters), gunicorn serves with the gthread
config behind nginx rendered from the compose template (TLS, redirects, static files, webhook
body limit, /metrics kept inside), the worker takes a task and passes its health check, and
beat starts sending the installed schedules.
"""

import contextlib
import subprocess
from pathlib import Path

import pytest
import requests
from kombu import Connection

from tests.deployment.compose import dependencies, is_one_shot, services, start_order
from tests.deployment.stack import (
    SERVER_NAME,
    native_command,
    nginx_binary,
    running_proxy,
    scratch_database,
    self_signed_certificate,
    service_environment,
)
from tests.faults.servers import free_port, private_redis, wait_until

# The proxy's certificate is self-signed for the test: TLS is checked for working, not for trust.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
]


def _volume_folders(tmp_path: Path) -> dict[str, Path]:
    """Each named volume → a local folder; then every container path it is mounted at → that folder."""
    by_volume = {}
    by_path = {}
    for spec in services().values():
        for volume in spec.get("volumes", []):
            source, target, *_ = volume.split(":")
            if source.startswith(("./", "${")):
                continue
            folder = by_volume.setdefault(source, tmp_path / "volumes" / source)
            folder.mkdir(parents=True, exist_ok=True)
            by_path[target] = folder
    return by_path


class Stack:
    def __init__(self, tmp_path, database_url, redis_url):
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.redis_url = redis_url
        self.folders = _volume_folders(tmp_path)
        self.web_port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.completed: dict[str, int] = {}

    def env(self, name):
        env = service_environment(
            name, database_url=self.database_url, redis_url=self.redis_url, folders=self.folders
        )
        env["GUNICORN_BIND"] = f"127.0.0.1:{self.web_port}"
        env["GUNICORN_WORKERS"] = "2"
        return env

    def run_once(self, name) -> subprocess.CompletedProcess:
        from django.conf import settings

        return subprocess.run(
            native_command(services()[name]["command"]),
            cwd=settings.BASE_DIR,
            env=self.env(name),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def start(self, name):
        from django.conf import settings

        for other, condition in dependencies(name).items():
            if condition == "service_completed_successfully":
                assert self.completed.get(other) == 0, f"{name} would start before {other} completed"
            elif condition == "service_healthy" and other in self.processes:
                assert self.healthy(other), f"{name} would start before {other} is healthy"
        log = self.tmp_path / f"{name}.log"
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            native_command(services()[name]["command"]),
            cwd=settings.BASE_DIR,
            env=self.env(name),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self, name) -> str:
        return self.logs[name].read_text(errors="replace")

    def healthy(self, name) -> bool:
        if name == "web":
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"http://127.0.0.1:{self.web_port}/healthz", timeout=3).status_code == 200
            return False
        return self.health_command(name).returncode == 0

    def health_command(self, name) -> subprocess.CompletedProcess:
        """The service's compose health check, run natively."""
        from django.conf import settings

        test = services()[name]["healthcheck"]["test"]
        assert test[0] == "CMD"
        return subprocess.run(
            native_command(test[1:]),
            cwd=settings.BASE_DIR,
            env=self.env(name),
            capture_output=True,
            text=True,
        )

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def stack(tmp_path):
    with scratch_database() as database_url, private_redis() as redis:
        stack = Stack(tmp_path, database_url, redis.url)
        try:
            yield stack
        finally:
            stack.stop()


def test_the_compose_services_run_natively_in_their_declared_order(stack, tmp_path):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed on this machine (apt-get install nginx)")

    # The order matters: the schedules cannot be installed into a database not yet migrated.
    early = stack.run_once("install_schedules")
    assert early.returncode != 0
    assert "does not exist" in early.stderr

    order = [
        name for name in start_order() if name not in ("db", "redis") and not services()[name].get("profiles")
    ]
    assert order.index("migrate") < order.index("install_schedules") < order.index("beat")
    for name in order:
        if is_one_shot(name):
            done = stack.run_once(name)
            assert done.returncode == 0, (name, done.stderr[-2000:])
            stack.completed[name] = done.returncode
        elif name == "proxy":
            continue  # started below, around the checks that use it
        else:
            stack.start(name)
            if name == "web":
                wait_until(lambda: stack.healthy("web"), timeout=60, what="gunicorn /healthz")
    assert "Using worker: gthread" in stack.log("web")

    # The worker takes a task and then passes compose's health check for it.
    with Connection(stack.redis_url) as connection:
        from zoomhub.celery_app import app

        app.send_task("zoomhub.clear_expired_sessions", connection=connection)
    wait_until(lambda: stack.health_command("worker").returncode == 0, timeout=90, what="worker health")
    # Beat runs the schedules install_schedules wrote (the webhook sweep is due every 30 s).
    wait_until(lambda: "Sending due task" in stack.log("beat"), timeout=90, what="beat sending a task")
    for name, process in stack.processes.items():
        assert process.poll() is None, (name, stack.log(name)[-2000:])

    certificates = self_signed_certificate(tmp_path / "certs")
    mounts = {target: stack.folders[target] for target in ("/srv/static", "/srv/media")}
    mounts["/etc/nginx/certs"] = certificates
    with running_proxy(upstream=f"127.0.0.1:{stack.web_port}", mounts=mounts, folder=tmp_path / "nginx") as (
        http_port,
        https_port,
    ):
        https = f"https://127.0.0.1:{https_port}"
        host = {"Host": SERVER_NAME}

        plain = requests.get(f"http://127.0.0.1:{http_port}/lessons/", allow_redirects=False, timeout=5)
        assert plain.status_code == 301
        assert plain.headers["Location"] == f"https://{SERVER_NAME}/lessons/"
        assert requests.get(f"http://127.0.0.1:{http_port}/proxy-health", timeout=5).status_code == 200

        home = requests.get(f"{https}/", headers=host, verify=False, allow_redirects=False, timeout=10)
        assert home.status_code == 302  # to sign in: X-Forwarded-Proto reached Django, no redirect loop
        assert home.headers["Location"].startswith("/accounts/login/")
        assert "max-age=31536000" in home.headers["Strict-Transport-Security"]
        assert "default-src 'self'" in home.headers["Content-Security-Policy"]
        assert "camera=()" in home.headers["Permissions-Policy"]
        assert home.headers["Referrer-Policy"] == "same-origin"

        # Static files come from the shared volume through nginx: a file added after gunicorn
        # started is unknown to whitenoise, so only nginx can serve it.
        (stack.folders["/srv/static"] / "late.txt").write_text("served by nginx")
        late = requests.get(f"{https}/static/late.txt", headers=host, verify=False, timeout=10)
        assert late.status_code == 200 and late.text == "served by nginx"
        hashed = next((stack.folders["/srv/static"] / "css").glob("zoomhub.*.css"))
        css = requests.get(f"{https}/static/css/{hashed.name}", headers=host, verify=False, timeout=10)
        assert css.status_code == 200
        assert "immutable" in css.headers["Cache-Control"]

        # Zoom's webhooks: more than 1 MiB is refused by nginx before gunicorn sees it.
        huge = requests.post(
            f"{https}/webhooks/zoom/unknown/",
            data=b"x" * (2 * 1024 * 1024),
            headers=host,
            verify=False,
            timeout=10,
        )
        assert huge.status_code == 413
        small = requests.post(
            f"{https}/webhooks/zoom/unknown/", data=b"{}", headers=host, verify=False, timeout=10
        )
        assert small.status_code == 404  # reached ZoomHub, which knows no such webhook URL

        # /metrics is for Prometheus inside the network, not through the public proxy.
        assert requests.get(f"{https}/metrics", headers=host, verify=False, timeout=10).status_code == 404
        inside = requests.get(f"http://127.0.0.1:{stack.web_port}/metrics", timeout=10)
        assert inside.status_code == 200 and "zoomhub_webhook_deliveries_total" in inside.text
        # The recording files' location is internal: no direct access.
        (stack.folders["/srv/media"] / "secret.mp4").write_bytes(b"\x00" * 10)
        direct = requests.get(f"{https}/protected-media/secret.mp4", headers=host, verify=False, timeout=10)
        assert direct.status_code == 404


def test_the_proxy_serves_recording_files_the_app_hands_over_with_x_accel_redirect(tmp_path):
    """nginx's /protected-media/ location: whole files and byte ranges, after the app said so."""
    if nginx_binary() is None:
        pytest.skip("nginx is not installed on this machine (apt-get install nginx)")
    import http.server
    import threading

    media = tmp_path / "media"
    (media / "recordings" / "2026").mkdir(parents=True)
    content = bytes(range(256)) * 4096  # 1 MiB
    (media / "recordings" / "2026" / "lesson 1.mp4").write_bytes(content)

    class App(http.server.BaseHTTPRequestHandler):
        """Stands in for the recordings download view: permission checked, file handed to nginx."""

        def do_GET(self):
            self.send_response(200)
            self.send_header("X-Accel-Redirect", "/protected-media/recordings/2026/lesson%201.mp4")
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Disposition", 'attachment; filename="lesson 1.mp4"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    mounts = {
        "/srv/media": media,
        "/srv/static": tmp_path / "static",
        "/etc/nginx/certs": self_signed_certificate(tmp_path / "certs"),
    }
    try:
        with running_proxy(
            upstream=f"127.0.0.1:{app.server_address[1]}", mounts=mounts, folder=tmp_path / "nginx"
        ) as (_, https_port):
            url = f"https://127.0.0.1:{https_port}/recordings/files/1/download/"
            whole = requests.get(url, headers={"Host": SERVER_NAME}, verify=False, timeout=10)
            assert whole.status_code == 200
            assert whole.content == content
            assert whole.headers["Content-Type"] == "video/mp4"
            assert whole.headers["Content-Disposition"] == 'attachment; filename="lesson 1.mp4"'
            assert "X-Accel-Redirect" not in whole.headers
            assert whole.headers["Cache-Control"] == "private, no-store"

            part = requests.get(
                url, headers={"Host": SERVER_NAME, "Range": "bytes=1000-1999"}, verify=False, timeout=10
            )
            assert part.status_code == 206
            assert part.content == content[1000:2000]
            assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(content)}"
    finally:
        app.shutdown()
        app.server_close()


def test_backup_script_and_restore_into_a_scratch_database(tmp_path):
    """deploy/backup.sh (the compose `backup` service) and the restore docs/operations.md gives."""
    from django.conf import settings

    if not Path("/usr/bin/pg_dump").exists() and subprocess.run(["which", "pg_dump"]).returncode != 0:
        pytest.skip("pg_dump is not installed")
    media = tmp_path / "media"
    (media / "recordings").mkdir(parents=True)
    (media / "recordings" / "a.m4a").write_bytes(b"audio")
    with scratch_database("backup_src") as source_url, scratch_database("backup_dst") as target_url:
        folders = {**_volume_folders(tmp_path), "/app/media": media}
        env = service_environment("migrate", database_url=source_url, redis_url="", folders=folders)
        migrate = subprocess.run(
            native_command(["python", "manage.py", "migrate", "--noinput"]),
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        assert migrate.returncode == 0, migrate.stderr
        import psycopg

        with psycopg.connect(source_url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
            db.execute(
                "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,"
                " is_staff, is_active, date_joined) VALUES ('x', false, 'kept', '', '', 'kept@school.example',"
                " true, true, now())"
            )
            tables = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]

        parts = requests.utils.urlparse(source_url)
        backup_env = {
            "PATH": "/usr/bin:/bin",
            "PGHOST": parts.hostname,
            "PGPORT": str(parts.port or 5432),
            "PGUSER": parts.username or "postgres",
            "PGDATABASE": parts.path.lstrip("/"),
            "BACKUP_DIR": str(tmp_path / "backups"),
            "MEDIA_DIR": str(media),
            "BACKUP_KEEP_DAYS": "14",
        }
        if parts.password:
            backup_env["PGPASSWORD"] = parts.password
        done = subprocess.run(
            ["sh", str(settings.BASE_DIR / "deploy" / "backup.sh")],
            env=backup_env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        (folder,) = (tmp_path / "backups").iterdir()
        assert (folder / "database.dump").stat().st_size > 0

        # Restore as docs/operations.md says, into the second scratch database.
        target = requests.utils.urlparse(target_url).path.lstrip("/")
        restore = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                target,
                str(folder / "database.dump"),
            ],
            env={**backup_env, "PGDATABASE": target},
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stderr
        with psycopg.connect(target_url.replace("postgres://", "postgresql://", 1)) as db:
            assert db.execute("SELECT email FROM accounts_user").fetchall() == [("kept@school.example",)]
            restored_tables = db.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
            assert restored_tables == tables
        restored_media = tmp_path / "restored-media"
        restored_media.mkdir()
        subprocess.run(["tar", "-C", str(restored_media), "-xzf", str(folder / "media.tar.gz")], check=True)
        assert (restored_media / "recordings" / "a.m4a").read_bytes() == b"audio"
        # The restored copy has every migration applied: `migrate --check` finds nothing to do.
        check = subprocess.run(
            native_command(["python", "manage.py", "migrate", "--check"]),
            cwd=settings.BASE_DIR,
            env={**env, "DATABASE_URL": target_url},
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
