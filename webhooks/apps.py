from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zoomhub.schedules import DefaultSchedule


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Zoom webhooks")
    # Events this app handles itself (see webhooks/registry.py for how the other apps subscribe).
    zoom_webhook_events = (
        "app_deauthorized",
        "user.created",
        "user.updated",
        "user.deleted",
        "user.activated",
        "user.deactivated",
    )
    default_schedules = [
        DefaultSchedule(
            name="Sweep Zoom webhook events",
            task="webhooks.sweep_events",
            every_seconds=30,
            description=(
                "Sends webhook events whose processing task never reached a worker (broker down), "
                "retries failed events when their back-off ends, reclaims events of workers that died."
            ),
        ),
    ]

    def ready(self):
        from webhooks import checks, dashboard  # noqa: F401  (checks registers the start-up check)
        from webhooks.handlers import USER_EVENTS, app_deauthorized, zoom_user_changed
        from webhooks.registry import handlers
        from zoomhub.cards import dashboard_cards

        handlers.register("app_deauthorized", app_deauthorized, app_label=self.label)
        for event_type in USER_EVENTS:
            handlers.register(event_type, zoom_user_changed, app_label=self.label)
        dashboard_cards.register(dashboard.cards, app_label=self.label)
        from webhooks import metrics
        from zoomhub.metrics import metric_sources

        metric_sources.register(metrics.collect, app_label=self.label)

        # Per-account deliveries answered in front of Django's request cycle (zoomhub/wsgi.py serves it).
        from webhooks.wsgi import CredentialIntake
        from zoomhub.intake_wsgi import webhook_intakes

        webhook_intakes.register(CredentialIntake, app_label=self.label)

        # Every Celery worker runs one dispatcher that hands stored events over in batches.
        from celery import signals

        from webhooks.dispatcher import start_in_worker, stop_in_worker

        signals.worker_ready.connect(start_in_worker, weak=False, dispatch_uid="webhooks-dispatcher-start")
        signals.worker_shutdown.connect(stop_in_worker, weak=False, dispatch_uid="webhooks-dispatcher-stop")
