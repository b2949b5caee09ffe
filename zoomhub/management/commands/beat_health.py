"""Compose's beat health check: has beat sent a scheduled task recently?"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

# django-celery-beat writes last_run_at back every 3 minutes (its sync interval).
MINIMUM_WINDOW = timedelta(minutes=5)


class Command(BaseCommand):
    help = "Exit 0 when Celery beat sent a scheduled task within WORKER_STALL_MINUTES, 1 otherwise."

    def handle(self, *args, **options):
        window = max(timedelta(minutes=settings.WORKER_STALL_MINUTES), MINIMUM_WINDOW)
        last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
        if last is None:
            raise CommandError("Beat has not sent any scheduled task yet.")
        age = timezone.now() - last
        if age > window:
            raise CommandError(f"Beat has sent no scheduled task for {int(age.total_seconds())} seconds.")
        self.stdout.write(f"Beat sent a scheduled task {int(age.total_seconds())} seconds ago.")
