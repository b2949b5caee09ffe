"""The Celery application: `celery -A zoomhub worker` / `celery -A zoomhub beat`."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoomhub.settings")

app = Celery("zoomhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_ready.connect
def _start_webhook_dispatcher(sender=None, **kwargs):
    # Every worker runs one dispatcher that hands stored webhook events over in batches.
    from webhooks.dispatcher import start_in_worker

    start_in_worker(sender=sender)


@signals.worker_shutdown.connect
def _stop_webhook_dispatcher(**kwargs):
    from webhooks.dispatcher import stop_in_worker

    stop_in_worker()
