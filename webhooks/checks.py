"""Start-up check: every Zoom event an app subscribes to has a handler, registered by that app.

Runs with `manage.py check`, `migrate` and `runserver` (and in tests/webhooks/test_checks.py),
so a renamed or deleted handler stops the deployment instead of leaving events unprocessed.
"""

from django.apps import apps
from django.core import checks

from webhooks.registry import handlers


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
