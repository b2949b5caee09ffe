from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Lessons")
    default_schedules = [
        DefaultSchedule(
            name="Retry lesson pushes to Zoom",
            task="meetings.sweep_pushes",
            every_seconds=60,
            description=(
                "Sends lessons to Zoom again when a push failed (after its back-off, or after the daily "
                "limit resets), when its task was lost, or when its worker died."
            ),
        ),
    ]

    # The Zoom events this app handles (checked at start-up by webhooks/checks.py).
    zoom_webhook_events = (
        "meeting.created",
        "meeting.started",
        "meeting.ended",
        "meeting.updated",
        "meeting.deleted",
        "webinar.created",
        "webinar.started",
        "webinar.ended",
        "webinar.updated",
        "webinar.deleted",
        "webinar.registration_created",
        "webinar.registration_approved",
        "webinar.registration_denied",
        "webinar.registration_cancelled",
    )

    def ready(self):
        from accounts.capabilities import capability_uses
        from meetings import dashboard, event_handlers
        from meetings.usage import credential_hosts_lessons, credential_hosts_webinars
        from webhooks.registry import handlers
        from zoomhub.cards import DashboardSection, dashboard_cards, dashboard_sections

        for event_type in self.zoom_webhook_events:
            handlers.register(event_type, event_handlers.HANDLERS[event_type], app_label=self.label)
        dashboard_cards.register(dashboard.cards, app_label=self.label)
        capability_uses.register(("lessons",), credential_hosts_lessons, app_label=self.label)
        capability_uses.register(("webinars",), credential_hosts_webinars, app_label=self.label)
        dashboard_sections.register(
            DashboardSection(
                key="agenda",
                title=_("Today and tomorrow"),
                template="meetings/_dashboard_agenda.html",
                load=dashboard.agenda,
                app_label=self.label,
                order=10,
            )
        )
        dashboard_sections.register(
            DashboardSection(
                key="inactive-hosts",
                title=_("Lessons whose Zoom host was deactivated"),
                template="meetings/_dashboard_inactive_hosts.html",
                load=dashboard.lessons_with_inactive_host,
                app_label=self.label,
                order=5,
                hide_when_empty=True,
            )
        )
