"""What gunicorn serves under /webhooks/: Zoom's deliveries without the middleware made for people.

An app may put its own WSGI application in front of Django for those paths (the webhooks app
answers per-account deliveries outside Django's request cycle): it registers a factory with
`webhook_intakes` in its AppConfig.ready(), the factory gets the Django handler to pass everything
else on to. At most one may; a system check says so at start-up.
"""

from collections.abc import Callable

from django.conf import settings
from django.core import checks
from django.core.handlers.wsgi import WSGIHandler

WEBHOOK_PREFIX = "/webhooks/"
# What a webhook delivery still needs: the delivery counters and answer timing for /metrics (a
# path check and a timer), and HTTPS redirects and headers as for every other URL.
INTAKE_MIDDLEWARE = ["zoomhub.metrics.MetricsMiddleware", "django.middleware.security.SecurityMiddleware"]


class IntakeWSGIHandler(WSGIHandler):
    """The same URLs and views; only INTAKE_MIDDLEWARE (those of it that are installed) around them."""

    def load_middleware(self, is_async=False):
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = [m for m in full if m in INTAKE_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class IntakeRegistry:
    """WSGI applications the apps put in front of Django's handler for WEBHOOK_PREFIX."""

    def __init__(self) -> None:
        self.registrations: list[tuple[str, Callable]] = []

    def register(self, factory: Callable, *, app_label: str) -> None:
        """`factory(fallback=<WSGI app>)` returns a WSGI app that hands what it does not answer to fallback."""
        if (app_label, factory) not in self.registrations:  # ready() may run twice in some test set-ups
            self.registrations.append((app_label, factory))

    def build(self, fallback):
        if not self.registrations:
            return fallback
        _app_label, factory = self.registrations[0]
        return factory(fallback=fallback)


webhook_intakes = IntakeRegistry()


@checks.register()
def check_webhook_intakes(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if len(webhook_intakes.registrations) <= 1:
        return []
    names = ", ".join(f"{label} ({factory.__qualname__})" for label, factory in webhook_intakes.registrations)
    return [
        checks.Error(
            f"More than one app puts its own WSGI intake in front of {WEBHOOK_PREFIX}: {names}.",
            hint="Only the first would ever answer; register one with zoomhub.intake_wsgi.webhook_intakes.",
            id="zoomhub.E002",
        )
    ]


def with_lean_webhooks(application):
    """`application`, except that paths under WEBHOOK_PREFIX go to the registered intake (if any),
    which hands everything it does not answer to an IntakeWSGIHandler."""
    intake = webhook_intakes.build(IntakeWSGIHandler())

    def route(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(WEBHOOK_PREFIX):
            return intake(environ, start_response)
        return application(environ, start_response)

    return route
