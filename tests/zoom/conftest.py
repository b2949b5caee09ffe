"""Shared pieces of the Zoom library tests: a fake clock, fixtures of Zoom's answers, a client."""

import json
import threading
import time
from pathlib import Path

import pytest
import responses

from zoomhub.zoom import ratelimit
from zoomhub.zoom.client import ZoomClient
from zoomhub.zoom.ratelimit import LocalRateLimiter, Unlimited
from zoomhub.zoom.tokens import ServerToServerTokens

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"
API = "https://api.zoom.us/v2"
OAUTH = "https://zoom.us/oauth"
TOKEN_URL = f"{OAUTH}/token"
ACCOUNT_ID = "Xa8Bc7Dd6Ee5"
CLIENT_ID = "qWeRtYuIoP12"
CLIENT_SECRET = "s3cr3t-Client-Secret-Value-9f8e7d6c"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class FakeClock:
    """time() and sleep() for the code under test: sleeping only moves the clock and is recorded."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _zoom_settings(settings):
    settings.ZOOM_API_BASE_URL = API
    settings.ZOOM_OAUTH_BASE_URL = OAUTH
    settings.ZOOM_MAX_RETRIES = 3
    settings.ZOOM_RETRY_BASE_DELAY = 1.0
    settings.ZOOM_RETRY_MAX_DELAY = 20.0
    settings.ZOOM_RETRY_MAX_TOTAL_SECONDS = 60.0
    settings.ZOOM_RATE_LIMIT_RETRIES = 3
    settings.ZOOM_MAX_RETRY_AFTER = 60.0
    ratelimit.reset_local_state()
    yield
    ratelimit.reset_local_state()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def zoom():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def token_answer(access_token: str, expires_in: int = 3600) -> dict:
    return {
        **fixture("oauth_token__account_credentials"),
        "access_token": access_token,
        "expires_in": expires_in,
    }


def add_token_answers(mock, *access_tokens: str) -> None:
    """Zoom's token endpoint answers with these tokens, one per request, in order."""
    for access_token in access_tokens:
        mock.add(responses.POST, TOKEN_URL, json=token_answer(access_token))


@pytest.fixture
def s2s_tokens(clock):
    return ServerToServerTokens(
        account_id=ACCOUNT_ID, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, clock=clock.time
    )


@pytest.fixture
def make_client(s2s_tokens, clock):
    """A client on the fake clock; its limiter runs on the same clock unless one is given."""

    def make(*, limiter=None, plan="pro", tokens=None):
        limiter = limiter or LocalRateLimiter(plan, clock=clock.time, sleep=clock.sleep)
        return ZoomClient(
            tokens or s2s_tokens, plan=plan, limiter=limiter, clock=clock.time, sleep=clock.sleep
        )

    return make


@pytest.fixture
def unlimited():
    return Unlimited()


def api_calls(mock, path: str = "") -> list:
    return [c for c in mock.calls if c.request.url.startswith(API + path)]


def token_calls(mock) -> list:
    return [c for c in mock.calls if c.request.url.startswith(TOKEN_URL)]
