"""Helpers for the accounts tests: credentials, and the Zoom sandbox holding the school's world (`zoom`)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Credential

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"

S2S_SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"
WEBHOOK_SECRET = "wh-secret-token-Qm9zc2VzIQ"
OAUTH_CLIENT_SECRET = "oauth-app-client-secret-4DkP9sLq"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


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


S2S_ACCOUNT_ID = "Ab1CdEf2GhIjKlMnO"
S2S_CLIENT_ID = "Tex0m1WATNWdFfnbBmwjSg"
TOKEN_PATH = "/oauth/token"
OAUTH_CLIENT_ID = "oauthAppClientId123"


class SandboxAccounts:
    """The Zoom sandbox holding the school's account (owner: Zoom's documented user, Jill Chill)
    and its Server-to-Server app, whose granted scopes a test sets as staff would in the
    Marketplace. Every answer comes from the sandbox; Zoom's own error bodies that the sandbox
    does not produce by itself are scripted as faults on the path they answer."""

    def __init__(self, running, *, members: list[dict] | None = None) -> None:
        self.running = running
        self.control = running.control
        self.user_ids: set[str] = set()
        members = members or [fixture("users_me__oauth_user")]
        self.control.add_account(
            id=S2S_ACCOUNT_ID, name="School main", plan="business", owner_email=members[0]["email"]
        )
        for member in members:
            self.add_user(S2S_ACCOUNT_ID, member)
        self.control.add_app(
            client_id=S2S_CLIENT_ID,
            client_secret=S2S_SECRET,
            kind="server_to_server",
            account_id=S2S_ACCOUNT_ID,
            scopes=S2S_ALL_SCOPES.split(),
        )

    def add_user(self, account_id: str, user: dict) -> None:
        """A user as Zoom's documented listing shows them."""
        fields = ("id", "email", "first_name", "last_name", "type", "timezone", "status")
        self.user_ids.add(user["id"])
        self.control.add_user(account_id=account_id, **{name: user[name] for name in fields if name in user})

    def add_sub_account(self, account: dict, users: list[dict]) -> None:
        """A sub-account of the school's (master) account; the app holds the master scopes."""
        self.grant_s2s(f"{S2S_ALL_SCOPES} account:read:list_sub_accounts:master user:read:list_users:master")
        self.control.add_account(
            id=account["id"], name=account["account_name"], plan="pro", master_id=S2S_ACCOUNT_ID
        )
        for user in users:
            self.add_user(account["id"], user)

    def add_oauth_app(self, client_id: str = "", client_secret: str = OAUTH_CLIENT_SECRET, **fields) -> None:
        """The "Connect with Zoom" app of the `oauth_app` settings."""
        self.control.add_app(
            client_id=client_id or OAUTH_CLIENT_ID, client_secret=client_secret, kind="oauth", **fields
        )

    def add_oauth_user(self) -> dict:
        """Jill Chill, Zoom's documented user, in her own account."""
        me = fixture("users_me__oauth_user")
        if me["id"] not in self.user_ids:
            self.control.add_account(id=me["account_id"], name="Jill's account", plan="pro")
            self.add_user(me["account_id"], me)
        return me

    def grant_oauth(self, credential, **grant) -> None:
        """Jill Chill (Zoom's documented user) connected with "Connect with Zoom" earlier: the
        credential's stored tokens are her live grant of the OAuth app."""
        me = self.add_oauth_user()
        self.control.grant_token(
            client_id=OAUTH_CLIENT_ID,
            user_id=me["id"],
            access_token=credential.access_token,
            refresh_token=credential.refresh_token,
            **grant,
        )

    def live_tokens(self, user_id: str) -> tuple[list[str], list[str]]:
        """The access and refresh tokens of a user's grants that Zoom still honours."""
        state = self.running.sandbox.state
        now = state.clock.time()
        with state.lock:
            access = [
                t.token
                for t in state.access_tokens.values()
                if t.user_id == user_id and not t.revoked and t.expires_at > now
            ]
            refresh = [
                t.token
                for t in state.refresh_tokens.values()
                if t.user_id == user_id and not (t.used or t.revoked)
            ]
        return access, refresh

    def token_answers(self, status: int = 200) -> list[dict]:
        return [r for r in self.requests("POST /oauth/token") if r["status"] == status]

    def grant_s2s(self, scope: str = S2S_ALL_SCOPES) -> None:
        """The scopes the S2S app holds from now on (its next token carries them)."""
        self.control.update_app(S2S_CLIENT_ID, scopes=scope.split())

    def rotate_s2s_secret(self) -> None:
        """Staff regenerated the app's secret in the Marketplace: the stored one is refused."""
        self.control.update_app(S2S_CLIENT_ID, client_secret="regenerated-secret-9f8e7d6c5b4a")

    def fail(self, path: str, *, status: int, body: dict, method: str | None = None, count: int | None = 1):
        spec = {"path": path, "kind": "status", "status": status, "body": body, "count": count}
        self.control.add_fault(**spec, **({"method": method} if method else {}))

    def requests(self, route: str) -> list[dict]:
        return [r for r in self.control.requests(limit=1000) if r["route"] == route]


@pytest.fixture
def zoom(zoom_sandbox_settings):
    return SandboxAccounts(zoom_sandbox_settings)


@pytest.fixture
def oauth_app(settings):
    settings.OAUTH_ZOOM_CLIENT_ID = OAUTH_CLIENT_ID
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
