"""Thin Celery tasks for attendance: load by id, call one service."""

from celery import shared_task

from attendance import services


@shared_task(name="attendance.fetch_session")
def session_fetch_task(*, session_id: int) -> str:
    """Fetch one session's participants if it is due; the service schedules the next try itself.

    Zoom errors do not escape: they leave the session pending with the reason and a retry time.
    """
    outcome = services.session_fetch_due(session_id=session_id)
    return outcome.state if outcome else "not due"


@shared_task(name="attendance.sweep_fetches")
def attendance_sweep_task() -> dict:
    """Beat: fetches whose task was lost, and lessons that ended without Zoom's events."""
    result = services.attendance_sweep()
    return {
        "sent": len(result.sent),
        "created": len(result.created),
        "never_held": len(result.never_held),
        "errors": len(result.errors),
    }
