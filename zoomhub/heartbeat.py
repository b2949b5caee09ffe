"""Is a background worker alive? Every task a worker finishes stamps the cache.

Beat sends sweeps every 30 to 300 seconds, so with a worker and beat running the stamp is never
older than a few minutes; an older (or missing) stamp means no worker has run anything, and the
dashboard says so with what to do.
"""

from celery.signals import task_postrun
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zoomhub.cards import Card

CACHE_KEY = "zoomhub:worker:last_task_at"
SILENT_AFTER_SECONDS = 5 * 60


@task_postrun.connect(weak=False, dispatch_uid="zoomhub.heartbeat")
def stamp_worker_alive(**_kwargs) -> None:
    cache.set(CACHE_KEY, timezone.now().timestamp(), timeout=None)


def cards() -> list[Card]:
    last = cache.get(CACHE_KEY)
    if last is not None and timezone.now().timestamp() - last < SILENT_AFTER_SECONDS:
        return []
    return [
        Card(
            _("No background worker has run a task in the last 5 minutes"),
            "!",
            reverse("admin:django_celery_beat_periodictask_changelist"),
            attention=True,
            detail=_(
                "Lessons are not sent to Zoom and recordings are not synced until a Celery worker and "
                "Celery beat run: start them (make run starts both)."
            ),
        )
    ]
