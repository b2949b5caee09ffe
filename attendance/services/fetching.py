"""Sessions from Zoom's meeting events, and fetching their participants from Zoom.

The lessons app calls the two hooks after its own transaction commits (meetings/inbound.py):
`attendance_session_begin` on meeting.started and `attendance_schedule_fetch` on meeting.ended.
Fetching is retried with back-off until Zoom has the report (it is not there at once after a
meeting ends).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import credential_client
from attendance import zoom_fetch
from attendance.models import Session
from attendance.segments import (
    SegmentParseError,
    merge_segments,
    segments_from_past_meeting,
    segments_from_report,
)
from attendance.selectors import live_segments
from attendance.storage import store_segments
from meetings.models import Meeting
from zoomhub.queueing import enqueue_on_commit
from zoomhub.zoom.backoff import backoff_delay
from zoomhub.zoom.errors import ZoomError, ZoomRateLimited

logger = logging.getLogger(__name__)
DataState = Session.DataState
LONGEST_RETRY = dt.timedelta(hours=1)
MIN_FIRST_RETRY = dt.timedelta(seconds=1)
# A fetch whose worker died is taken over after this long.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)


def fetch_delay() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ATTENDANCE_FETCH_DELAY_SECONDS)


def report_wait() -> dt.timedelta:
    return dt.timedelta(hours=settings.ATTENDANCE_REPORT_WAIT_HOURS)


# -- sessions from Zoom's meeting events ---------------------------------------------------------


def occurrence_start(meeting: Meeting, moment: dt.datetime) -> dt.datetime:
    """The scheduled start of the lesson occurrence nearest to `moment` (a series has several)."""
    starts = meeting.occurrence_starts()
    return min(starts, key=lambda start: abs((start - moment).total_seconds()))


def _instance_session(meeting: Meeting, zoom_uuid: str, moment: dt.datetime) -> Session:
    """The locked session of one Zoom meeting instance, created for its occurrence if new."""
    session = Session.objects.select_for_update().filter(zoom_uuid=zoom_uuid).first()
    if session is not None:
        return session
    start = occurrence_start(meeting, moment)
    try:
        with transaction.atomic():
            Session.objects.create(
                meeting=meeting,
                zoom_uuid=zoom_uuid,
                scheduled_start=start,
                scheduled_end=start + dt.timedelta(minutes=meeting.duration),
                teacher=meeting.teacher,
            )
    except IntegrityError:
        pass  # created meanwhile by a concurrent event
    return Session.objects.select_for_update().get(zoom_uuid=zoom_uuid)


def attendance_session_begin(
    *, meeting: Meeting, zoom_uuid: str, started_at: dt.datetime | None
) -> Session | None:
    """meeting.started: the session of this instance exists from now on, data pending."""
    if not zoom_uuid:
        return None
    started_at = started_at or timezone.now()
    with transaction.atomic():
        session = _instance_session(meeting, zoom_uuid, started_at)
        if session.actual_start is None:
            session.actual_start = started_at
            session.save(update_fields=["actual_start", "updated_at"])
    return session


def attendance_schedule_fetch(
    *, meeting: Meeting, zoom_uuid: str, ended_at: dt.datetime | None
) -> Session | None:
    """meeting.ended: fetch the instance's participants once Zoom has had a moment to build the report."""
    if not zoom_uuid:
        return None
    now = timezone.now()
    ended_at = ended_at or now
    with transaction.atomic():
        approximate_start = ended_at - dt.timedelta(minutes=meeting.duration)
        session = _instance_session(meeting, zoom_uuid, approximate_start)
        session.actual_end = ended_at
        fields = ["actual_end", "updated_at"]
        if session.data_state != DataState.READY:
            session.data_state = DataState.PENDING
            # Counted from Zoom's end time: an event delivered late is fetched at once.
            session.next_fetch_at = min(ended_at, now) + fetch_delay()
            session.data_reason = _("Waiting for Zoom's participant report.")
            fields += ["data_state", "next_fetch_at", "data_reason"]
            fetch_enqueue(session_id=session.pk, at=session.next_fetch_at)
        session.save(update_fields=fields)
    return session


def fetch_enqueue(*, session_id: int, at: dt.datetime | None = None) -> None:
    """Run the fetch task at `at` (after the current transaction commits).

    If the broker is down the session keeps its next_fetch_at and the beat sweep sends it later.
    """
    from attendance.tasks import session_fetch_task

    countdown = max(0.0, (at - timezone.now()).total_seconds()) if at else None
    enqueue_on_commit(session_fetch_task, countdown=countdown, session_id=session_id)


# -- fetching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOutcome:
    session: Session
    state: str
    next_fetch_at: dt.datetime | None = None
    participants: int = 0


def session_claim_fetch(*, session_id: int, now: dt.datetime | None = None) -> bool:
    """Take a due fetch for this worker; False when it is not due or another worker has it."""
    now = now or timezone.now()
    return bool(
        Session.objects.filter(pk=session_id, data_state=DataState.PENDING)
        .exclude(zoom_uuid=None)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .filter(Q(fetch_claimed_at__isnull=True) | Q(fetch_claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(fetch_claimed_at=now)
    )


def session_fetch_due(*, session_id: int, now: dt.datetime | None = None) -> FetchOutcome | None:
    """The task's service: fetch if due and not taken by another worker."""
    if not session_claim_fetch(session_id=session_id, now=now):
        return None
    session = Session.objects.select_related("meeting__host__credential").get(pk=session_id)
    return session_fetch(session=session, now=now)


def _describe(error: ZoomError) -> str:
    return _("Zoom answered: %(error)s") % {"error": error}


def _participant_rows(session: Session, *, final: bool) -> tuple[zoom_fetch.Rows, str]:
    """(rows, note): the report, or past-meeting participants where reports are not allowed.

    At the last attempt the past-meeting list is tried too: Zoom builds no report for a meeting
    with fewer than two participants (a teacher alone is still a No show worth recording).
    """
    client = credential_client(credential=session.meeting.host.credential)
    webinar = session.meeting.is_webinar
    try:
        rows = zoom_fetch.report_participants(client, session.zoom_uuid, webinar=webinar)
    except ZoomError as error:
        if not zoom_fetch.report_not_allowed(error):
            raise
        note = _(
            "Zoom's participant report is not available to this account (%(error)s); "
            "participants come from Zoom's past-meeting list."
        ) % {"error": error}
        return zoom_fetch.past_meeting_participants(client, session.zoom_uuid, webinar=webinar), note
    if rows.rows is None and final:
        past = zoom_fetch.past_meeting_participants(client, session.zoom_uuid, webinar=webinar)
        if past.rows:
            return past, _(
                "Zoom made no participant report; participants come from Zoom's past-meeting list."
            )
    return rows, ""


def session_fetch(*, session: Session, now: dt.datetime | None = None) -> FetchOutcome:
    """Fetch this instance's participants from Zoom, merge the live ones, store and compute.

    404 or an empty list means "not there yet": the session stays pending (showing what the live
    events tell so far) and is tried again with back-off, until ATTENDANCE_REPORT_WAIT_HOURS after
    the lesson ended. Then Zoom's lists are final: still empty, with no live event either, the
    session Never took place; a Zoom error at that point marks the data unavailable with the reason.
    """
    now = now or timezone.now()
    ended = session.actual_end or session.scheduled_end
    final = now >= ended + report_wait()
    rows: zoom_fetch.Rows | None = None
    note = ""
    problem = ""
    retry_at: dt.datetime | None = None
    nothing_listed = False  # Zoom answered, and its lists hold nobody (not an error)
    try:
        rows, note = _participant_rows(session, final=final)
        if rows.rows is None:
            problem = rows.detail
            nothing_listed = True
    except ZoomError as error:
        problem = _describe(error)
        if isinstance(error, ZoomRateLimited) and error.daily and error.resets_at:
            retry_at = error.resets_at
    reported = []
    if rows is not None and rows.rows:
        try:
            parse = segments_from_report if rows.source == "report" else segments_from_past_meeting
            reported = parse(rows.rows)
        except SegmentParseError as error:
            problem = _("Zoom's participant list could not be read: %(error)s") % {"error": error}
            reported = []

    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("meeting__host").get(pk=session.pk)
        live = live_segments(zoom_uuid=session.zoom_uuid or "")
        session.fetch_attempts += 1
        session.fetch_claimed_at = None
        if reported:
            session.data_state = DataState.READY
            session.data_source = rows.source
            session.data_reason = note
            session.next_fetch_at = None
        elif final and nothing_listed and not live:
            # Zoom's lists are final and hold nobody, and no live event saw anyone join: the
            # session never took place (it must not stay pending for ever). Staff can override.
            session.data_state = DataState.READY
            session.data_source = Session.Source.NONE
            session.data_reason = _(
                "Zoom listed no participants %(hours)s hours after the lesson ended: nobody joined."
            ) % {"hours": f"{settings.ATTENDANCE_REPORT_WAIT_HOURS:g}"}
            session.next_fetch_at = None
        elif final:
            session.data_state = DataState.UNAVAILABLE
            session.data_source = Session.Source.LIVE if live else Session.Source.NONE
            hours = settings.ATTENDANCE_REPORT_WAIT_HOURS
            session.data_reason = _(
                "Zoom had no participant data %(hours)s hours after the lesson ended (%(problem)s)."
            ) % {"hours": f"{hours:g}", "problem": problem or _("nothing listed")}
            if live:
                session.data_reason += " " + _("What is shown comes from the live participant events only.")
            session.next_fetch_at = None
        else:
            session.data_state = DataState.PENDING
            session.data_source = Session.Source.LIVE if live else Session.Source.NONE
            # The first try's delay starts the back-off (at least a second: 0 would retry at once).
            wait = backoff_delay(
                session.fetch_attempts, first=max(fetch_delay(), MIN_FIRST_RETRY), longest=LONGEST_RETRY
            )
            session.next_fetch_at = max(retry_at or now, now + wait)
            session.data_reason = _("Waiting for Zoom's participant report (attempt %(n)s: %(problem)s).") % {
                "n": session.fetch_attempts,
                "problem": problem or _("not ready"),
            }
        data_ready = session.data_state == DataState.READY or (
            session.data_state == DataState.UNAVAILABLE and bool(live)
        )
        store_segments(
            session=session,
            segments=merge_segments(reported=reported, live=live),
            data_ready=data_ready,
            now=now,
        )
        if session.data_state == DataState.PENDING:
            fetch_enqueue(session_id=session.pk, at=session.next_fetch_at)
    return FetchOutcome(
        session=session,
        state=session.data_state,
        next_fetch_at=session.next_fetch_at,
        participants=len(reported),
    )


def session_for_instance(
    *, meeting: Meeting, zoom_uuid: str, near: dt.datetime, actual_start: dt.datetime | None = None
) -> Session:
    """The session of a held instance (created for the occurrence nearest `near` if new)."""
    with transaction.atomic():
        session = _instance_session(meeting, zoom_uuid, near)
        if session.actual_start is None and actual_start is not None:
            session.actual_start = actual_start
            session.save(update_fields=["actual_start", "updated_at"])
    return session


def session_latest_for_lesson(*, meeting: Meeting) -> Session | None:
    """The lesson's most recently held session: known here, else the latest instance Zoom lists."""
    known = meeting.sessions.exclude(zoom_uuid=None).order_by("-scheduled_start", "-pk").first()
    if known is not None:
        return known
    if not meeting.zoom_meeting_id:
        return None
    client = credential_client(credential=meeting.host.credential)
    instances = zoom_fetch.past_meeting_instances(client, meeting.zoom_meeting_id)
    if not instances:
        return None
    latest = max(instances, key=lambda i: i.start_time)
    return session_for_instance(
        meeting=meeting, zoom_uuid=latest.uuid, near=latest.start_time, actual_start=latest.start_time
    )
