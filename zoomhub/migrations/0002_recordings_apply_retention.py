"""The retention job now deletes expired copies in every destination (not only local ones) and
respects legal holds: `recordings.expire_local_copies` became `recordings.apply_retention`.
Stored beat entries follow; their timing and on/off state stay as the admins left them.
"""

from django.db import migrations
from django.utils import timezone

RENAMED = {"recordings.expire_local_copies": "recordings.apply_retention"}


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
    dependencies = [("zoomhub", "0001_celery_task_names")]

    operations = [migrations.RunPython(forwards, backwards)]
