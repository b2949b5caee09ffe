"""The Celery application: `celery -A zoomhub worker` / `celery -A zoomhub beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoomhub.settings")

app = Celery("zoomhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
