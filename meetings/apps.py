from django.apps import AppConfig

from zoomhub.schedules import DefaultSchedule


class MeetingsConfig(AppConfig):
    name = "meetings"
    default_schedules = [
        DefaultSchedule(
            name="Sweep Zoom webhook events",
            task="meetings.webhooks.tasks.webhook_events_sweep_task",
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
