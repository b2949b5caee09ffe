"""What the replays of other programs' requests share: a token made the way a script makes one, a staff browser, the
sandbox's consent page, and the sandbox's webhook deliveries relayed into the test's Django.

Requests go through Django in-process with the guide's path, body and headers (all but the host);
Zoom is the sandbox's real HTTP server.
"""

import io
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import call_command

from tests.api.conftest import ApiClient


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
