"""Thin Celery tasks: send one mail, deliver one event, and the beat jobs that find due work."""

from celery import shared_task

from notifications import events, reminders, services


@shared_task(name="notifications.send_message")
def send_message_task(*, message_id: int) -> str:
    """Send one outbox mail if it is due; a failure is kept on the row and retried by the sweep."""
    return services.message_send(message_id=message_id)


@shared_task(name="notifications.send_due_messages")
def send_due_messages_task() -> int:
    """Beat: send every mail that is due (new, waiting for a join link, failed and past its back-off)."""
    due = services.messages_due()
    for message_id in due:
        send_message_task.delay(message_id=message_id)
    return len(due)


@shared_task(name="notifications.queue_reminders")
def queue_reminders_task() -> int:
    """Beat: add the reminders whose time has come to the outbox."""
    return reminders.reminders_queue()


@shared_task(name="notifications.deliver_event")
def deliver_event_task(*, delivery_id: int) -> str:
    """POST one signed event to its endpoint; a failure is logged and retried by the sweep."""
    return events.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="notifications.sweep_events")
def sweep_events_task() -> int:
    """Beat: deliver events that are due (new, failed and past their back-off, lost by a worker)."""
    due = events.deliveries_due()
    for delivery_id in due:
        deliver_event_task.delay(delivery_id=delivery_id)
    return len(due)
