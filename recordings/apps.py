from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class RecordingsConfig(AppConfig):
    name = "recordings"
    verbose_name = _("Recordings")
    default_schedules = [
        DefaultSchedule(
            name="Sync recordings of active sources",
            task="recordings.tasks.sync_active_sources",
            crontab="7 * * * *",
            description="Hourly incremental sync of every active source (from the last success minus an overlap).",
        ),
        DefaultSchedule(
            name="Recording download queue",
            task="recordings.tasks.download_queue",
            every_seconds=300,
            description="Queues due downloads of recording files, retries with back-off, resumes lost ones.",
        ),
        DefaultSchedule(
            name="Recording retention",
            task="recordings.apply_retention",
            crontab="41 2 * * *",
            description="Deletes stored copies past their source's or destination's retention, except held ones.",
        ),
        DefaultSchedule(
            name="Sweep unfinished multipart uploads",
            task="recordings.sweep_multipart_uploads",
            crontab="53 3 * * *",
            description="Aborts multipart uploads in S3 destinations that no running transfer owns.",
        ),
        DefaultSchedule(
            name="Free Zoom's cloud",
            task="recordings.free_zoom_cloud",
            crontab="17 4 * * *",
            description="Moves recordings whose files are all verified to Zoom's trash, for sources that ask.",
        ),
    ]
