"""`manage.py zoom_sandbox [--port 8010] [--seed demo]`: run the Zoom sandbox in the foreground."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox.__main__ import main


class Command(BaseCommand):
    help = "Run the Zoom sandbox (an emulator of Zoom's OAuth, REST API and webhooks) for local use."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.ZOOM_SANDBOX_PORT)
        parser.add_argument("--public-url", default=None)
        parser.add_argument("--seed", choices=["demo", "none"], default="none")

    def handle(self, *args, host, port, public_url, seed, **options):
        argv = ["--host", host, "--port", str(port), "--seed", seed]
        if public_url:
            argv += ["--public-url", public_url]
        main(argv)
