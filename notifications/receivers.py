"""What notifications does when a lesson, its attendance or its recording changes (signals)."""

from notifications import events, services


def invite_when_lesson_scheduled(sender, *, meeting, **kwargs) -> None:
    services.lesson_sync_invitations(meeting_id=meeting.pk)
    events.event_publish("lesson.scheduled", events.lesson_body(meeting))


def update_when_lesson_changed(sender, *, meeting, rescheduled=False, **kwargs) -> None:
    services.lesson_sync_invitations(meeting_id=meeting.pk)
    if rescheduled:
        events.event_publish("lesson.rescheduled", events.lesson_body(meeting))


def cancel_when_lesson_cancelled(sender, *, meeting, **kwargs) -> None:
    services.lesson_sync_invitations(meeting_id=meeting.pk)
    events.event_publish("lesson.cancelled", events.lesson_body(meeting))


def invite_when_registrant_approved(sender, *, meeting, registrant, **kwargs) -> None:
    """The registrant's own join link and the calendar file (Zoom gives each registrant theirs)."""
    services.lesson_sync_invitations(meeting_id=meeting.pk)


def cancel_when_registrant_withdrawn(sender, *, meeting, registrant, **kwargs) -> None:
    """Denied or cancelled after an invitation: a METHOD:CANCEL takes the webinar out of their calendar."""
    services.lesson_sync_invitations(meeting_id=meeting.pk)


def announce_lesson_started(sender, *, meeting, zoom_uuid="", started_at=None, **kwargs) -> None:
    events.event_publish(
        "lesson.started",
        {**events.lesson_body(meeting), "zoom_uuid": zoom_uuid, "started_at": events.iso(started_at)},
    )


def announce_lesson_ended(sender, *, meeting, zoom_uuid="", ended_at=None, **kwargs) -> None:
    events.event_publish(
        "lesson.ended",
        {**events.lesson_body(meeting), "zoom_uuid": zoom_uuid, "ended_at": events.iso(ended_at)},
    )


def announce_recording_stored(sender, *, recording, created=False, **kwargs) -> None:
    events.event_publish("recording.stored", events.recording_body(recording))


def announce_attendance_decided(sender, *, session, **kwargs) -> None:
    events.event_publish("attendance.decided", events.attendance_body(session))
