"""Small builders for attendance tests: a lesson on 2024-03-04 from 15:00 to 16:00 UTC."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attendance.computation import AttendanceResult, AttendanceRules, compute_attendance
from attendance.matching import ExpectedPerson
from attendance.segments import Segment

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"
START = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)
END = START + timedelta(minutes=60)
RULES = AttendanceRules(min_present_minutes=10, late_after_minutes=5, left_early_minutes=5)


def at(minutes: float) -> datetime:
    """The moment `minutes` after the lesson's scheduled start."""
    return START + timedelta(minutes=minutes)


def seg(
    name: str = "",
    start: float = 0,
    end: float | None = 60,
    *,
    email: str = "",
    zoom_id: str = "",
    user_id: str = "",
    registrant_id: str = "",
    source: str = "report",
) -> Segment:
    return Segment(
        join=at(start),
        leave=None if end is None else at(end),
        source=source,
        id=zoom_id,
        participant_user_id=zoom_id,
        user_id=user_id,
        registrant_id=registrant_id,
        name=name,
        email=email,
    )


def teacher(person_id="t", name="Anna Sergeeva", **kwargs) -> ExpectedPerson:
    kwargs.setdefault("email", "anna.sergeeva@school.example")
    return ExpectedPerson(id=person_id, role="teacher", name=name, **kwargs)


def student(person_id, name, **kwargs) -> ExpectedPerson:
    return ExpectedPerson(id=person_id, role="student", name=name, **kwargs)


def compute(segments, people, *, rules=RULES, **kwargs) -> AttendanceResult:
    kwargs.setdefault("scheduled_start", START)
    kwargs.setdefault("scheduled_end", END)
    return compute_attendance(segments=segments, people=people, rules=rules, **kwargs)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
