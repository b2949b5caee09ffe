"""Helpers for the accounts tests: credentials, and a Zoom mocked with `responses`."""

import json
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.conf import settings
from django.utils import timezone

from accounts.models import Credential

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"

S2S_SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"
WEBHOOK_SECRET = "wh-secret-token-Qm9zc2VzIQ"
OAUTH_CLIENT_SECRET = "oauth-app-client-secret-4DkP9sLq"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def api(path: str) -> str:
    return settings.ZOOM_API_BASE_URL.rstrip("/") + path


def oauth_url(path: str) -> str:
    return settings.ZOOM_OAUTH_BASE_URL.rstrip("/") + path


def form_params(request) -> dict[str, str]:
    """Parameters of a token request, from the query string and the form body alike."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    params.update({k: v[0] for k, v in parse_qs(body).items()})
    return params


def token_answer(
    *, access_token: str, scope: str, refresh_token: str | None = None, expires_in: int = 3599
) -> dict:
    answer = {"access_token": access_token, "token_type": "bearer", "expires_in": expires_in, "scope": scope}
    if refresh_token:
        answer["refresh_token"] = refresh_token
    return answer


# What an app with every scope ZoomHub needs is granted (token answer's `scope`).
S2S_ALL_SCOPES = " ".join(
    [
        "meeting:write:meeting:admin",
        "meeting:update:meeting:admin",
        "meeting:delete:meeting:admin",
        "meeting:read:meeting:admin",
        "cloud_recording:read:list_user_recordings:admin",
        "cloud_recording:read:list_recording_files:admin",
        "meeting:read:list_past_participants:admin",
        "meeting:read:list_past_instances:admin",
        "report:read:list_meeting_participants:admin",
        "user:read:user:admin",
        "user:read:list_users:admin",
    ]
)
OAUTH_ALL_SCOPES = " ".join(
    [
        "meeting:write:meeting",
        "meeting:update:meeting",
        "meeting:delete:meeting",
        "meeting:read:meeting",
        "cloud_recording:read:list_user_recordings",
        "cloud_recording:read:list_recording_files",
        "meeting:read:list_past_participants",
        "meeting:read:list_past_instances",
        "user:read:user",
    ]
)


@pytest.fixture
def zoom():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def oauth_app(settings):
    settings.OAUTH_ZOOM_CLIENT_ID = "oauthAppClientId123"
    settings.OAUTH_ZOOM_CLIENT_SECRET = OAUTH_CLIENT_SECRET
    settings.OAUTH_ZOOM_REDIRECT_URI = ""
    return settings


def make_s2s(name="School main", **overrides) -> Credential:
    values = {
        "kind": Credential.Kind.SERVER_TO_SERVER,
        "name": name,
        "account_id": "Ab1CdEf2GhIjKlMnO",
        "client_id": "Tex0m1WATNWdFfnbBmwjSg",
        "client_secret": S2S_SECRET,
        "webhook_secret_token": WEBHOOK_SECRET,
        **overrides,
    }
    return Credential.objects.create(**values)


def make_oauth(name="jchill@example.com", *, expired=False, **overrides) -> Credential:
    values = {
        "kind": Credential.Kind.OAUTH,
        "name": name,
        "account_id": "q6gBJVO5TzexKYTb_I2rpg",
        "client_id": "",
        "access_token": "access-token-0000-original",
        "refresh_token": "refresh-token-0000-original",
        "token_expires_at": timezone.now() + (timedelta(minutes=-5) if expired else timedelta(minutes=50)),
        "scope": OAUTH_ALL_SCOPES,
        "zoom_user_id": "KDcuGIm1QgePTO8WbOqwIQ",
        **overrides,
    }
    return Credential.objects.create(**values)


class RotatingRefreshTokens:
    """Zoom's token endpoint for refreshes: every refresh rotates the refresh token and a used
    one is refused with invalid_grant (Zoom support article 360060332931)."""

    def __init__(self, current: str, *, scope: str = OAUTH_ALL_SCOPES):
        self.current = current
        self.scope = scope
        self.refreshes = 0
        self.valid_access_tokens: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, request):
        params = form_params(request)
        with self.lock:
            if params.get("grant_type") != "refresh_token" or params.get("refresh_token") != self.current:
                return 400, {}, json.dumps({"reason": "Invalid Token!", "error": "invalid_grant"})
            self.refreshes += 1
            self.current = f"refresh-token-{self.refreshes:04d}-rotated"
            access = f"access-token-{self.refreshes:04d}-refreshed"
            self.valid_access_tokens.add(access)
        body = token_answer(access_token=access, refresh_token=self.current, scope=self.scope)
        return 200, {}, json.dumps(body)


@pytest.fixture(autouse=True)
def _zoom_settings(settings):
    from zoomhub.zoom import ratelimit

    settings.ZOOM_API_BASE_URL = "https://api.zoom.us/v2"
    settings.ZOOM_OAUTH_BASE_URL = "https://zoom.us/oauth"
    # Failures in these tests are meant to surface at once, not after real back-off sleeps.
    settings.ZOOM_MAX_RETRIES = 0
    settings.ZOOM_RATE_LIMIT_RETRIES = 0
    ratelimit.reset_local_state()
    yield
