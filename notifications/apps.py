from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_schedules = [
        DefaultSchedule(
            name="Send due mail",
            task="notifications.send_due_messages",
            every_seconds=60,
            description=(
                "Sends invitations, updates, cancellations and reminders that are due: new ones whose "
                "task was lost, ones that waited for Zoom's join link, failed ones after their back-off."
            ),
        ),
        DefaultSchedule(
            name="Lesson reminders",
            task="notifications.queue_reminders",
            every_seconds=60,
            description="Adds the reminders whose time has come (school's or lesson's settings) to the outbox.",
        ),
        DefaultSchedule(
            name="Deliver outgoing events",
            task="notifications.sweep_events",
            every_seconds=30,
            description="Delivers signed events to the school's programs: new ones, and failed ones after back-off.",
        ),
    ]

    def ready(self):
        from attendance.signals import attendance_decided
        from meetings.panels import LessonPanel, PersonPanel, lesson_panels, person_panels
        from meetings.signals import (
            lesson_cancelled,
            lesson_changed,
            lesson_ended,
            lesson_scheduled,
            lesson_started,
            webinar_registrant_approved,
            webinar_registrant_withdrawn,
        )
        from notifications import dashboard, panels, receivers
        from recordings.signals import recording_completed
        from zoomhub import wiring
        from zoomhub.cards import dashboard_cards

        for signal, receiver, name in (
            (lesson_scheduled, receivers.invite_when_lesson_scheduled, "lesson_scheduled"),
            (lesson_changed, receivers.update_when_lesson_changed, "lesson_changed"),
            (lesson_cancelled, receivers.cancel_when_lesson_cancelled, "lesson_cancelled"),
            (lesson_started, receivers.announce_lesson_started, "lesson_started"),
            (lesson_ended, receivers.announce_lesson_ended, "lesson_ended"),
            (
                webinar_registrant_approved,
                receivers.invite_when_registrant_approved,
                "webinar_registrant_approved",
            ),
            (
                webinar_registrant_withdrawn,
                receivers.cancel_when_registrant_withdrawn,
                "webinar_registrant_withdrawn",
            ),
        ):
            wiring.connect(signal, receiver, signal_name=f"meetings.signals.{name}", app_label=self.label)
        wiring.connect(
            recording_completed,
            receivers.announce_recording_stored,
            signal_name="recordings.signals.recording_completed",
            app_label=self.label,
        )
        wiring.connect(
            attendance_decided,
            receivers.announce_attendance_decided,
            signal_name="attendance.signals.attendance_decided",
            app_label=self.label,
        )
        dashboard_cards.register(dashboard.cards, app_label=self.label)
        lesson_panels.register(
            LessonPanel(
                key="reminders",
                title=_("Reminders"),
                template="notifications/_lesson_reminders.html",
                load=panels.lesson_reminders,
                app_label=self.label,
                order=30,
            )
        )
        person_panels.register(
            PersonPanel(
                key="calendar-feed",
                title=_("Calendar and mail"),
                template="notifications/_person_calendar.html",
                load=panels.person_calendar,
                app_label=self.label,
                order=40,
            )
        )
