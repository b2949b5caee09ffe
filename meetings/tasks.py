"""Thin Celery tasks for lessons: load by id, call one service."""

from celery import shared_task

from meetings import outbox


@shared_task(name="meetings.push_meeting")
def meeting_push_task(*, meeting_id: int) -> str:
    """Send one lesson's saved state to Zoom. Failures are kept on the lesson and retried by the sweep."""
    return outbox.meeting_push(meeting_id=meeting_id).outcome


@shared_task(name="meetings.sweep_pushes")
def meetings_push_sweep() -> int:
    """Beat: push again what failed (after its back-off), lost its task, or lost its worker."""
    meeting_ids = outbox.meetings_due_for_push()
    for meeting_id in meeting_ids:
        meeting_push_task.delay(meeting_id=meeting_id)
    return len(meeting_ids)
