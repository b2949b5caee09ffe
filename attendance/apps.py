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

    # Participant events are stored by the webhooks app and read from there when a session is built.
    zoom_webhook_events = (
        "meeting.participant_joined",
        "meeting.participant_left",
        "webinar.participant_joined",
        "webinar.participant_left",
    )

    def ready(self):
        from accounts.capabilities import capability_uses
        from attendance import dashboard, panels, receivers
        from meetings.panels import LessonPanel, PersonPanel, lesson_panels, person_panels
        from meetings.signals import lesson_ended, lesson_started
        from meetings.usage import credential_hosts_lessons
        from webhooks.registry import handlers
        from zoomhub import wiring
        from zoomhub.cards import DashboardSection, dashboard_cards, dashboard_sections

        # Every lesson's attendance is read from Zoom.
        capability_uses.register(("attendance",), credential_hosts_lessons, app_label=self.label)
        wiring.connect(
            lesson_started,
            receivers.open_session_when_lesson_starts,
            signal_name="meetings.signals.lesson_started",
            app_label=self.label,
        )
        wiring.connect(
            lesson_ended,
            receivers.fetch_attendance_when_lesson_ends,
            signal_name="meetings.signals.lesson_ended",
            app_label=self.label,
        )
        for event_type in self.zoom_webhook_events:
            handlers.register_stored(event_type, app_label=self.label)
        lesson_panels.register(
            LessonPanel(
                key="attendance",
                title=_("Attendance"),
                template="attendance/_lesson_attendance.html",
                load=panels.lesson_sessions,
                app_label=self.label,
                order=10,
            )
        )
        person_panels.register(
            PersonPanel(
                key="attendance",
                title=_("Attendance"),
                template="attendance/_person_attendance.html",
                load=panels.person_attendance,
                app_label=self.label,
                order=20,
            )
        )
        dashboard_cards.register(dashboard.cards, app_label=self.label)
        dashboard_sections.register(
            DashboardSection(
                key="weeks",
                title=_("The last 8 weeks"),
                template="attendance/_dashboard_weeks.html",
                load=dashboard.weeks_chart,
                app_label=self.label,
                order=50,
            )
        )
