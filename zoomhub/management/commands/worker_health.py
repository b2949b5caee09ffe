"""Compose's worker health check: has this host's worker taken a task within WORKER_STALL_MINUTES?"""

import socket

from django.core.management.base import BaseCommand, CommandError

from zoomhub import workers


class Command(BaseCommand):
    help = "Exit 0 when this host's Celery worker took a task recently, 1 otherwise."

    def add_arguments(self, parser):
        parser.add_argument("--node", default=f"celery@{socket.gethostname()}")

    def handle(self, *args, node, **options):
        age = workers.seconds_since_last_task(node)
        if age is None:
            raise CommandError(f"{node} has not reported taking any task.")
        if age > workers.stall_seconds():
            raise CommandError(f"{node} has taken no task for {int(age)} seconds.")
        self.stdout.write(f"{node} took a task {int(age)} seconds ago.")
