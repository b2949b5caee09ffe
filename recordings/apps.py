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

    # The Zoom events this app handles (checked at start-up by webhooks/checks.py).
    zoom_webhook_events = ("recording.completed", "recording.trashed", "recording.deleted")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from recordings.models import Recording
        from zoomhub.counts import forget_table_count

        # The recordings list's cached count (zoomhub/counts.py): rows added or removed one at a
        # time through the ORM (the admin, a test); the sync's and webhooks' bulk upserts call it
        # themselves (recordings/services/upsert.py).
        def recording_added(sender, created, raw=False, using=None, **kwargs):
            if created:
                forget_table_count(Recording, using)

        def recording_removed(sender, using=None, **kwargs):
            forget_table_count(Recording, using)

        post_save.connect(recording_added, sender=Recording, weak=False, dispatch_uid="recording-count-added")
        post_delete.connect(
            recording_removed, sender=Recording, weak=False, dispatch_uid="recording-count-removed"
        )
        from accounts.capabilities import capability_uses
        from meetings.panels import LessonPanel, lesson_panels
        from recordings import dashboard, event_handlers, panels
        from recordings.usage import credential_frees_zoom_cloud, credential_has_sources
        from webhooks.registry import handlers
        from zoomhub.cards import DashboardSection, dashboard_cards, dashboard_sections

        handlers.register("recording.completed", event_handlers.recording_completed, app_label=self.label)
        capability_uses.register(("recordings",), credential_has_sources, app_label=self.label)
        capability_uses.register(("deleting_recordings",), credential_frees_zoom_cloud, app_label=self.label)
        handlers.register("recording.trashed", event_handlers.recording_trashed, app_label=self.label)
        handlers.register("recording.deleted", event_handlers.recording_deleted, app_label=self.label)
        lesson_panels.register(
            LessonPanel(
                key="recordings",
                title=_("Recordings"),
                template="recordings/_lesson_recordings.html",
                load=panels.lesson_recordings,
                app_label=self.label,
                order=20,
            )
        )
        dashboard_cards.register(dashboard.cards, app_label=self.label)
        from recordings import metrics
        from zoomhub.metrics import metric_sources

        metric_sources.register(metrics.collect, app_label=self.label)
        dashboard_sections.register(
            DashboardSection(
                key="recordings-weeks",
                title=_("Recordings, last 8 weeks"),
                template="recordings/_dashboard_stored.html",
                load=dashboard.weeks_stored,
                app_label=self.label,
                order=60,
            )
        )
