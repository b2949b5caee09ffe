"""Start-up checks: every Zoom event an app subscribes to has a handler, registered by that app;
the per-account webhook URL is served in front of Django's request cycle.

Runs with `manage.py check`, `migrate` and `runserver` (and in tests/webhooks/test_checks.py),
so a renamed or deleted handler stops the deployment instead of leaving events unprocessed.
"""

from django.apps import apps
from django.core import checks

from webhooks.registry import handlers
from zoomhub.intake_wsgi import webhook_intakes


@checks.register()
def check_webhook_handlers(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for config in apps.get_app_configs():
        for event_type in getattr(config, "zoom_webhook_events", ()):
            registration = handlers.registrations.get(event_type)
            if registration is None or registration.app_label != config.label:
                errors.append(
                    checks.Error(
                        f"App {config.label!r} subscribes to the Zoom event {event_type!r} but registered "
                        "no handler for it.",
                        hint=f"Register one in {config.name}'s AppConfig.ready() with "
                        "webhooks.registry.handlers.register().",
                        obj=config,
                        id="webhooks.E001",
                    )
                )
    return errors


@checks.register()
def check_webhook_intake(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if any(label == "webhooks" for label, _factory in webhook_intakes.registrations):
        return []
    return [
        checks.Warning(
            "The webhooks app's WSGI intake is not registered: every delivery goes through Django's "
            "whole request cycle, at several times the CPU.",
            hint="Register webhooks.wsgi.CredentialIntake with zoomhub.intake_wsgi.webhook_intakes in "
            "WebhooksConfig.ready().",
            id="webhooks.W001",
        )
    ]
