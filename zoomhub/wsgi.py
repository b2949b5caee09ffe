"""The WSGI application gunicorn serves.

Zoom's webhook deliveries (/webhooks/…) go to a second Django handler with only the security
middleware: a delivery has no session, user, messages, language or HTMX to read, and at a
thousand deliveries a second the middleware made for people cost more than the intake itself.
Everything else gets the whole stack.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoomhub.settings")
application = get_wsgi_application()

from zoomhub.intake_wsgi import with_lean_webhooks  # noqa: E402  (needs the settings above)

application = with_lean_webhooks(application)

# The URLconf (and the API's routers under it) is otherwise imported on each worker's first
# request; imported here, gunicorn's preload_app imports it once in the master for every worker.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018  (the import is the point)
