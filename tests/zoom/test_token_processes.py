"""Worker processes sharing Redis ask Zoom for one Server-to-Server token between them.

The threads of one process queue on a process lock (test_token_economy); processes meet at the
cache's lock, and whoever waits finds the token the first one stored. Against the sandbox, which
counts the token requests it answers.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) to share the token cache"),
]

PROCESSES = 4
CALLS_EACH = 5
ACCOUNT, CLIENT_ID, SECRET = "procAcct01", "procClient01", "proc-client-secret-0123456789"


def test_processes_sharing_redis_make_one_token_request_between_them(zoom_sandbox):
    control = zoom_sandbox.control
    control.add_account(id=ACCOUNT, name="School", plan="business")
    control.add_user(id="procUser01", account_id=ACCOUNT, email="owner@school.example")
    control.add_app(client_id=CLIENT_ID, client_secret=SECRET, kind="server_to_server", account_id=ACCOUNT)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    args = [zoom_sandbox.api_url, zoom_sandbox.oauth_url, ACCOUNT, CLIENT_ID, SECRET, str(CALLS_EACH)]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.zoom.token_child", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
    for child in children:  # all at once: each finds the cache empty
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0 and out.strip().endswith("done"), err

    calls = control.calls()
    assert calls["GET /v2/users/{userId}"] == PROCESSES * CALLS_EACH
    assert calls["POST /oauth/token"] == 1
