"""Celery task names: one pattern, one table in docs/tasks.md, and stored schedules that follow a rename."""

import importlib
import re

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from zoomhub.celery_app import app
from zoomhub.schedules import declared_schedules

APPS = ("accounts", "meetings", "webhooks", "recordings", "attendance", "notifications", "zoomhub")
NAME = re.compile(rf"^({'|'.join(APPS)})\.[a-z]+_[a-z_]+$")
RENAME_MIGRATION = ("zoomhub", "0001_celery_task_names")


def our_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def documented_tasks() -> set[str]:
    table = (settings.BASE_DIR / "docs" / "tasks.md").read_text()
    return set(re.findall(r"^\| `([a-z_.]+)` \|", table, flags=re.MULTILINE))


def test_every_task_is_named_app_dot_verb_object():
    tasks = our_tasks()
    assert len(tasks) >= 16
    assert [name for name in sorted(tasks) if not NAME.match(name)] == []


def test_docs_tasks_md_has_one_row_per_task():
    assert documented_tasks() == our_tasks()


def test_every_default_schedule_runs_a_registered_task():
    tasks = our_tasks()
    assert {schedule.task for schedule in declared_schedules()} <= tasks


@pytest.mark.django_db(transaction=True)
def test_stored_periodic_tasks_follow_the_rename_and_keep_what_admins_changed():
    renamed = importlib.import_module("zoomhub.migrations.0001_celery_task_names").RENAMED
    assert set(renamed.values()) <= our_tasks()
    executor = MigrationExecutor(connection)
    executor.migrate([("zoomhub", None)])  # a database from before the rename
    every_two_hours = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    default = PeriodicTask.objects.create(
        name="Recording retention",
        task="recordings.tasks.retention",
        interval=every_two_hours,
        enabled=False,  # an admin switched it off and made it two-hourly
        kwargs='{"dry_run": true}',
    )
    own = PeriodicTask.objects.create(
        name="Extra webhook sweep",
        task="meetings.webhooks.tasks.webhook_events_sweep_task",
        interval=every_two_hours,
    )
    foreign = PeriodicTask.objects.create(
        name="Someone else's", task="other.tasks.job", interval=every_two_hours
    )

    executor = MigrationExecutor(connection)
    executor.migrate([RENAME_MIGRATION])

    default.refresh_from_db()
    assert default.task == "recordings.expire_local_copies"
    assert (default.enabled, default.interval_id, default.kwargs) == (
        False,
        every_two_hours.pk,
        '{"dry_run": true}',
    )
    own.refresh_from_db()
    assert own.task == "webhooks.sweep_events"
    foreign.refresh_from_db()
    assert foreign.task == "other.tasks.job"
