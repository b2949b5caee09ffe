"""What attendance does when a lesson starts or ends (connected in AttendanceConfig.ready())."""

from attendance.services import attendance_schedule_fetch, attendance_session_begin


def open_session_when_lesson_starts(*, sender, meeting, zoom_uuid, started_at, **kwargs) -> None:
    attendance_session_begin(meeting=meeting, zoom_uuid=zoom_uuid, started_at=started_at)


def fetch_attendance_when_lesson_ends(*, sender, meeting, zoom_uuid, ended_at, **kwargs) -> None:
    attendance_schedule_fetch(meeting=meeting, zoom_uuid=zoom_uuid, ended_at=ended_at)
