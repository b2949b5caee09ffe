"""Attendance of one session: presence per person, lateness, the session's status.

Pure Python: the caller loads the lesson, its people and the segments (merged by
`attendance.segments.merge_segments`) and stores what comes back. Times are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from django.utils.translation import gettext_lazy as _

from attendance.matching import (
    Ambiguous,
    ExpectedPerson,
    Participant,
    PersonId,
    match_participants,
)
from attendance.segments import Segment

Interval = tuple[float, float]  # POSIX seconds


class SessionStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    TEACHER_ABSENT = "teacher_absent"
    NEVER_TOOK_PLACE = "never_took_place"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])


_STATUS_LABELS = {
    SessionStatus.PENDING: _("Pending"),
    SessionStatus.COMPLETED: _("Completed"),
    SessionStatus.NO_SHOW: _("No show"),
    SessionStatus.TEACHER_ABSENT: _("Teacher absent"),
    SessionStatus.NEVER_TOOK_PLACE: _("Never took place"),
}


@dataclass(frozen=True, slots=True)
class AttendanceRules:
    """Thresholds; defaults come from settings (ATTENDANCE_*), see `from_settings`.

    Present means at least `min_present_minutes` in the lesson, or, when `min_present_share` is
    set, at least that share of the scheduled duration (the share then replaces the minutes).
    Late: the first join is more than `late_after_minutes` after the scheduled start. Left early:
    the last leave is more than `left_early_minutes` before the scheduled end. A group lesson
    (two or more students) is Completed when `group_completed_when` is "any" student present
    (default) or only when "all" are.
    """

    min_present_minutes: float = 10.0
    min_present_share: float | None = None
    late_after_minutes: float = 5.0
    left_early_minutes: float = 5.0
    group_completed_when: Literal["any", "all"] = "any"

    def __post_init__(self) -> None:
        for field in ("min_present_minutes", "late_after_minutes", "left_early_minutes"):
            if getattr(self, field) < 0:
                raise ValueError(f"Attendance rule {field} cannot be negative.")
        if self.min_present_share is not None and not 0 < self.min_present_share <= 1:
            raise ValueError("Attendance rule min_present_share must be a fraction above 0 and at most 1.")
        if self.group_completed_when not in ("any", "all"):
            raise ValueError("Attendance rule group_completed_when must be 'any' or 'all'.")

    @classmethod
    def from_settings(cls) -> AttendanceRules:
        from django.conf import settings

        return cls(
            min_present_minutes=settings.ATTENDANCE_MIN_PRESENT_MINUTES,
            min_present_share=settings.ATTENDANCE_MIN_PRESENT_SHARE,
            late_after_minutes=settings.ATTENDANCE_LATE_AFTER_MINUTES,
            left_early_minutes=settings.ATTENDANCE_LEFT_EARLY_MINUTES,
            group_completed_when=settings.ATTENDANCE_GROUP_COMPLETED_WHEN,
        )

    def threshold_minutes(self, lesson_minutes: float) -> float:
        if self.min_present_share is not None:
            return self.min_present_share * lesson_minutes
        return self.min_present_minutes


@dataclass(frozen=True, slots=True)
class Presence:
    """Time in the lesson of one set of segments, overlaps and rejoins counted once."""

    minutes: float
    first_join: datetime | None
    last_leave: datetime | None
    still_in: bool  # a live segment with no leave yet
    intervals: tuple[Interval, ...]  # merged, unclipped, for the timeline


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of intervals: overlapping or touching ones become one."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def presence(
    segments: Iterable[Segment],
    *,
    open_until: datetime,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> Presence:
    """Minutes present, counting each moment once (two devices, rejoins), clipped to the window.

    A segment still open (no leave) counts until `open_until`. First join and last leave are the
    real ones, unclipped: lateness is about when the person came, not when the meeting began.
    """
    segments = list(segments)
    if not segments:
        return Presence(0.0, None, None, False, ())
    until = open_until.timestamp()
    raw = [
        (s.join.timestamp(), s.leave.timestamp() if s.leave else max(until, s.join.timestamp()))
        for s in segments
    ]
    merged = merge_intervals(raw)
    low = window_start.timestamp() if window_start else float("-inf")
    high = window_end.timestamp() if window_end else float("inf")
    seconds = sum(max(0.0, min(end, high) - max(start, low)) for start, end in merged)
    still_in = any(s.leave is None for s in segments)
    leaves = [s.leave for s in segments if s.leave is not None]
    return Presence(
        minutes=seconds / 60,
        first_join=min(s.join for s in segments),
        last_leave=None if still_in or not leaves else max(leaves),
        still_in=still_in,
        intervals=tuple(merged),
    )


@dataclass(frozen=True, slots=True)
class PersonAttendance:
    person_id: PersonId
    role: str
    name: str
    minutes: float
    present: bool
    first_join: datetime | None
    last_leave: datetime | None
    still_in: bool
    late: bool
    left_early: bool
    segment_count: int
    match_methods: tuple[str, ...]
    zoom_names: tuple[str, ...]
    timeline: tuple[tuple[float, float], ...]  # (start, end) minutes from the result's timeline_start


@dataclass(frozen=True, slots=True)
class ParticipantAttendance:
    """A guest, the host without a teacher to match, or a participant waiting for staff to decide."""

    key: str
    name: str
    email: str
    names: tuple[str, ...]
    minutes: float
    first_join: datetime | None
    last_leave: datetime | None
    segment_count: int
    timeline: tuple[tuple[float, float], ...]
    candidate_ids: tuple[PersonId, ...] = ()
    reason: str = ""
    learnable_alias: str = ""


@dataclass(frozen=True, slots=True)
class AttendanceResult:
    status: SessionStatus
    needs_review: bool  # ambiguous participants, or guests long enough to be a missing student
    threshold_minutes: float
    people: tuple[PersonAttendance, ...]
    guests: tuple[ParticipantAttendance, ...]
    ambiguous: tuple[ParticipantAttendance, ...]
    host: tuple[ParticipantAttendance, ...]
    timeline_start: datetime
    timeline_minutes: float

    def person(self, person_id: PersonId) -> PersonAttendance:
        return next(row for row in self.people if row.person_id == person_id)


def _offsets(intervals: Iterable[Interval], origin: float) -> tuple[tuple[float, float], ...]:
    return tuple((round((s - origin) / 60, 2), round((e - origin) / 60, 2)) for s, e in intervals)


def session_status(
    *,
    teacher_present: bool,
    students_present: int,
    students_expected: int,
    rules: AttendanceRules,
    data_ready: bool = True,
) -> SessionStatus:
    """The school's coaching rule (docs/attendance.md), extended: both → Completed, teacher only → No show,
    students only → Teacher absent, nobody → Never took place; Pending until the data is in."""
    if not data_ready:
        return SessionStatus.PENDING
    if students_expected >= 2 and rules.group_completed_when == "all":
        students_ok = students_present == students_expected
    else:
        students_ok = students_present > 0
    if teacher_present and students_ok:
        return SessionStatus.COMPLETED
    if teacher_present:
        return SessionStatus.NO_SHOW
    if students_present:
        return SessionStatus.TEACHER_ABSENT
    return SessionStatus.NEVER_TOOK_PLACE


def compute_attendance(
    *,
    segments: Sequence[Segment],
    people: Sequence[ExpectedPerson],
    scheduled_start: datetime,
    scheduled_end: datetime,
    actual_start: datetime | None = None,
    actual_end: datetime | None = None,
    host_zoom_user_id: str = "",
    host_email: str = "",
    rules: AttendanceRules | None = None,
    data_ready: bool = True,
    now: datetime | None = None,
) -> AttendanceResult:
    """Everything the session page and the Attendance rows need, from segments and people.

    `actual_start`/`actual_end`: the meeting's real window (Zoom's start/end); presence is clipped
    to it when given, so a participant lingering in a meeting left open is not counted after its end.
    `data_ready=False` (the report is not in yet) gives status Pending with what is known so far.
    `now`: where open segments end (a live lesson); defaults to the actual or scheduled end.
    """
    for name, value in (("scheduled_start", scheduled_start), ("scheduled_end", scheduled_end)):
        if value.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware.")
    if scheduled_end <= scheduled_start:
        raise ValueError("The scheduled end must be after the scheduled start.")
    rules = rules or AttendanceRules.from_settings()
    match = match_participants(segments, people, host_zoom_user_id=host_zoom_user_id, host_email=host_email)
    open_until = now or actual_end or scheduled_end
    window = {"window_start": actual_start, "window_end": actual_end}
    threshold = rules.threshold_minutes((scheduled_end - scheduled_start).total_seconds() / 60)

    joins = [s.join for s in segments]
    origin_dt = min([scheduled_start, *([actual_start] if actual_start else []), *joins])
    origin = origin_dt.timestamp()
    ends = [scheduled_end, *([actual_end] if actual_end else []), *(s.leave or open_until for s in segments)]
    timeline_minutes = round((max(ends).timestamp() - origin) / 60, 2)

    by_person = match.matches_by_person()
    people_rows = []
    for person in people:
        matches = by_person.get(person.id, [])
        seen = presence((s for m in matches for s in m.participant.segments), open_until=open_until, **window)
        joined = seen.first_join is not None
        people_rows.append(
            PersonAttendance(
                person_id=person.id,
                role=person.role,
                name=person.name,
                minutes=round(seen.minutes, 2),
                present=joined and seen.minutes >= threshold,
                first_join=seen.first_join,
                last_leave=seen.last_leave,
                still_in=seen.still_in,
                late=joined and _minutes(scheduled_start, seen.first_join) > rules.late_after_minutes,
                left_early=seen.last_leave is not None
                and _minutes(seen.last_leave, scheduled_end) > rules.left_early_minutes,
                segment_count=sum(len(m.participant.segments) for m in matches),
                match_methods=tuple(dict.fromkeys(m.method for m in matches)),
                zoom_names=tuple(dict.fromkeys(n for m in matches for n in m.participant.names)),
                timeline=_offsets(seen.intervals, origin),
            )
        )

    def participant_row(
        participant: Participant, ambiguous: Ambiguous | None = None
    ) -> ParticipantAttendance:
        seen = presence(participant.segments, open_until=open_until, **window)
        return ParticipantAttendance(
            key=participant.key,
            name=participant.name,
            email=participant.email,
            names=participant.names,
            minutes=round(seen.minutes, 2),
            first_join=seen.first_join,
            last_leave=seen.last_leave,
            segment_count=len(participant.segments),
            timeline=_offsets(seen.intervals, origin),
            candidate_ids=ambiguous.candidate_ids if ambiguous else (),
            reason=ambiguous.reason if ambiguous else "",
            learnable_alias=participant.learnable_alias,
        )

    guests = tuple(participant_row(p) for p in match.guests)
    ambiguous = tuple(participant_row(a.participant, a) for a in match.ambiguous)
    host = tuple(participant_row(p) for p in match.host)
    host_seen = presence((s for p in match.host for s in p.segments), open_until=open_until, **window)
    status = _status(people_rows, guests, host_seen, rules, threshold, data_ready)
    needs_review = bool(ambiguous) or (
        status is not SessionStatus.COMPLETED and any(g.minutes >= threshold for g in guests)
    )
    return AttendanceResult(
        status=status,
        needs_review=needs_review,
        threshold_minutes=round(threshold, 2),
        people=tuple(people_rows),
        guests=guests,
        ambiguous=ambiguous,
        host=host,
        timeline_start=origin_dt,
        timeline_minutes=timeline_minutes,
    )


def _minutes(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def _status(
    people_rows: Sequence[PersonAttendance],
    guests: Sequence[ParticipantAttendance],
    host_seen: Presence,
    rules: AttendanceRules,
    threshold: float,
    data_ready: bool,
) -> SessionStatus:
    teachers = [row for row in people_rows if row.role == "teacher"]
    students = [row for row in people_rows if row.role == "student"]
    if teachers:
        teacher_present = any(row.present for row in teachers)
    else:  # no teacher on the lesson: whoever hosted it taught it
        teacher_present = host_seen.first_join is not None and host_seen.minutes >= threshold
    if students:
        students_present = sum(row.present for row in students)
        expected = len(students)
    else:  # an open lesson with nobody enrolled: the guests are its students
        students_present = sum(row.minutes >= threshold for row in guests)
        expected = students_present
    return session_status(
        teacher_present=teacher_present,
        students_present=students_present,
        students_expected=expected,
        rules=rules,
        data_ready=data_ready,
    )
