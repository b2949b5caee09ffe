"""Test settings: the real settings, with the environment the suite needs.

DATABASE_URL and REDIS_URL are taken from the environment when set (CI points them at
PostgreSQL and Redis); otherwise SQLite and the embedded broker are used.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("FIELD_ENCRYPTION_SALTS", "test-salt")

# The sandbox app too: its commands (run_all, zoom_sandbox) are tested.
from sandbox.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's in-memory database: worker and server processes started by tests open
    # it too (tests/processes.py), and it stays under var/ instead of the checkout.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Mail stays in memory (never a developer's EMAIL_URL from .env), unless a test points its worker
# process at the test's own SMTP server (tests/notifications/test_worker_sends_once.py).
if os.environ.get("ZOOMHUB_TEST_EMAIL_URL"):
    vars().update(env.email_url("ZOOMHUB_TEST_EMAIL_URL"))  # noqa: F405
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if REDIS_URL:  # noqa: F405
    # Keep test keys apart from a developer's running app on the same Redis.
    CACHES["default"]["KEY_PREFIX"] = "zoomhub-test"  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Most API tests have no Zoom to push to; the tests that replay a seed against the sandbox turn
# the immediate push back on.
LESSON_API_PUSHES_AT_ONCE = False
# A developer's own config/oauth_zoom.json must not leak into tests; tests that need one set it.
OAUTH_ZOOM_CONFIG_FILE = BASE_DIR / "var" / "tests-have-no-oauth-zoom.json"  # noqa: F405
# A test's own Celery queue, for worker processes that send tasks themselves (tests/processes.py).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("ZOOMHUB_TEST_QUEUE", "celery")
