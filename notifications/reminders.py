"""Reminders before each occurrence of a lesson: the school's times, or the lesson's own.

The beat job runs every minute and, for every occurrence starting within the longest reminder
time, queues the reminder of the shortest time that has come (a job that was down for a while
sends one reminder, not all of those it missed). A reminder whose time came before the lesson was
scheduled is not sent; nor is one for a cancelled lesson or a person who unsubscribed.
"""

import datetime as dt

from django.utils import timezone

from meetings.models import Meeting
from notifications.models import (
    LessonReminders,
    OutgoingMessage,
    PersonNotifications,
    SchoolNotificationSettings,
    parse_minutes,
)
from notifications.services import lesson_recipients, message_queue


def lesson_reminder_minutes(meeting: Meeting, *, school_minutes: list[int], own: dict[int, str]) -> list[int]:
    if meeting.pk in own:
        try:
            return parse_minutes(own[meeting.pk])
        except ValueError:
            return school_minutes
    return school_minutes


def reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Add the reminders that are due now; the number added."""
    now = now or timezone.now()
    try:
        school_minutes = parse_minutes(SchoolNotificationSettings.current().reminder_minutes)
    except ValueError:
        school_minutes = []
    own = dict(LessonReminders.objects.values_list("meeting_id", "reminder_minutes"))
    longest = max([*school_minutes, *(m for text in own.values() for m in _safe(text))], default=0)
    if not longest:
        return 0
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            series_end_at__gt=now,
            start_at__lte=now + dt.timedelta(minutes=longest),
        )
        .select_related("teacher")
        .prefetch_related("students")
    )
    opted_out = set(
        PersonNotifications.objects.filter(reminders_enabled=False).values_list("person_id", flat=True)
    )
    added = 0
    for meeting in meetings:
        minutes = lesson_reminder_minutes(meeting, school_minutes=school_minutes, own=own)
        if not minutes:
            continue
        for start in meeting.occurrence_starts():
            if start <= now or start > now + dt.timedelta(minutes=max(minutes)):
                continue
            due = [m for m in minutes if start - dt.timedelta(minutes=m) <= now]
            if not due:
                continue
            offset = min(due)
            if start - dt.timedelta(minutes=offset) < meeting.created_at:
                continue
            for person in lesson_recipients(meeting):
                if person.pk in opted_out:
                    continue
                key = f"remind:{meeting.pk}:{person.pk}:{start:%Y%m%dT%H%M}:{offset}"
                if OutgoingMessage.objects.filter(key=key).exists():
                    continue
                message_queue(
                    meeting=meeting,
                    person=person,
                    kind=OutgoingMessage.Kind.REMINDER,
                    sequence=0,
                    key=key,
                    occurrence_at=start,
                )
                added += 1
    return added


def _safe(text: str) -> list[int]:
    try:
        return parse_minutes(text)
    except ValueError:
        return []


def lesson_reminders_set(*, meeting: Meeting, minutes: list[int] | None) -> None:
    """None: the school's times (the lesson's own row goes); [] : no reminders; else those minutes."""
    if minutes is None:
        LessonReminders.objects.filter(meeting=meeting).delete()
        return
    text = ", ".join(str(value) for value in sorted(set(minutes), reverse=True))
    LessonReminders.objects.update_or_create(meeting=meeting, defaults={"reminder_minutes": text})


def person_unsubscribe(*, person) -> None:
    settings_row, _created = PersonNotifications.objects.get_or_create(person=person)
    if settings_row.reminders_enabled:
        settings_row.reminders_enabled = False
        settings_row.unsubscribed_at = timezone.now()
        settings_row.save(update_fields=["reminders_enabled", "unsubscribed_at"])
