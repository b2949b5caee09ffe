"""The attendance panel of the lesson page (registered in AttendanceConfig.ready())."""

from attendance.models import Session
from meetings.models import Meeting

SESSIONS_SHOWN = 20


def lesson_sessions(lesson: Meeting) -> list[Session]:
    """The lesson's latest held sessions with who came: three queries however many there are."""
    return list(
        Session.objects.filter(meeting=lesson)
        .select_related("teacher")
        .prefetch_related("attendances__person")
        .order_by("-scheduled_start", "-pk")[:SESSIONS_SHOWN]
    )
