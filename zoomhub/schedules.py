"""Default Celery beat schedules, installed once and then owned by the admins.

Each app lists its schedules as `default_schedules` on its AppConfig. Installing is
idempotent and never overwrites a schedule an admin has edited or disabled.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week", UTC
    kwargs: dict = field(default_factory=dict)
    description: str = ""


def declared_schedules() -> list[DefaultSchedule]:
    schedules = []
    for config in apps.get_app_configs():
        schedules.extend(getattr(config, "default_schedules", ()))
    return schedules


@transaction.atomic
def install_default_schedules() -> list[str]:
    """Create every declared schedule that does not exist yet; return the names created."""
    import json

    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = []
    for schedule in declared_schedules():
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        if schedule.crontab:
            minute, hour, day_of_month, month_of_year, day_of_week = schedule.crontab.split()
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month_of_year,
                day_of_week=day_of_week,
                timezone="UTC",
            )
            timing = {"crontab": crontab}
        else:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_seconds, period=IntervalSchedule.SECONDS
            )
            timing = {"interval": interval}
        PeriodicTask.objects.create(
            name=schedule.name,
            task=schedule.task,
            kwargs=json.dumps(schedule.kwargs),
            description=schedule.description,
            **timing,
        )
        created.append(schedule.name)
    return created
