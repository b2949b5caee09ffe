import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from zoomhub.schedules import declared_schedules

pytestmark = pytest.mark.django_db


def test_default_schedules_install_once_and_keep_admin_edits():
    call_command("install_schedules")
    names = {s.name for s in declared_schedules()}
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= names

    task = PeriodicTask.objects.get(name="Clear expired sign-in sessions")
    task.enabled = False
    task.save()
    call_command("install_schedules")
    assert PeriodicTask.objects.filter(name__in=names).count() == len(names)
    assert PeriodicTask.objects.get(pk=task.pk).enabled is False


def test_every_scheduled_task_is_registered():
    from zoomhub.celery_app import app

    app.loader.import_default_modules()
    for schedule in declared_schedules():
        assert schedule.task in app.tasks, schedule.task
