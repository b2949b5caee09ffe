"""Celery tasks for webhook events: thin wrappers over webhooks.services.

Named `<app>.<verb>_<object>` so a task keeps its name when its module moves.
"""

from celery import shared_task


# Hard limit below services.STALE_CLAIM_AFTER: a claim older than that is surely abandoned.
@shared_task(name="webhooks.process_event", ignore_result=True, soft_time_limit=4 * 60, time_limit=5 * 60)
def webhook_event_process_task(*, event_id: int) -> str:
    from webhooks.services import webhook_event_process

    return webhook_event_process(event_id=event_id)


@shared_task(name="webhooks.sweep_events", ignore_result=True)
def webhook_events_sweep_task() -> dict:
    from webhooks.services import webhook_events_sweep

    result = webhook_events_sweep()
    return {"sent": result.sent, "reclaimed": result.reclaimed, "handlers_arrived": result.handlers_arrived}
