from django.apps import AppConfig

from zoomhub.schedules import DefaultSchedule


class ZoomHubConfig(AppConfig):
    name = "zoomhub"
    verbose_name = "ZoomHub"
    default_schedules = [
        DefaultSchedule(
            name="Clear expired sign-in sessions",
            task="zoomhub.clear_expired_sessions",
            crontab="17 3 * * *",
            description="Deletes expired rows from the session table (Django's clearsessions).",
        ),
    ]

    def ready(self):
        from zoomhub import heartbeat, wiring  # noqa: F401  (wiring registers the receivers' check)
        from zoomhub.cards import dashboard_cards

        dashboard_cards.register(heartbeat.cards, app_label=self.label)
