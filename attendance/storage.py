"""Turning a session's segments into stored rows: matching, computation, Segment and Attendance rows.

Called by the services inside their transaction. Everything is computed by the pure modules
(attendance.matching / computation); this module maps between them and the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.utils import timezone

from attendance.computation import AttendanceResult, compute_attendance
from attendance.matching import ExpectedPerson, group_participants, match_participants
from attendance.models import Attendance, ManualMatch, Segment, Session
from attendance.segments import Segment as ZoomSegment
from attendance.signals import announce_if_decided
from meetings.models import Meeting, Person

# A staff decision is fed to the matcher as a Zoom account id only the chosen person has: the
# strongest evidence there is, and it keeps all the participant's intervals together.
MANUAL_MARK = "zoomhub-manual:"


def expected_people(meeting: Meeting) -> tuple[list[ExpectedPerson], dict[int, Person]]:
    """The lesson's teacher (and a webinar's panelists) and students as the matcher wants them
    (learned aliases included)."""
    people: list[ExpectedPerson] = []
    by_id: dict[int, Person] = {}

    def add(person: Person, role: str) -> None:
        if person.pk in by_id:
            return
        by_id[person.pk] = person
        people.append(
            ExpectedPerson(
                id=person.pk,
                role=role,
                name=person.name,
                email=person.email,
                other_emails=tuple(e for e in person.other_emails if isinstance(e, str)),
                aliases=tuple(n for n in person.other_names if isinstance(n, str)),
            )
        )

    if meeting.teacher is not None:
        add(meeting.teacher, "teacher")
    if meeting.is_webinar:
        # A webinar's panelists teach it; its attendees (registrants, guests) are its students.
        for panelist in sorted(meeting.panelists.all(), key=lambda p: (p.name, p.pk)):
            add(panelist, "teacher")
    for student in sorted(meeting.students.all(), key=lambda p: (p.name, p.pk)):
        add(student, "student")
    return people, by_id


def segment_identity(segment: ZoomSegment) -> str:
    """What tells this interval apart from the session's other rows of the same source."""
    return (
        segment.participant_uuid or segment.user_id or segment.id or f"{segment.email_key}|{segment.name}"
    )[:400]


def from_rows(rows: Iterable[Segment]) -> list[ZoomSegment]:
    return [
        ZoomSegment(
            join=row.join_at,
            leave=row.leave_at,
            source=row.source,
            id=row.zoom_id,
            user_id=row.user_id,
            participant_user_id=row.participant_user_id,
            registrant_id=row.registrant_id,
            name=row.name,
            email=row.email,
            participant_uuid=row.participant_uuid,
        )
        for row in rows
    ]


def _deduplicate(segments: Sequence[ZoomSegment]) -> list[ZoomSegment]:
    """One interval per (source, identity, join): a row Zoom listed twice is kept once, longest."""
    kept: dict[tuple, ZoomSegment] = {}
    for segment in segments:
        key = (segment.source, segment_identity(segment), segment.join)
        other = kept.get(key)
        if other is None or (
            other.leave is not None and (segment.leave is None or segment.leave > other.leave)
        ):
            kept[key] = segment
    return sorted(kept.values(), key=lambda s: (s.join, s.source))


def _open_until(session: Session, now: dt.datetime) -> dt.datetime | None:
    """Where a live participant still in stops counting: now, while the lesson is on."""
    if session.actual_end is None and now < session.scheduled_end:
        return now
    return None


def store_segments(
    *,
    session: Session,
    segments: Sequence[ZoomSegment],
    data_ready: bool,
    now: dt.datetime | None = None,
) -> AttendanceResult:
    """Replace the session's segments and attendance with these segments' computation.

    The caller holds the session's row lock inside a transaction: the delete and the inserts
    land together, so a re-fetch replaces and never duplicates.
    """
    now = now or timezone.now()
    meeting = session.meeting
    people, by_id = expected_people(meeting)
    segments = _deduplicate(segments)

    # Participant keys of the segments as Zoom gave them: staff decisions refer to these.
    key_of: dict[ZoomSegment, str] = {}
    for participant in group_participants(segments):
        for segment in participant.segments:
            key_of[segment] = participant.key
    decisions = {m.participant_key: m.person_id for m in ManualMatch.objects.filter(session=session)}
    decisions = {key: pid for key, pid in decisions.items() if pid in by_id}

    fed: list[ZoomSegment] = []
    original_of: dict[ZoomSegment, ZoomSegment] = {}
    for segment in segments:
        key = key_of[segment]
        if key in decisions:
            marked = replace(segment, participant_user_id=f"{MANUAL_MARK}{key}"[:100])
            original_of[marked] = segment
            fed.append(marked)
        else:
            original_of[segment] = segment
            fed.append(segment)
    manual_ids: dict[int, list[str]] = {}
    for key, person_id in decisions.items():
        manual_ids.setdefault(person_id, []).append(f"{MANUAL_MARK}{key}"[:100])
    people = [
        replace(p, zoom_user_ids=(*p.zoom_user_ids, *manual_ids[p.id])) if p.id in manual_ids else p
        for p in people
    ]

    result = compute_attendance(
        segments=fed,
        people=people,
        scheduled_start=session.scheduled_start,
        scheduled_end=session.scheduled_end,
        actual_start=session.actual_start,
        actual_end=session.actual_end,
        host_zoom_user_id=meeting.host.zoom_id,
        host_email=meeting.host.email,
        data_ready=data_ready,
        now=_open_until(session, now),
    )

    # How each segment came out of the matching.
    outcome: dict[ZoomSegment, tuple[str, int | None, str, list]] = {}
    matched = match_participants(
        fed, people, host_zoom_user_id=meeting.host.zoom_id, host_email=meeting.host.email
    )
    for match in matched.matches:
        method = "manual" if _is_manual(match.participant) else match.method
        for segment in match.participant.segments:
            outcome[segment] = (Segment.Match.PERSON, match.person_id, method, [])
    for ambiguous in matched.ambiguous:
        for segment in ambiguous.participant.segments:
            outcome[segment] = (Segment.Match.AMBIGUOUS, None, "", list(ambiguous.candidate_ids))
    for participant in matched.host:
        for segment in participant.segments:
            outcome[segment] = (Segment.Match.HOST, None, "host", [])

    Segment.objects.filter(session=session).delete()
    rows = []
    for segment in fed:
        original = original_of[segment]
        match, person_id, method, candidates = outcome.get(segment, (Segment.Match.GUEST, None, "", []))
        rows.append(
            Segment(
                session=session,
                source=original.source,
                join_at=original.join,
                leave_at=original.leave,
                identity=segment_identity(original),
                participant_key=key_of[original][:400],
                name=original.name[:255],
                email=original.email[:254],
                zoom_id=original.id[:100],
                user_id=original.user_id[:100],
                participant_user_id=original.participant_user_id[:100],
                registrant_id=original.registrant_id[:100],
                participant_uuid=original.participant_uuid[:100],
                match=match,
                person_id=person_id,
                match_method=method,
                candidate_ids=candidates,
            )
        )
    Segment.objects.bulk_create(rows)

    Attendance.objects.filter(session=session).delete()
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            person_id=row.person_id,
            role=row.role,
            minutes=row.minutes,
            first_join=row.first_join,
            last_leave=row.last_leave,
            still_in=row.still_in,
            late=row.late,
            left_early=row.left_early,
            present=row.present,
            segment_count=row.segment_count,
            match_methods=[
                "manual" if row.person_id in manual_ids and m == "zoom_user_id" else m
                for m in row.match_methods
            ],
            zoom_names=list(row.zoom_names),
            timeline=[list(interval) for interval in row.timeline],
        )
        for row in result.people
    )

    status_before = session.status
    session.teacher = meeting.teacher
    session.computed_status = result.status.value
    session.computed_at = now
    session.needs_review = result.needs_review
    session.threshold_minutes = result.threshold_minutes
    session.timeline_start = result.timeline_start
    session.timeline_minutes = result.timeline_minutes
    session.save()
    announce_if_decided(session=session, status_before=status_before)
    return result


def _is_manual(participant) -> bool:
    return any(i.startswith(MANUAL_MARK) for i in participant.zoom_user_ids)
