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
        from zoomhub import (
            metrics,
            wiring,  # noqa: F401  (registers the check that receivers stay connected)
            workers,
        )
        from zoomhub.zoom import transport

        if metrics.observe_zoom_response not in transport.RESPONSE_OBSERVERS:
            transport.RESPONSE_OBSERVERS.append(metrics.observe_zoom_response)
        workers.connect_signals()
        from zoomhub import dashboard
        from zoomhub.cards import dashboard_cards

        dashboard_cards.register(dashboard.cards, app_label=self.label)
        metrics.metric_sources.register(metrics.collect, app_label=self.label)
