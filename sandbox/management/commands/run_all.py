"""Start web, worker and beat together for `make run`; one Ctrl-C stops them all.

Unless ZOOM_SANDBOX is off or a real Zoom is configured, the Zoom sandbox starts first (with its
demo world), the demo school's credential is created, and the others run against the sandbox.

A child that dies is started again after a back-off (1 s, doubling up to 30 s; back to 1 s once
it has run for a minute), and the output says so: a worker that lost Redis comes back by itself.
"""

import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.tasks import zoom_users_refresh_task
from sandbox.control_client import SandboxControl
from sandbox.wiring import sandbox_demo_connect, sandbox_environment, sandbox_wanted

COLOURS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


# Web, worker and beat run with the product's own settings, without the sandbox app.
PRODUCT_SETTINGS = "zoomhub.settings"


def process_table(*, host: str, port: int, sandbox_port: int | None = None) -> dict[str, list[str]]:
    python = sys.executable
    manage = str(settings.BASE_DIR / "manage.py")
    celery = [python, "-m", "celery", "-A", "zoomhub"]
    sandbox = {}
    if sandbox_port is not None:
        # The emulator needs no Django: it runs as its own plain Python process.
        sandbox["zoom"] = [python, "-m", "sandbox", "--port", str(sandbox_port), "--seed", "demo"]
    return {
        **sandbox,
        "web": [python, manage, "runserver", f"{host}:{port}"],
        # Threads keep the embedded (SQLite + filesystem broker) setup to one process.
        "worker": [
            *celery,
            "worker",
            "--loglevel=INFO",
            "--pool=threads",
            "--concurrency=4",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }


def child_environment(environ: dict[str, str], *, sandbox_url: str | None, web_url: str) -> dict[str, str]:
    """The children's environment: the product's settings, and the sandbox as Zoom when it runs."""
    child_env = {**environ, "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": PRODUCT_SETTINGS}
    if sandbox_url is not None:
        child_env.update(sandbox_environment(sandbox_url=sandbox_url, web_url=web_url))
    return child_env


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat in one terminal."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=settings.ZOOM_SANDBOX_PORT)

    def handle(self, *args, host, port, sandbox_port, **options):
        (settings.BASE_DIR / "var").mkdir(exist_ok=True)
        use_sandbox = sandbox_wanted(dict(os.environ))
        table = process_table(host=host, port=port, sandbox_port=sandbox_port if use_sandbox else None)
        web_url = f"http://{host}:{port}"
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        child_env = child_environment(
            dict(os.environ), sandbox_url=sandbox_url if use_sandbox else None, web_url=web_url
        )
        width = max(len(name) for name in table)
        children: dict[str, subprocess.Popen] = {}
        lock = threading.Lock()

        def pump(name, colour, stream):
            for line in iter(stream.readline, ""):
                with lock:
                    sys.stdout.write(f"{colour}{name:<{width}} |{RESET} {line}")
                    sys.stdout.flush()

        colours = {name: COLOURS[index % len(COLOURS)] for index, name in enumerate(table)}

        def spawn(name: str) -> subprocess.Popen:
            child = subprocess.Popen(
                table[name],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=child_env,
                start_new_session=True,  # Ctrl-C reaches us once; we stop each child ourselves.
            )
            threading.Thread(target=pump, args=(name, colours[name], child.stdout), daemon=True).start()
            return child

        for name in table:
            child = spawn(name)
            children[name] = child
            if name == "zoom":
                try:
                    self._connect_sandbox(sandbox_url, web_url, child)
                except CommandError:
                    for started in children.values():
                        os.killpg(started.pid, signal.SIGTERM)
                    raise

        self.stdout.write(
            self.style.SUCCESS(f"ZoomHub is starting: open http://{host}:{port}/ (Ctrl-C stops all)")
        )
        if use_sandbox:
            self.stdout.write(
                f"Zoom is the sandbox at {sandbox_url} (control API {sandbox_url}/_sandbox/); "
                "set ZOOM_SANDBOX=off or real Zoom settings to use Zoom."
            )
        stopping = threading.Event()

        def stop(*_):
            stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        supervisor = Supervisor(spawn, children, say=self.stderr.write)
        while not stopping.is_set():
            supervisor.check()
            stopping.wait(0.5)

        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        sys.exit(0)

    def _connect_sandbox(self, sandbox_url: str, web_url: str, child: subprocess.Popen) -> None:
        """Wait until the sandbox answers, then create the demo credential and point its webhooks here."""
        control = SandboxControl(sandbox_url, timeout=2)
        deadline = time.monotonic() + 30
        while True:
            try:
                control.state()
                break
            except OSError as error:
                if child.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"The Zoom sandbox did not start on {sandbox_url}: {error}") from None
                time.sleep(0.2)  # polling a child process that is starting up
        credential = sandbox_demo_connect(control=control, web_url=web_url)
        # The worker (which has the sandbox in its environment) reads the demo school's hosts, so
        # the lesson form offers them at once.
        zoom_users_refresh_task.delay(credential_id=credential.pk)
        self.stdout.write(f"Sandbox demo account ready: credential {credential.name!r}")


class Supervisor:
    """Restarts children that exit, each after its own back-off, and says so."""

    FIRST_DELAY = 1.0
    MAX_DELAY = 30.0
    # A child that ran this long before dying starts again after FIRST_DELAY, not a longer wait.
    HEALTHY_AFTER = 60.0

    def __init__(self, spawn, children: dict[str, subprocess.Popen], *, say, clock=time.monotonic):
        self.spawn = spawn
        self.children = children
        self.say = say
        self.clock = clock
        self.delays = dict.fromkeys(children, self.FIRST_DELAY)
        self.started = dict.fromkeys(children, clock())
        self.restart_at: dict[str, float] = {}
        self.restarts = dict.fromkeys(children, 0)

    def check(self) -> None:
        now = self.clock()
        for name, child in list(self.children.items()):
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self.restarts[name] += 1
                    self.children[name] = self.spawn(name)
                    self.started[name] = now
                    self.say(f"{name} restarted (restart {self.restarts[name]})")
                continue
            if child.poll() is None:
                continue
            if now - self.started[name] >= self.HEALTHY_AFTER:
                self.delays[name] = self.FIRST_DELAY
            delay = self.delays[name]
            self.delays[name] = min(delay * 2, self.MAX_DELAY)
            self.restart_at[name] = now + delay
            self.say(f"{name} exited with {child.returncode}; restarting it in {delay:g} s")
