"""Reads the attendance pages and services share."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from attendance.models import Attendance, Session
from attendance.segments import LIVE_EVENTS, SegmentParseError, segments_from_live_events
from attendance.segments import Segment as ZoomSegment
from meetings.models import Person
from webhooks.selectors import webhook_events_for_meeting
from zoomhub.collation import by_name

logger = logging.getLogger(__name__)

LIVE_EVENT_TYPES = LIVE_EVENTS


def live_event_bodies(*, zoom_uuid: str) -> list[dict]:
    """The stored participant webhooks of one meeting instance, oldest first.

    The webhook event log keeps meeting.participant_joined/left rows as they came (docs/webhooks.md);
    they are the live segments.
    """
    if not zoom_uuid:
        return []
    events = webhook_events_for_meeting(zoom_meeting_uuid=zoom_uuid).filter(event_type__in=LIVE_EVENT_TYPES)
    return list(events.values_list("body", flat=True))


def live_segments(*, zoom_uuid: str) -> list[ZoomSegment]:
    """Segments from the live participant events; unreadable events are logged and left out."""
    bodies = live_event_bodies(zoom_uuid=zoom_uuid)
    try:
        return segments_from_live_events(bodies)
    except SegmentParseError:
        readable = []
        for body in bodies:
            try:
                segments_from_live_events([body])
            except SegmentParseError as error:
                logger.warning("attendance: skipping a participant event of %s: %s", zoom_uuid, error)
                continue
            readable.append(body)
        return segments_from_live_events(readable)


@dataclass(frozen=True)
class SessionFilters:
    date_from: dt.datetime | None = None  # aware, inclusive
    date_to: dt.datetime | None = None  # aware, exclusive
    teacher: Person | None = None
    student: Person | None = None
    status: str = ""
    needs_review: bool = False


def sessions_filtered(filters: SessionFilters, *, with_status: bool = True) -> QuerySet[Session]:
    sessions = Session.objects.all()
    if filters.date_from is not None:
        sessions = sessions.filter(scheduled_start__gte=filters.date_from)
    if filters.date_to is not None:
        sessions = sessions.filter(scheduled_start__lt=filters.date_to)
    if filters.teacher is not None:
        sessions = sessions.filter(teacher=filters.teacher)
    if filters.student is not None:
        sessions = sessions.filter(attendances__person=filters.student, attendances__role="student")
    if filters.needs_review:
        sessions = sessions.filter(needs_review=True)
    if with_status and filters.status:
        sessions = sessions.filter(status=filters.status)
    return sessions


def session_rows(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Everything a list row shows, in a constant number of queries."""
    return sessions.select_related("meeting", "teacher", "overridden_by").prefetch_related(
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("person").order_by("-role", by_name("person__name")),
        )
    )


def status_counts(sessions: QuerySet[Session]) -> dict[str, int]:
    """Sessions per effective status, in one query."""
    rows = sessions.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def student_history(person: Person) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(person=person)
        .select_related("session__meeting", "session__teacher")
        .order_by("-session__scheduled_start", "-session_id")
    )


def attendance_rate(person: Person) -> tuple[int, int]:
    """(present, counted) over sessions whose data is in; pending ones are not counted yet."""
    totals = Attendance.objects.filter(person=person, session__data_state=Session.DataState.READY).aggregate(
        counted=Count("id"), present=Count("id", filter=Q(present=True))
    )
    return totals["present"], totals["counted"]
