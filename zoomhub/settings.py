"""ZoomHub settings: one module, every value from the environment (see .env.example)."""

from email.utils import getaddresses
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"
# Old keys stay here while secrets encrypted with them are re-encrypted
# (manage.py rotate_encryption_keys); sessions and signatures keep working meanwhile.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

# django-fernet-encrypted-fields derives its Fernet keys from SECRET_KEY (and fallbacks) and SALT_KEY.
# The first salt encrypts, all of them decrypt: prepend a new salt to rotate.
SALT_KEY = env.list("FIELD_ENCRYPTION_SALTS", default=["zoomhub-default-salt"])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "django_htmx",
    "csp",
    # Only for its bundled Swagger UI files: the API docs page then loads them from ZoomHub, not a CDN.
    "ninja",
    "zoomhub",
    "accounts",
    "webhooks",
    "meetings",
    "recordings",
    "attendance",
    "notifications",
    "api",
]

MIDDLEWARE = [
    "zoomhub.health.HealthCheckMiddleware",
    "zoomhub.metrics.MetricsMiddleware",
    # Outside the others, so every answer under /api/ gets the API's error shape, even one made by
    # handler500 for an error raised in a middleware below.
    "api.middleware.ApiErrorShapeMiddleware",
    "api.paths.TrailingSlashMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zoomhub.headers.PermissionsPolicyMiddleware",
    "zoomhub.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: picks the language from the cookie or
    # Accept-Language (no URL prefixes) and adds Content-Language and Vary to every answer.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs the user: their stored language and zone override the cookie and Accept-Language.
    "accounts.preferences.StaffPreferencesMiddleware",
    # After the staff preferences: the viewer's stored zone, else the school's, for every page.
    "zoomhub.clock.SchoolTimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zoomhub.access.StaffOnlyMiddleware",
]

ROOT_URLCONF = "zoomhub.urls"
WSGI_APPLICATION = "zoomhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zoomhub.context_processors.zoomhub",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Databases: PostgreSQL in production and tests, a SQLite file for `make run`.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'zoomhub.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers run beside one writer, and
    # IMMEDIATE transactions queue writers instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Redis: cache (tokens, rate limits, login throttling) and Celery broker. Without it, a
# local-memory cache and kombu's filesystem transport, so `make run` needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
# Every Redis client (cache, locks, rate limiter, broker publishing) gives up after these many
# seconds: a hung Redis must cost a request milliseconds, not the seconds Zoom's webhooks lack.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=1.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "zoomhub.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="zoomhub"),
            # A Redis outage must degrade the cache, not take pages down.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: staff sign in with email or username; nobody signs up on their own.
ACCOUNT_ADAPTER = "accounts.adapters.StaffOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ZoomHub"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("et", "Eesti")]
TIME_ZONE = "UTC"
USE_I18N = True
# ZoomHub's own catalogues (docs/translations.md); the .mo files are built by `make install`.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# Date formats Django's own locales get wrong for the school (zoomhub/formats/<language>/).
FORMAT_MODULE_PATH = ["zoomhub.formats"]
USE_TZ = True
SCHOOL_TIMEZONE = env.str("SCHOOL_TIMEZONE", default="Europe/Tallinn")

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Without EMAIL_URL (make run), mail is written to files under var/mail/ and listed on the staff
# page "Outgoing mail"; production sets smtp://, smtp+tls:// or smtps:// (docs/notifications.md).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # django-environ reads filemail:///var/mail as "var/mail": a relative folder is under the checkout.
    EMAIL_FILE_PATH = str(BASE_DIR / (EMAIL_CONFIG.get("EMAIL_FILE_PATH") or "var/mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ZoomHub <zoomhub@localhost>")
# Server errors are mailed to ADMINS ("Name <address>, Name <address>") from SERVER_EMAIL.
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Where people reach ZoomHub: links in mail (unsubscribe) and the calendar feed addresses.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Notifications (docs/notifications.md): retries of mail and outgoing events, in seconds.
NOTIFICATIONS_RETRY_SECONDS = env.list(
    "NOTIFICATIONS_RETRY_SECONDS", cast=int, default=[60, 300, 900, 3600, 3600 * 3, 3600 * 6]
)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=10)
NOTIFICATIONS_SENDING_STALE_SECONDS = env.int("NOTIFICATIONS_SENDING_STALE_SECONDS", default=600)
NOTIFICATIONS_JOIN_LINK_WAIT_SECONDS = env.int("NOTIFICATIONS_JOIN_LINK_WAIT_SECONDS", default=30)
NOTIFICATIONS_EVENT_TIMEOUT_SECONDS = env.float("NOTIFICATIONS_EVENT_TIMEOUT_SECONDS", default=10.0)
ADMINS = [(name, address) for name, address in getaddresses(env.list("ADMINS", default=[])) if address]

# Security: production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one SQL statement instead of a queryset (zoomhub/sessions.py).
SESSION_ENGINE = "zoomhub.sessions"
X_FRAME_OPTIONS = "DENY"
# The number of proxies (nginx: 1) whose X-Forwarded-For gives the client's IP to sign-in rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Content-Security-Policy (django-csp): only ZoomHub's own files run; the one inline script a
# page may need carries the request's nonce. Images also as data: URLs (the TOTP QR code,
# Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no ZoomHub page uses (zoomhub.headers.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Celery: JSON only, tasks are idempotent so a lost worker's task runs again.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport and result backend need their folders to exist.
    for _folder in (_broker_dir / "queue", _broker_dir / "processed", VAR_DIR / "celery-results"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables (the workers' control and broadcast messages); kombu's default is a
        # "control" folder in the current directory, i.e. the checkout.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # The worker's own connection: longer than the web's (it waits on BRPOP between tasks),
        # but bounded, so a hung Redis ends in a reconnect instead of a worker stuck forever.
        "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0),
        "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=10.0),
        "socket_keepalive": True,
        "health_check_interval": 10,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_RESULT_BACKEND = REDIS_URL or f"file://{VAR_DIR / 'celery-results'}"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost Redis keeps trying to reconnect instead of exiting (the default gives up
# after 100 tries); the runner and compose's restart policy catch what is left.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A worker writes when it took its last task (zoomhub.workers); none for this long is reported
# on the dashboard, in /metrics and by the worker health check.
WORKER_STALL_MINUTES = env.float("WORKER_STALL_MINUTES", default=5.0)

# Zoom endpoints (the sandbox or a proxy may stand in) and the user-OAuth app.
ZOOM_API_BASE_URL = env.str("ZOOM_API_BASE_URL", default="https://api.zoom.us/v2")
ZOOM_OAUTH_BASE_URL = env.str("ZOOM_OAUTH_BASE_URL", default="https://zoom.us/oauth")
OAUTH_ZOOM_CLIENT_ID = env.str("OAUTH_ZOOM_CLIENT_ID", default="")
OAUTH_ZOOM_CLIENT_SECRET = env.str("OAUTH_ZOOM_CLIENT_SECRET", default="")
OAUTH_ZOOM_REDIRECT_URI = env.str("OAUTH_ZOOM_REDIRECT_URI", default="")
# Or the same app as JSON (client_id, client_secret, redirect_uri), when the variables above are unset.
OAUTH_ZOOM_CONFIG_FILE = env.path("OAUTH_ZOOM_CONFIG_FILE", default=BASE_DIR / "config" / "oauth_zoom.json")
# The Zoom library's HTTP behaviour (zoomhub/zoom/; docs/zoom.md).
ZOOM_CONNECT_TIMEOUT = env.float("ZOOM_CONNECT_TIMEOUT", default=5.0)
ZOOM_READ_TIMEOUT = env.float("ZOOM_READ_TIMEOUT", default=30.0)
ZOOM_DOWNLOAD_READ_TIMEOUT = env.float("ZOOM_DOWNLOAD_READ_TIMEOUT", default=60.0)
# A token refresh's answer holds the only copy of the rotated refresh token: wait longer for it.
ZOOM_OAUTH_READ_TIMEOUT = env.float("ZOOM_OAUTH_READ_TIMEOUT", default=60.0)
ZOOM_MAX_RETRIES = env.int("ZOOM_MAX_RETRIES", default=4)
ZOOM_RETRY_BASE_DELAY = env.float("ZOOM_RETRY_BASE_DELAY", default=1.0)
ZOOM_RETRY_MAX_DELAY = env.float("ZOOM_RETRY_MAX_DELAY", default=20.0)
ZOOM_RETRY_MAX_TOTAL_SECONDS = env.float("ZOOM_RETRY_MAX_TOTAL_SECONDS", default=60.0)
ZOOM_RATE_LIMIT_RETRIES = env.int("ZOOM_RATE_LIMIT_RETRIES", default=5)
ZOOM_MAX_RETRY_AFTER = env.float("ZOOM_MAX_RETRY_AFTER", default=60.0)
ZOOM_RATE_LIMIT_MAX_WAIT = env.float("ZOOM_RATE_LIMIT_MAX_WAIT", default=30.0)
ZOOM_RATE_LIMIT_MARGIN = env.float("ZOOM_RATE_LIMIT_MARGIN", default=0.1)
ZOOM_HTTP_POOL_SIZE = env.int("ZOOM_HTTP_POOL_SIZE", default=20)
# A single-account school's Zoom app, as the trial-lesson bot and the attendance endpoint name it:
# `manage.py zoom_credential_from_env` (run at start) creates or updates one Server-to-Server
# credential from them (docs/seeds.md).
ZOOM_ACCOUNT_ID = env.str("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env.str("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env.str("ZOOM_CLIENT_SECRET", default="")
ZOOM_CREDENTIAL_NAME = env.str("ZOOM_CREDENTIAL_NAME", default="Zoom (from the environment)")
# One app secret token for /webhooks/zoom (a single-account school's event endpoint); each
# account's own secret token, set on its page, also verifies events sent there.
ZOOM_WEBHOOK_SECRET_TOKEN = env.str("ZOOM_WEBHOOK_SECRET_TOKEN", default="")
# POST /api/v1/meetings creates the meeting in Zoom within the request, so its answer carries
# join_url, start_url and password as Zoom's own create does; off: it answers at once and the
# outbox creates the meeting in the background (join_url null until then).
LESSON_API_PUSHES_AT_ONCE = env.bool("LESSON_API_PUSHES_AT_ONCE", default=True)
# The OAuth app's Secret Token (its Features page): verifies events sent to /webhooks/zoom/oauth/.
OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN = env.str("OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN", default="")
# Larger webhook bodies are refused (413); Zoom's biggest, recording.completed, is a few KB.
ZOOM_WEBHOOK_MAX_BODY_BYTES = env.int("ZOOM_WEBHOOK_MAX_BODY_BYTES", default=1024 * 1024)
# Each Celery worker runs a dispatcher that hands stored webhook events to the workers in batches
# (webhooks.dispatcher); turn it off only where another process dispatches.
ZOOM_WEBHOOK_DISPATCHER = env.bool("ZOOM_WEBHOOK_DISPATCHER", default=True)
# True while ZOOM_*_BASE_URL point at our Zoom sandbox: pages show a banner.
ZOOM_SANDBOX = env.bool("ZOOM_SANDBOX", default=False)

# Attendance rules (docs/attendance.md). Present: at least MIN_PRESENT_MINUTES in the
# lesson, or MIN_PRESENT_SHARE (0-1) of its scheduled duration when that is set.
ATTENDANCE_MIN_PRESENT_MINUTES = env.float("ATTENDANCE_MIN_PRESENT_MINUTES", default=10.0)
_attendance_share = env.str("ATTENDANCE_MIN_PRESENT_SHARE", default="").strip()
try:
    ATTENDANCE_MIN_PRESENT_SHARE = float(_attendance_share) if _attendance_share else None
except ValueError:
    raise ImproperlyConfigured(
        "ATTENDANCE_MIN_PRESENT_SHARE must be a number such as 0.5, or empty."
    ) from None
ATTENDANCE_LATE_AFTER_MINUTES = env.float("ATTENDANCE_LATE_AFTER_MINUTES", default=5.0)
ATTENDANCE_LEFT_EARLY_MINUTES = env.float("ATTENDANCE_LEFT_EARLY_MINUTES", default=5.0)
ATTENDANCE_GROUP_COMPLETED_WHEN = env.str("ATTENDANCE_GROUP_COMPLETED_WHEN", default="any")
if min(ATTENDANCE_MIN_PRESENT_MINUTES, ATTENDANCE_LATE_AFTER_MINUTES, ATTENDANCE_LEFT_EARLY_MINUTES) < 0:
    raise ImproperlyConfigured("ATTENDANCE_*_MINUTES cannot be negative.")
if ATTENDANCE_MIN_PRESENT_SHARE is not None and not 0 < ATTENDANCE_MIN_PRESENT_SHARE <= 1:
    raise ImproperlyConfigured(
        "ATTENDANCE_MIN_PRESENT_SHARE must be a fraction above 0 and at most 1 (e.g. 0.5)."
    )
if ATTENDANCE_GROUP_COMPLETED_WHEN not in ("any", "all"):
    raise ImproperlyConfigured("ATTENDANCE_GROUP_COMPLETED_WHEN must be 'any' or 'all'.")
# Fetching participants after a lesson: the first try this long after meeting.ended (also the
# base of the back-off: 1x, 2x, 4x ... at most an hour), and the retries stop this long after the end.
ATTENDANCE_FETCH_DELAY_SECONDS = env.float("ATTENDANCE_FETCH_DELAY_SECONDS", default=120.0)
ATTENDANCE_REPORT_WAIT_HOURS = env.float("ATTENDANCE_REPORT_WAIT_HOURS", default=6.0)
if ATTENDANCE_FETCH_DELAY_SECONDS < 0 or ATTENDANCE_REPORT_WAIT_HOURS <= 0:
    raise ImproperlyConfigured(
        "ATTENDANCE_FETCH_DELAY_SECONDS cannot be negative and ATTENDANCE_REPORT_WAIT_HOURS must be above 0."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_url_secrets": {"()": "zoomhub.logfilters.RedactUrlSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # At DEBUG urllib3 logs each request line, query string included (download tokens).
        "urllib3.connectionpool": {"filters": ["redact_url_secrets"]},
    },
}
# Error reports (ADMINS' e-mail) show no POST values and no local variables but numbers.
DEFAULT_EXCEPTION_REPORTER_FILTER = "zoomhub.errors.SecretHidingReporterFilter"
# Optional: error reports to Sentry too, scrubbed of secrets, tokens, webhook bodies and e-mail
# addresses before they leave (zoomhub.sentry).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from zoomhub.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)

# /metrics (Prometheus): open to a bearer METRICS_TOKEN, and without one to METRICS_ALLOWED_NETWORKS.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])

# Recordings (recordings app): syncs, downloads, retention.
RECORDINGS_SYNC_THREADS = env.int("RECORDINGS_SYNC_THREADS", default=8)
RECORDINGS_SYNC_OVERLAP_DAYS = env.int("RECORDINGS_SYNC_OVERLAP_DAYS", default=2)
RECORDINGS_FIRST_SYNC_DAYS = env.int("RECORDINGS_FIRST_SYNC_DAYS", default=30)
RECORDINGS_SYNC_STALE_SECONDS = env.float("RECORDINGS_SYNC_STALE_SECONDS", default=120.0)
RECORDINGS_SYNC_MAX_ATTEMPTS = env.int("RECORDINGS_SYNC_MAX_ATTEMPTS", default=5)
RECORDINGS_PARTIAL_DIR = env.path("RECORDINGS_PARTIAL_DIR", default=VAR_DIR / "partial-downloads")
RECORDINGS_DOWNLOAD_MAX_ATTEMPTS = env.int("RECORDINGS_DOWNLOAD_MAX_ATTEMPTS", default=8)
RECORDINGS_DOWNLOAD_RETRY_BASE_SECONDS = env.int("RECORDINGS_DOWNLOAD_RETRY_BASE_SECONDS", default=60)
RECORDINGS_DOWNLOAD_STALE_SECONDS = env.int("RECORDINGS_DOWNLOAD_STALE_SECONDS", default=900)
RECORDINGS_DOWNLOAD_BATCH = env.int("RECORDINGS_DOWNLOAD_BATCH", default=200)
# Destinations (docs/storage.md): S3 parts in flight per transfer, retries and timeouts of S3 calls,
# how long an idle multipart upload lives before the daily sweep aborts it, presigned link lifetime.
RECORDINGS_S3_PART_CONCURRENCY = env.int("RECORDINGS_S3_PART_CONCURRENCY", default=2)
RECORDINGS_S3_MAX_ATTEMPTS = env.int("RECORDINGS_S3_MAX_ATTEMPTS", default=5)
RECORDINGS_S3_CONNECT_TIMEOUT = env.float("RECORDINGS_S3_CONNECT_TIMEOUT", default=10.0)
RECORDINGS_S3_READ_TIMEOUT = env.float("RECORDINGS_S3_READ_TIMEOUT", default=120.0)
RECORDINGS_MULTIPART_STALE_HOURS = env.int("RECORDINGS_MULTIPART_STALE_HOURS", default=24)
RECORDINGS_TRANSFER_BUSY_RETRY_SECONDS = env.int("RECORDINGS_TRANSFER_BUSY_RETRY_SECONDS", default=30)
RECORDINGS_PRESIGNED_URL_SECONDS = env.int("RECORDINGS_PRESIGNED_URL_SECONDS", default=300)
# Set when nginx (or another proxy) serves MEDIA_ROOT from an internal location, e.g.
# "/protected-media/": local files are then handed over with X-Accel-Redirect.
RECORDINGS_ACCEL_REDIRECT_PREFIX = env.str("RECORDINGS_ACCEL_REDIRECT_PREFIX", default="")
# How long Redis keeps an unacknowledged task before another worker gets it (a killed worker's task).
# A worker sweeps for such tasks every CELERY_UNACKED_RESTORE_SECONDS (one cheap Redis query).
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env.int(
        "CELERY_UNACKED_RESTORE_SECONDS", default=10
    )
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
