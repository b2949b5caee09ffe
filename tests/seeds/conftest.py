"""What the replays of the seeds' programs share.

A school as those programs know it on the Zoom sandbox (`school`: the app in ZOOM_ACCOUNT_ID /
ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET and ZOOM_WEBHOOK_SECRET_TOKEN, connected with
`manage.py zoom_credential_from_env`), a token made the way a script makes one, a staff browser,
the sandbox's consent page, and the sandbox's webhook deliveries relayed into the test's Django.
Requests go through Django in-process with the guide's path, body and headers (all but the host);
Zoom is the sandbox's real HTTP server.
"""

import io
import json
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import call_command

from accounts.models import Credential
from accounts.services import zoom_users_refresh
from api.models import ApiToken
from api.services import api_token_create
from tests.api.conftest import ApiClient

# The seeds' .env examples, completed to the lengths ZoomHub asks for.
ACCOUNT_ID = "AbCdEf123xyz"
CLIENT_ID = "abcdef123456uvw"
CLIENT_SECRET = "AbCdEfGhIjKlMnOpQrSt"
WEBHOOK_SECRET = "your_webhook_secret_here"
TEACHER = {
    "id": "teacherZoomId01",
    "email": "anna@allinacademy.example",
    "first_name": "Anna",
    "last_name": "Tamm",
}


@dataclass
class School:
    zoom: object  # tests.sandbox_fixtures.RunningSandbox
    credential: Credential
    token: str  # a read-and-write API token, the programs' INTERNAL_API_KEY / JWT

    def calls(self, key: str) -> int:
        return self.zoom.control.calls().get(key, 0)


def make_zoom_app(zoom, *, scopes=None, webhook_urls=()):
    control = zoom.control
    control.add_account(id=ACCOUNT_ID, name="All In Academy", plan="pro", owner_email=TEACHER["email"])
    control.add_user(account_id=ACCOUNT_ID, type=2, timezone="Europe/Tallinn", **TEACHER)
    control.add_user(
        id="assistantZoom01",
        account_id=ACCOUNT_ID,
        email="desk@allinacademy.example",
        first_name="Desk",
        type=1,
    )
    app = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "kind": "server_to_server",
        "account_id": ACCOUNT_ID,
        "webhook_secret": WEBHOOK_SECRET,
        "webhook_urls": list(webhook_urls),
    }
    if scopes is not None:
        app["scopes"] = scopes
    control.add_app(**app)


def env_settings(settings, zoom) -> None:
    for name, value in zoom.settings_overrides.items():
        setattr(settings, name, value)
    settings.ZOOM_ACCOUNT_ID = ACCOUNT_ID
    settings.ZOOM_CLIENT_ID = CLIENT_ID
    settings.ZOOM_CLIENT_SECRET = CLIENT_SECRET
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = WEBHOOK_SECRET
    settings.LESSON_API_PUSHES_AT_ONCE = True
    settings.ZOOM_MAX_RETRIES = 0


def connect_school(zoom, staff_user) -> School:
    call_command("zoom_credential_from_env")
    credential = Credential.objects.get(account_id=ACCOUNT_ID, client_id=CLIENT_ID)
    zoom_users_refresh(credential=credential)  # what the queued refresh task does
    _row, raw = api_token_create(user=staff_user, name="trial-lesson bot", scope=ApiToken.Scope.READ_WRITE)
    return School(zoom=zoom, credential=credential, token=raw)


@pytest.fixture(autouse=True)
def _forget_kept_webhook_secrets():
    """The intake keeps secrets for a few seconds; each test's database starts afresh."""
    from webhooks import views

    views._shared.clear()
    views._secrets.clear()
    yield
    views._shared.clear()
    views._secrets.clear()


@pytest.fixture
def school(zoom_sandbox, settings, staff_user):
    env_settings(settings, zoom_sandbox)
    make_zoom_app(zoom_sandbox)
    return connect_school(zoom_sandbox, staff_user)


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client, path: str, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def script_token(staff_user):
    """`manage.py create_api_token --user … --scope write`: the guide's YOUR_JWT_TOKEN."""
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "--user", staff_user.email, "--scope", "write", stdout=out, stderr=err)
    return out.getvalue().strip()


@pytest.fixture
def seed_client(client, script_token):
    """Django's client sending `Authorization: Bearer <token>` and JSON, as the guides' curl does."""
    return ApiClient(client, script_token)


@pytest.fixture
def staff_browser(client, staff_user):
    """The browser of the staff member who owns the token (the OAuth callback needs it)."""
    client.force_login(staff_user)
    return client


def zoom_consent(authorization_url: str, *, user_id: str) -> str:
    """What a browser does on Zoom's consent page: allow as `user_id`. Returns where Zoom sends the
    browser back (the redirect URI with code and state)."""
    parts = urlsplit(authorization_url)
    form = {key: values[0] for key, values in parse_qs(parts.query).items()}
    form.update(user_id=user_id, decision="allow")
    answer = requests.post(
        f"{parts.scheme}://{parts.netloc}{parts.path}", data=form, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def path_of(url: str) -> str:
    """The URL without scheme and host: what the test's browser requests from Django."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class WebhookRelay:
    """The sandbox signs and sends every delivery; instead of a socket, each one is kept here and
    the test posts it, byte for byte with Zoom's headers, to the path it was addressed to."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, dict]] = []
        self.lock = threading.Lock()

    def post(self, url, body, headers, *, timeout):
        with self.lock:
            self.sent.append((url, body, dict(headers)))
        return 200, b""

    def take(self) -> list[tuple[str, bytes, dict]]:
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


@pytest.fixture
def webhook_relay(monkeypatch):
    from sandbox import webhooks

    relay = WebhookRelay()
    monkeypatch.setattr(webhooks, "post", relay.post)
    return relay


def relay_to_django(client, deliveries) -> list:
    """Post each delivery to Django as Zoom would: the same body bytes and x-zm-* headers."""
    answers = []
    for url, body, headers in deliveries:
        meta = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in headers.items()
            if name.lower() != "content-type"
        }
        answers.append(
            client.generic("POST", path_of(url), body, content_type=headers["Content-Type"], **meta)
        )
    return answers
