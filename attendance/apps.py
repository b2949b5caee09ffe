from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance")
    default_schedules = [
        DefaultSchedule(
            name="Fetch attendance from Zoom",
            task="attendance.sweep_fetches",
            every_seconds=300,
            description=(
                "Sends attendance fetches whose task was lost, and finds lessons whose end passed "
                "without Zoom's meeting.ended event (looked up in Zoom's past meeting instances)."
            ),
        ),
    ]
