"""Celery tasks took names of one pattern, <app>.<verb>_<object> (docs/tasks.md).

Beat's periodic tasks stored in the database (the default schedules and any an admin made) follow
the rename; their timing, arguments and on/off state stay as the admins left them.
"""

from django.db import migrations
from django.utils import timezone

RENAMED = {
    "accounts.tasks.credential_check_task": "accounts.check_credential",
    "accounts.tasks.zoom_users_refresh_task": "accounts.refresh_zoom_users",
    "accounts.tasks.zoom_users_refresh_all": "accounts.refresh_all_zoom_users",
    "meetings.tasks.meeting_push_task": "meetings.push_meeting",
    "meetings.tasks.meetings_push_sweep": "meetings.sweep_pushes",
    "meetings.webhooks.tasks.webhook_event_process_task": "webhooks.process_event",
    "meetings.webhooks.tasks.webhook_events_sweep_task": "webhooks.sweep_events",
    "recordings.tasks.sync_run_task": "recordings.sync_source",
    "recordings.tasks.sync_active_sources": "recordings.sync_active_sources",
    "recordings.tasks.recording_file_download_task": "recordings.download_file",
    "recordings.tasks.download_queue": "recordings.queue_downloads",
    "recordings.tasks.retention": "recordings.expire_local_copies",
    "attendance.tasks.session_fetch_task": "attendance.fetch_session",
    "attendance.tasks.attendance_sweep_task": "attendance.sweep_fetches",
    "zoomhub.tasks.ping": "zoomhub.ping_worker",
    "zoomhub.tasks.clear_expired_sessions": "zoomhub.clear_expired_sessions",
}


def _rename(apps, renames: dict[str, str]) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    changed = 0
    for old, new in renames.items():
        changed += PeriodicTask.objects.filter(task=old).update(task=new)
    if changed:
        # A running beat reloads its schedule when this timestamp moves (update() sends no signal).
        PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(forwards, backwards)]
