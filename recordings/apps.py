from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class RecordingsConfig(AppConfig):
    name = "recordings"
    verbose_name = _("Recordings")
    default_schedules = [
        DefaultSchedule(
            name="Sync recordings of active sources",
            task="recordings.sync_active_sources",
            crontab="7 * * * *",
            description="Hourly incremental sync of every active source (from the last success minus an overlap).",
        ),
        DefaultSchedule(
            name="Recording download queue",
            task="recordings.queue_downloads",
            every_seconds=300,
            description="Queues due downloads of recording files, retries with back-off, resumes lost ones.",
        ),
        DefaultSchedule(
            name="Recording retention",
            task="recordings.expire_local_copies",
            crontab="41 2 * * *",
            description="Deletes local copies older than each source's retention days.",
        ),
    ]
