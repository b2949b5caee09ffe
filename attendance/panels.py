"""The attendance panel of the lesson page (registered in AttendanceConfig.ready())."""

from attendance.models import Session
from attendance.selectors import attendance_rate, student_history
from meetings.models import Meeting, Person
from meetings.timezones import school_timezone_name

SESSIONS_SHOWN = 20


def lesson_sessions(lesson: Meeting) -> list[Session]:
    """The lesson's latest held sessions with who came: three queries however many there are."""
    return list(
        Session.objects.filter(meeting=lesson)
        .select_related("teacher")
        .prefetch_related("attendances__person")
        .order_by("-scheduled_start", "-pk")[:SESSIONS_SHOWN]
    )


PERSON_ROWS_SHOWN = 10


def person_attendance(person: Person) -> dict:
    """The person's latest attendance and their rate: three queries however long their history."""
    present, counted = attendance_rate(person)
    return {
        "rows": list(student_history(person)[:PERSON_ROWS_SHOWN]),
        "present": present,
        "counted": counted,
        "rate": round(100 * present / counted) if counted else None,
        "school_timezone": school_timezone_name(),
    }
