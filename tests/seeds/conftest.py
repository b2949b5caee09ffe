"""A school as the seeds' programs know it, on the Zoom sandbox.

The seeds keep their Zoom app in ZOOM_ACCOUNT_ID / ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET (and the
webhook secret in ZOOM_WEBHOOK_SECRET_TOKEN); `school` sets those, makes the same app on the
sandbox (one licensed teacher, the owner) and connects it with `manage.py zoom_credential_from_env`.
"""

import json
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from accounts.models import Credential
from accounts.services import zoom_users_refresh
from api.models import ApiToken
from api.services import api_token_create

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
