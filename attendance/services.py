"""Attendance writes: sessions from Zoom's meeting events, fetching participants, staff decisions.

The lessons app calls the two hooks after its own transaction commits (meetings/inbound.py):
`attendance_session_begin` on meeting.started and `attendance_schedule_fetch` on meeting.ended.
Fetching is retried with back-off until Zoom has the report (it is not there at once after a
meeting ends); the beat sweep catches lessons whose events never came.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import credential_client
from attendance import zoom_fetch
from attendance.computation import SessionStatus
from attendance.models import OVERRIDE_CHOICES, ManualMatch, Segment, Session
from attendance.names import name_skeleton
from attendance.segments import (
    SegmentParseError,
    merge_segments,
    segments_from_past_meeting,
    segments_from_report,
)
from attendance.selectors import live_segments
from attendance.storage import expected_people, from_rows, store_segments
from meetings.models import Meeting, Person
from meetings.services import person_learn_alias
from zoomhub.zoom.errors import ZoomError, ZoomRateLimited

logger = logging.getLogger(__name__)
DataState = Session.DataState
MAX_RETRY_SECONDS = 3600
# A fetch whose worker died is taken over after this long.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
# A lesson's end passed this long ago without meeting.ended: the sweep looks for it in Zoom.
SWEEP_GRACE = dt.timedelta(minutes=30)
SWEEP_LOOKBACK = dt.timedelta(days=3)


def fetch_delay() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ATTENDANCE_FETCH_DELAY_SECONDS)


def report_wait() -> dt.timedelta:
    return dt.timedelta(hours=settings.ATTENDANCE_REPORT_WAIT_HOURS)


def retry_delay(attempts: int) -> dt.timedelta:
    """The first delay, then twice, four times … as long after each fruitless attempt, at most an hour."""
    base = max(1.0, float(settings.ATTENDANCE_FETCH_DELAY_SECONDS))
    return dt.timedelta(seconds=min(MAX_RETRY_SECONDS, base * 2 ** max(0, attempts - 1)))


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

    def send() -> None:
        countdown = max(0.0, (at - timezone.now()).total_seconds()) if at else 0.0
        try:
            session_fetch_task.apply_async(kwargs={"session_id": session_id}, countdown=countdown)
        except Exception:  # the broker; the sweep recovers, so the caller's work stands
            logger.exception("attendance: could not send the fetch of session %s; the sweep will", session_id)

    transaction.on_commit(send)


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
    try:
        rows = zoom_fetch.report_participants(client, session.zoom_uuid)
    except ZoomError as error:
        if not zoom_fetch.report_not_allowed(error):
            raise
        note = _(
            "Zoom's participant report is not available to this account (%(error)s); "
            "participants come from Zoom's past-meeting list."
        ) % {"error": error}
        return zoom_fetch.past_meeting_participants(client, session.zoom_uuid), note
    if rows.rows is None and final:
        past = zoom_fetch.past_meeting_participants(client, session.zoom_uuid)
        if past.rows:
            return past, _(
                "Zoom made no participant report; participants come from Zoom's past-meeting list."
            )
    return rows, ""


def session_fetch(*, session: Session, now: dt.datetime | None = None) -> FetchOutcome:
    """Fetch this instance's participants from Zoom, merge the live ones, store and compute.

    404 or an empty list means "not there yet": the session stays pending (showing what the live
    events tell so far) and is tried again with back-off, until ATTENDANCE_REPORT_WAIT_HOURS after
    the lesson ended; then it is marked unavailable with the reason.
    """
    now = now or timezone.now()
    ended = session.actual_end or session.scheduled_end
    final = now >= ended + report_wait()
    rows: zoom_fetch.Rows | None = None
    note = ""
    problem = ""
    retry_at: dt.datetime | None = None
    try:
        rows, note = _participant_rows(session, final=final)
        if rows.rows is None:
            problem = rows.detail
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
            session.next_fetch_at = max(retry_at or now, now + retry_delay(session.fetch_attempts))
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


def session_recompute(*, session: Session, now: dt.datetime | None = None) -> Session:
    """Compute again from the stored segments (after a staff decision, or new aliases): no Zoom call."""
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("meeting__host").get(pk=session.pk)
        segments = from_rows(Segment.objects.filter(session=session))
        data_ready = session.data_state == DataState.READY or (
            session.data_state == DataState.UNAVAILABLE and bool(segments)
        )
        if session.zoom_uuid is None and not segments:
            return session  # a lesson Zoom never held: nothing to compute
        store_segments(session=session, segments=segments, data_ready=data_ready, now=now)
    return session


def session_refetch(*, session: Session) -> Session:
    """Staff's "Fetch again from Zoom": start the fetch over now."""
    if not session.zoom_uuid:
        raise ValidationError(_("Zoom has no record of this lesson being held; there is nothing to fetch."))
    with transaction.atomic():
        now = timezone.now()
        Session.objects.filter(pk=session.pk).update(
            data_state=DataState.PENDING,
            fetch_attempts=0,
            next_fetch_at=now,
            fetch_claimed_at=None,
            data_reason=_("Fetching again from Zoom."),
        )
        fetch_enqueue(session_id=session.pk, at=now)
    session.refresh_from_db()
    return session


# -- staff decisions -----------------------------------------------------------------------------


def session_match_participant(
    *, session: Session, participant_key: str, person: Person, actor=None
) -> ManualMatch:
    """Staff say who a participant is: remembered for this session, learned as an alias for the next.

    The participant's email (or, without one, its name) is added to the person's other emails or
    names, so the next lesson matches it on its own; this session is computed again at once.
    """
    _people, by_id = expected_people(session.meeting)
    if person.pk not in by_id:
        raise ValidationError(
            _("%(person)s is not a teacher or student of this lesson.") % {"person": person}
        )
    segments = list(Segment.objects.filter(session=session, participant_key=participant_key))
    if not segments:
        raise ValidationError(
            _("That participant is not in this session (the data may have been fetched again).")
        )
    email = next((s.email.strip().lower() for s in segments if s.email.strip()), "")
    name = next((s.name.strip() for s in segments if name_skeleton(s.name)), "")
    alias = email or name
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if email:
            person_learn_alias(person=person, email=email)
        elif name:
            person_learn_alias(person=person, name=name)
        decision, _created = ManualMatch.objects.update_or_create(
            session=session,
            participant_key=participant_key,
            defaults={"person": person, "learned_alias": alias, "matched_by": actor},
        )
        session_recompute(session=session)
    return decision


def session_override_status(*, session: Session, status: str, reason: str, actor=None) -> Session:
    """Staff set the status by hand, with a reason; the computed status is kept beside it."""
    allowed = {value for value, _label in OVERRIDE_CHOICES}
    if status not in allowed:
        raise ValidationError(
            _("Choose one of the statuses: completed, no show, teacher absent, never took place.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the status is set by hand."))
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        session.override_status = status
        session.override_reason = reason[:2000]
        session.overridden_by = actor
        session.overridden_at = timezone.now()
        session.save()
    return session


def session_clear_override(*, session: Session, actor=None) -> Session:
    """Back to the computed status."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        session.override_status = ""
        session.override_reason = ""
        session.overridden_by = actor
        session.overridden_at = timezone.now()
        session.save()
    return session


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
