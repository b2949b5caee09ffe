from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zoomhub import workers
from zoomhub.cards import Card


def cards() -> list[Card]:
    """A card only when no worker has taken a task for WORKER_STALL_MINUTES.

    No record at all (a new install, or a cache that was emptied) shows nothing: the first task
    a worker takes writes one, and beat sends a sweep every 30 seconds.
    """
    age = workers.seconds_since_last_task()
    if age is None or age < workers.stall_seconds():
        return []
    minutes = int(age // 60)
    label = ngettext(
        "No worker has taken a task for %(minutes)d minute",
        "No worker has taken a task for %(minutes)d minutes",
        minutes,
    ) % {"minutes": minutes}
    return [
        Card(
            label,
            minutes,
            reverse("admin:django_celery_beat_periodictask_changelist"),
            attention=True,
            detail=_(
                "Lessons are not sent to Zoom and recordings are not synced until a Celery worker and "
                "Celery beat run: start them (make run starts both)."
            ),
        )
    ]
