"""A Django WSGI handler for Zoom's webhook deliveries, without the middleware made for people."""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string

WEBHOOK_PREFIX = "/webhooks/"
FAST_INTAKE = "webhooks.wsgi.CredentialIntake"
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


def with_lean_webhooks(application):
    """`application`, except that paths under WEBHOOK_PREFIX go to the webhooks app's own WSGI
    intake (per-account deliveries, outside Django's request cycle), which hands everything else
    to an IntakeWSGIHandler. The project names the app only as a string."""
    intake = import_string(FAST_INTAKE)(fallback=IntakeWSGIHandler())

    def route(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(WEBHOOK_PREFIX):
            return intake(environ, start_response)
        return application(environ, start_response)

    return route
