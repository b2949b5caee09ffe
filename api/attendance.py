"""/api/v1/meetings/{id}/attendance — who came to each held occurrence of a lesson.

Read from the attendance app's rows (Session, Attendance, Segment); the status is the
effective one (staff's override when set, else the computed one).
"""

from typing import Literal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from api.auth import READ
from api.common import Id, utc_iso
from api.errors import responses
from api.meeting_schemas import PersonOut
from attendance.models import Attendance, Segment, Session
from meetings.models import Meeting

router = Router(tags=["meetings"])

# A series has at most 60 lessons (Zoom's limit); held instances beyond that are rare repeats.
MAX_SESSIONS = 100


class Interval(Schema):
    join_at: str
    leave_at: str | None = Field(..., description="null while still in the meeting.")


class PersonAttendance(Schema):
    person: PersonOut
    role: str
    present: bool
    minutes: float = Field(..., description="Merged minutes in the lesson (rejoins counted once).")
    late: bool
    left_early: bool
    still_in: bool
    first_join: str | None
    last_leave: str | None
    segments: list[Interval]


class OtherParticipant(Schema):
    name: str
    email: str
    match: Literal["guest", "ambiguous", "host", "person"]
    segments: list[Interval]


class SessionOut(Schema):
    id: int
    zoom_uuid: str | None
    scheduled_start: str
    scheduled_end: str
    actual_start: str | None
    actual_end: str | None
    status: Literal["pending", "completed", "no_show", "teacher_absent", "never_took_place"]
    computed_status: Literal["pending", "completed", "no_show", "teacher_absent", "never_took_place"]
    overridden: bool
    override_reason: str
    needs_review: bool
    data_state: Literal["pending", "ready", "unavailable"]
    data_reason: str
    attendance: list[PersonAttendance]
    others: list[OtherParticipant] = Field(..., description="Participants not matched to an expected person.")


class MeetingAttendanceOut(Schema):
    meeting_id: int
    sessions: list[SessionOut] = Field(..., description="Newest first; empty until the lesson was held.")


def _interval(segment: Segment) -> dict:
    return {"join_at": utc_iso(segment.join_at), "leave_at": utc_iso(segment.leave_at)}


def session_out(session: Session) -> dict:
    by_person: dict[int, list[dict]] = {}
    others: dict[str, dict] = {}
    for segment in session.segments.all():
        if segment.person_id is not None and segment.match == Segment.Match.PERSON:
            by_person.setdefault(segment.person_id, []).append(_interval(segment))
        else:
            other = others.setdefault(
                segment.participant_key,
                {"name": segment.name, "email": segment.email, "match": segment.match, "segments": []},
            )
            other["segments"].append(_interval(segment))
    return {
        "id": session.pk,
        "zoom_uuid": session.zoom_uuid,
        "scheduled_start": utc_iso(session.scheduled_start),
        "scheduled_end": utc_iso(session.scheduled_end),
        "actual_start": utc_iso(session.actual_start),
        "actual_end": utc_iso(session.actual_end),
        "status": session.status,
        "computed_status": session.computed_status,
        "overridden": session.is_overridden,
        "override_reason": session.override_reason,
        "needs_review": session.needs_review,
        "data_state": session.data_state,
        "data_reason": session.data_reason,
        "attendance": [
            {
                "person": {
                    "id": a.person.pk,
                    "name": a.person.name,
                    "email": a.person.email,
                    "role": a.person.role,
                },
                "role": a.role,
                "present": a.present,
                "minutes": round(a.minutes, 2),
                "late": a.late,
                "left_early": a.left_early,
                "still_in": a.still_in,
                "first_join": utc_iso(a.first_join),
                "last_leave": utc_iso(a.last_leave),
                "segments": by_person.get(a.person_id, []),
            }
            for a in session.attendances.all()
        ],
        "others": list(others.values()),
    }


@router.get(
    "/meetings/{meeting_id}/attendance", auth=READ, response=responses({200: MeetingAttendanceOut}, 404)
)
def meeting_attendance(request, meeting_id: Id):
    """Status, minutes per person and join/leave segments of each held occurrence."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    sessions = (
        Session.objects.filter(meeting=meeting)
        .order_by("-scheduled_start", "-id")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
            Prefetch("segments", queryset=Segment.objects.order_by("join_at", "id")),
        )[:MAX_SESSIONS]
    )
    return {"meeting_id": meeting.pk, "sessions": [session_out(s) for s in sessions]}
