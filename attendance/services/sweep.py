"""The beat sweep: fetches whose task was lost, and lessons that ended without Zoom's events."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import credential_client
from attendance import zoom_fetch
from attendance.computation import SessionStatus
from attendance.models import Session
from attendance.services.fetching import fetch_enqueue, report_wait
from attendance.storage import store_segments
from meetings.models import Meeting
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)
DataState = Session.DataState
# A lesson's end passed this long ago without meeting.ended: the sweep looks for it in Zoom.
SWEEP_GRACE = dt.timedelta(minutes=30)
SWEEP_LOOKBACK = dt.timedelta(days=3)

# -- the sweep -----------------------------------------------------------------------------------


@dataclass
class SweepResult:
    sent: list[int] = field(default_factory=list)  # sessions whose fetch was sent
    created: list[int] = field(default_factory=list)  # sessions found in Zoom without events
    never_held: list[int] = field(default_factory=list)  # occurrences Zoom has no instance of
    errors: list[str] = field(default_factory=list)


def attendance_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Beat: send fetches that are due (their task was lost), and find lessons that ended silently.

    A lesson whose scheduled end passed SWEEP_GRACE ago without a session is looked up in Zoom
    (GET /past_meetings/{id}/instances); a held instance gets its session and a fetch. An
    occurrence Zoom still has no instance of ATTENDANCE_REPORT_WAIT_HOURS after its end is
    recorded as Never took place.
    """
    now = now or timezone.now()
    result = SweepResult()
    due = Session.objects.filter(data_state=DataState.PENDING).exclude(zoom_uuid=None)
    for session_id in due.filter(next_fetch_at__lte=now - dt.timedelta(minutes=1)).values_list(
        "pk", flat=True
    ):
        fetch_enqueue(session_id=session_id, at=now)
        result.sent.append(session_id)
    # Started but never ended (the meeting.ended event was lost).
    stalled = due.filter(
        next_fetch_at__isnull=True, actual_end__isnull=True, scheduled_end__lt=now - SWEEP_GRACE
    )
    for session_id in stalled.values_list("pk", flat=True):
        Session.objects.filter(pk=session_id, next_fetch_at__isnull=True).update(next_fetch_at=now)
        fetch_enqueue(session_id=session_id, at=now)
        result.sent.append(session_id)

    lessons = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELED)
        .exclude(zoom_meeting_id=None)
        .filter(start_at__lt=now - SWEEP_GRACE, series_end_at__gt=now - SWEEP_LOOKBACK)
        .select_related("host__credential")
    )
    for meeting in lessons:
        try:
            _sweep_lesson(meeting, now, result)
        except ZoomError as error:
            result.errors.append(f"{meeting.pk}: {error}")
            logger.warning("attendance sweep: lesson %s: %s", meeting.pk, error)
    return result


def _sweep_lesson(meeting: Meeting, now: dt.datetime, result: SweepResult) -> None:
    length = dt.timedelta(minutes=meeting.duration)
    starts = [
        start
        for start in meeting.occurrence_starts()
        if now - SWEEP_LOOKBACK < start + length < now - SWEEP_GRACE
    ]
    if not starts:
        return
    known = set(
        Session.objects.filter(meeting=meeting, scheduled_start__in=starts).values_list(
            "scheduled_start", flat=True
        )
    )
    missing = [start for start in starts if start not in known]
    if not missing:
        return
    if meeting.status == Meeting.Status.STARTED:
        return  # running now (late, or long); its events will come
    client = credential_client(credential=meeting.host.credential)
    instances = zoom_fetch.past_meeting_instances(client, meeting.zoom_meeting_id)
    taken = set(
        Session.objects.filter(zoom_uuid__in=[i.uuid for i in instances]).values_list("zoom_uuid", flat=True)
    )
    for start in missing:
        window_start, window_end = start - dt.timedelta(hours=1), start + length + dt.timedelta(hours=1)
        candidates = [
            i for i in instances if i.uuid not in taken and window_start <= i.start_time <= window_end
        ]
        if candidates:
            instance = min(candidates, key=lambda i: abs((i.start_time - start).total_seconds()))
            taken.add(instance.uuid)
            with transaction.atomic():
                session, created = Session.objects.get_or_create(
                    zoom_uuid=instance.uuid,
                    defaults={
                        "meeting": meeting,
                        "scheduled_start": start,
                        "scheduled_end": start + length,
                        "actual_start": instance.start_time,
                        "teacher": meeting.teacher,
                        "next_fetch_at": now,
                        "data_reason": _("Found in Zoom without its meeting events; fetching."),
                    },
                )
                if created:
                    fetch_enqueue(session_id=session.pk, at=now)
                    result.created.append(session.pk)
        elif now >= start + length + report_wait():
            with transaction.atomic():
                session = Session.objects.create(
                    meeting=meeting,
                    zoom_uuid=None,
                    scheduled_start=start,
                    scheduled_end=start + length,
                    teacher=meeting.teacher,
                    computed_status=SessionStatus.NEVER_TOOK_PLACE,
                    computed_at=now,
                    data_state=DataState.READY,
                    data_reason=_("Zoom has no record of this meeting being held."),
                )
                # Everyone expected gets a row: nobody was present.
                store_segments(session=session, segments=[], data_ready=True, now=now)
                result.never_held.append(session.pk)
