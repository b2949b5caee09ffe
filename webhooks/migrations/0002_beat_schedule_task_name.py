"""Beat schedules saved before the move name the sweep task by its old module path: use its name.

Schedules live in the database (django-celery-beat) and `install_schedules` only creates missing
ones, so without this an existing deployment's beat would keep sending a task no worker knows.
"""

from django.db import migrations

OLD = "meetings.webhooks.tasks.webhook_events_sweep_task"
NEW = "webhooks.sweep_events"


def rename(apps, schema_editor, old=OLD, new=NEW):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
