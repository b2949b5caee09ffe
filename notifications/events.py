"""Outgoing events for the school's own programs: JSON bodies signed as Zoom signs its webhooks.

Each event is stored once per active endpoint that wants it (EventDelivery, the log) and POSTed
after the transaction commits. Headers: `x-zm-request-timestamp` (Unix seconds) and
`x-zm-signature` = "v0=" + hex HMAC-SHA256(endpoint secret, "v0:{timestamp}:{raw body}") — the
very function ZoomHub checks Zoom's webhooks with (zoomhub.zoom.webhooks.sign), so a receiver
written for Zoom verifies these with its own code. A non-2xx answer or a network error is retried
with back-off (NOTIFICATIONS_RETRY_SECONDS); `event_id` stays the same across retries and
replays, so receivers can drop repeats. The bodies are documented in docs/notifications.md.
"""

import datetime as dt
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import EventAttempt, EventDelivery, EventEndpoint
from zoomhub.queueing import enqueue_on_commit
from zoomhub.zoom.webhooks import DeliveryFailed, post_signed

logger = logging.getLogger(__name__)

EVENT_TYPES = (
    "lesson.scheduled",
    "lesson.rescheduled",
    "lesson.cancelled",
    "lesson.started",
    "lesson.ended",
    "attendance.decided",
    "recording.stored",
)
State = EventDelivery.State


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "name": person.name, "email": person.email, "role": person.role}


def lesson_body(meeting) -> dict:
    return {
        "id": meeting.pk,
        "topic": meeting.topic,
        "status": meeting.status,
        "start_time": iso(meeting.start_at),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "recurrence_weekdays": meeting.recurrence_weekdays,
        "recurrence_count": meeting.recurrence_count,
        "recurrence_until": meeting.recurrence_until.isoformat() if meeting.recurrence_until else None,
        "zoom_meeting_id": meeting.zoom_meeting_id,
        "join_url": meeting.join_url,
        "teacher": _person(meeting.teacher),
        "students": [_person(student) for student in meeting.students.all()],
    }


def recording_body(recording) -> dict:
    return {
        "id": recording.pk,
        "lesson_id": recording.meeting_id,
        "topic": recording.topic,
        "zoom_uuid": recording.uuid,
        "zoom_meeting_id": recording.zoom_meeting_id,
        "start_time": iso(recording.start_time),
        "files": [
            {
                "id": file.pk,
                "file_type": file.file_type,
                "recording_type": file.recording_type,
                "size": file.file_size,
            }
            for file in recording.files.all()
        ],
    }


def attendance_body(session) -> dict:
    return {
        "session_id": session.pk,
        "lesson_id": session.meeting_id,
        "zoom_uuid": session.zoom_uuid,
        "scheduled_start": iso(session.scheduled_start),
        "status": session.status,
        "people": [
            {
                "person": _person(row.person),
                "role": row.role,
                "minutes": round(row.minutes, 1),
                "present": row.present,
                "late": row.late,
                "left_early": row.left_early,
            }
            for row in session.attendances.select_related("person")
        ],
    }


def event_publish(event_type: str, data: dict) -> list[EventDelivery]:
    """Store the event for every active endpoint that wants it and send it after the commit."""
    from notifications.tasks import deliver_event_task

    deliveries = []
    with transaction.atomic():
        for endpoint in EventEndpoint.objects.filter(is_active=True):
            if not endpoint.wants(event_type):
                continue
            delivery = EventDelivery(endpoint=endpoint, event_type=event_type, payload={})
            delivery.payload = {
                "event": event_type,
                "event_id": str(delivery.event_id),
                "event_ts": int(time.time() * 1000),
                "payload": {"object": data},
            }
            delivery.save()
            deliveries.append(delivery)
            enqueue_on_commit(deliver_event_task, delivery_id=delivery.pk)
    return deliveries


def backoff_seconds(attempts: int) -> int:
    steps = settings.NOTIFICATIONS_RETRY_SECONDS
    return steps[min(attempts, len(steps)) - 1] if attempts else 0


def _due(now: dt.datetime) -> Q:
    return Q(state=State.PENDING) | Q(state=State.FAILED, next_attempt_at__lte=now)


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_STALE_SECONDS)
    EventDelivery.objects.filter(state=State.DELIVERING, claimed_at__lt=stale).update(
        state=State.FAILED, next_attempt_at=now
    )
    return list(
        EventDelivery.objects.filter(_due(now)).order_by("created_at").values_list("pk", flat=True)[:limit]
    )


def delivery_attempt(*, delivery_id: int) -> str:
    """POST one delivery if it is due and unclaimed; log the attempt; schedule a retry on failure."""
    now = timezone.now()
    if not EventDelivery.objects.filter(Q(pk=delivery_id) & _due(now)).update(
        state=State.DELIVERING, claimed_at=now
    ):
        return "not due"
    delivery = EventDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    status, error = None, ""
    try:
        status = post_signed(
            delivery.endpoint.url,
            body,
            secret=delivery.endpoint.secret or "",
            timeout=settings.NOTIFICATIONS_EVENT_TIMEOUT_SECONDS,
        )
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except DeliveryFailed as failure:
        error = str(failure)
    attempts = delivery.attempts + 1
    EventAttempt.objects.create(delivery=delivery, status=status, error=error)
    if not error:
        EventDelivery.objects.filter(pk=delivery.pk).update(
            state=State.DELIVERED,
            attempts=attempts,
            last_status=status,
            last_error="",
            delivered_at=timezone.now(),
            claimed_at=None,
            next_attempt_at=None,
        )
        return "delivered"
    gave_up = attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    EventDelivery.objects.filter(pk=delivery.pk).update(
        state=State.GAVE_UP if gave_up else State.FAILED,
        attempts=attempts,
        last_status=status,
        last_error=error,
        claimed_at=None,
        next_attempt_at=None if gave_up else timezone.now() + dt.timedelta(seconds=backoff_seconds(attempts)),
    )
    logger.warning(
        "Event %s to endpoint %s failed (attempt %s): %s", delivery.pk, delivery.endpoint_id, attempts, error
    )
    return "failed"


def delivery_replay(*, delivery: EventDelivery) -> None:
    """The admin's replay: send the same event (same event_id) again now."""
    from notifications.tasks import deliver_event_task

    EventDelivery.objects.filter(pk=delivery.pk).exclude(state=State.DELIVERING).update(
        state=State.PENDING, next_attempt_at=None
    )
    enqueue_on_commit(deliver_event_task, delivery_id=delivery.pk)
