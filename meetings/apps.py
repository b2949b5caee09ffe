from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Lessons")
    default_schedules = [
        DefaultSchedule(
            name="Retry lesson pushes to Zoom",
            task="meetings.sweep_pushes",
            every_seconds=60,
            description=(
                "Sends lessons to Zoom again when a push failed (after its back-off, or after the daily "
                "limit resets), when its task was lost, or when its worker died."
            ),
        ),
        DefaultSchedule(
            name="Sweep Zoom webhook events",
            task="webhooks.sweep_events",
            every_seconds=30,
            description=(
                "Sends webhook events whose processing task never reached a worker (broker down), "
                "retries failed events when their back-off ends, reclaims events of workers that died."
            ),
        ),
    ]

    def ready(self):
        # Celery's autodiscovery imports <app>.tasks only; the webhook tasks live in a subpackage.
        from meetings.webhooks import tasks  # noqa: F401
