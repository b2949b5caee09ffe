"""Sending Celery tasks from web requests and services.

Work is saved first and sent once the transaction commits. If the broker (Redis) cannot take
the task, the request must not fail: the failure is logged and each job's beat sweep sends it
later (lesson pushes, sync runs, downloads, attendance fetches and webhook events all have one).
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *, countdown: float | None = None, **kwargs) -> None:
    """Send `task(**kwargs)` after the current transaction commits (at once outside one)."""

    def send() -> None:
        try:
            if countdown is None:
                task.delay(**kwargs)
            else:
                task.apply_async(kwargs=kwargs, countdown=countdown)
        except Exception:
            logger.exception("Could not queue %s(%s); its sweep will send it later.", task.name, kwargs)

    transaction.on_commit(send)
