"""Gunicorn hooks for bench_webhooks: the intake sends its tasks to the bench's own queue."""

import os


def post_worker_init(worker):
    from zoomhub.celery_app import app

    app.conf.task_default_queue = os.environ["BENCH_CELERY_QUEUE"]
