"""Settings for `make run` and the test suite: ZoomHub's own, plus the sandbox as a Django app.

Installing the sandbox gives manage.py its commands (`run_all`, `zoom_sandbox`); the product's
settings (zoomhub.settings) never name it, and run_all starts web, worker and beat with those.
"""

from zoomhub.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "sandbox"]  # noqa: F405

# The port `make run` starts the sandbox on, unless ZOOM_SANDBOX=off or a real Zoom is configured;
# `manage.py zoom_sandbox` uses it too.
ZOOM_SANDBOX_PORT = env.int("ZOOM_SANDBOX_PORT", default=8010)  # noqa: F405
