"""Start web, worker and beat together for `make run`; one Ctrl-C stops them all."""

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

COLOURS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


def process_table(*, host: str, port: int) -> dict[str, list[str]]:
    python = sys.executable
    manage = str(settings.BASE_DIR / "manage.py")
    celery = [python, "-m", "celery", "-A", "zoomhub"]
    return {
        "web": [python, manage, "runserver", f"{host}:{port}"],
        # Threads keep the embedded (SQLite + filesystem broker) setup to one process.
        "worker": [*celery, "worker", "--loglevel=INFO", "--pool=threads", "--concurrency=4"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat in one terminal."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        (settings.BASE_DIR / "var").mkdir(exist_ok=True)
        table = process_table(host=host, port=port)
        width = max(len(name) for name in table)
        children: dict[str, subprocess.Popen] = {}
        lock = threading.Lock()

        def pump(name, colour, stream):
            for line in iter(stream.readline, ""):
                with lock:
                    sys.stdout.write(f"{colour}{name:<{width}} |{RESET} {line}")
                    sys.stdout.flush()

        for index, (name, command) in enumerate(table.items()):
            child = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,  # Ctrl-C reaches us once; we stop each child ourselves.
            )
            children[name] = child
            threading.Thread(
                target=pump, args=(name, COLOURS[index % len(COLOURS)], child.stdout), daemon=True
            ).start()

        self.stdout.write(
            self.style.SUCCESS(f"ZoomHub is starting: open http://{host}:{port}/ (Ctrl-C stops all)")
        )
        stopping = threading.Event()

        def stop(*_):
            stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping.is_set():
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with {child.returncode}; stopping the others")
                    exit_code = child.returncode or 1
                    stopping.set()
                    break
            stopping.wait(0.5)

        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        sys.exit(exit_code)
