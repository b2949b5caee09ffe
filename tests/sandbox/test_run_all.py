"""`make run` starts the sandbox by default, seeds the demo school and points everything at it."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings

from accounts.models import Credential
from sandbox import demo
from sandbox.control_client import SandboxControl
from sandbox.management.commands.run_all import child_environment, process_table
from sandbox.wiring import sandbox_demo_connect, sandbox_environment, sandbox_wanted


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, True),
        ({"ZOOM_SANDBOX": "off"}, False),
        ({"ZOOM_SANDBOX": "false"}, False),
        ({"ZOOM_API_BASE_URL": "https://api.zoom.us/v2"}, False),
        ({"OAUTH_ZOOM_CLIENT_ID": "realClientId"}, False),
        ({"ZOOM_SANDBOX": "true", "OAUTH_ZOOM_CLIENT_ID": "x"}, True),
    ],
)
def test_the_sandbox_starts_unless_switched_off_or_zoom_is_configured(environ, wanted):
    assert sandbox_wanted(environ) is wanted


def test_process_table_runs_the_sandbox_first_only_when_wanted():
    with_sandbox = process_table(host="127.0.0.1", port=8000, sandbox_port=8010)
    assert next(iter(with_sandbox)) == "zoom"
    assert with_sandbox["zoom"] == [sys.executable, "-m", "sandbox", "--port", "8010", "--seed", "demo"]
    assert "zoom" not in process_table(host="127.0.0.1", port=8000)


def test_web_worker_and_beat_run_with_the_product_settings_not_the_sandbox_app():
    environ = {"DJANGO_SETTINGS_MODULE": "sandbox.settings", "PATH": "/usr/bin"}
    with_sandbox = child_environment(
        environ, sandbox_url="http://127.0.0.1:8010", web_url="http://127.0.0.1:8000"
    )
    assert with_sandbox["DJANGO_SETTINGS_MODULE"] == "zoomhub.settings"
    assert with_sandbox["ZOOM_API_BASE_URL"] == "http://127.0.0.1:8010/v2"
    without = child_environment(environ, sandbox_url=None, web_url="http://127.0.0.1:8000")
    assert without["DJANGO_SETTINGS_MODULE"] == "zoomhub.settings"
    assert "ZOOM_API_BASE_URL" not in without


def test_children_are_pointed_at_the_sandbox_and_the_demo_oauth_app():
    env = sandbox_environment(sandbox_url="http://127.0.0.1:8010", web_url="http://127.0.0.1:8000")
    assert env["ZOOM_API_BASE_URL"] == "http://127.0.0.1:8010/v2"
    assert env["ZOOM_OAUTH_BASE_URL"] == "http://127.0.0.1:8010/oauth"
    assert env["ZOOM_SANDBOX"] == "true"
    assert env["OAUTH_ZOOM_CLIENT_ID"] == demo.OAUTH_CLIENT_ID
    assert env["OAUTH_ZOOM_REDIRECT_URI"] == "http://127.0.0.1:8000/zoom-accounts/oauth/callback/"


@pytest.mark.django_db
def test_connecting_creates_the_demo_credential_once_and_routes_webhooks_to_it(zoom_sandbox):
    zoom_sandbox.control.reset(seed="demo")
    first = sandbox_demo_connect(control=zoom_sandbox.control, web_url="http://127.0.0.1:8000")
    again = sandbox_demo_connect(control=zoom_sandbox.control, web_url="http://127.0.0.1:8000")
    assert first.pk == again.pk
    assert Credential.objects.count() == 1
    credential = Credential.objects.get()
    assert credential.kind == Credential.Kind.SERVER_TO_SERVER
    assert credential.is_master_account
    assert (credential.account_id, credential.client_id) == (demo.SCHOOL_ACCOUNT_ID, demo.S2S_CLIENT_ID)
    assert credential.client_secret == demo.S2S_CLIENT_SECRET
    assert credential.webhook_secret_token == demo.S2S_WEBHOOK_SECRET
    apps = {app["client_id"]: app for app in zoom_sandbox.control.state()["apps"]}
    assert apps[demo.S2S_CLIENT_ID]["webhook_urls"] == [
        f"http://127.0.0.1:8000/webhooks/zoom/{credential.webhook_code}/"
    ]
    assert apps[demo.OAUTH_CLIENT_ID]["redirect_uris"] == [
        "http://127.0.0.1:8000/zoom-accounts/oauth/callback/"
    ]
    assert apps[demo.OAUTH_CLIENT_ID]["webhook_urls"] == ["http://127.0.0.1:8000/webhooks/zoom/oauth/"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_manage_py_zoom_sandbox_serves_the_demo_world():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "zoom_sandbox", "--port", str(port), "--seed", "demo"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        banner = process.stdout.readline()  # printed once the port is bound
        assert f"http://127.0.0.1:{port}" in banner
        state = SandboxControl(f"http://127.0.0.1:{port}").state()
        assert {a["id"] for a in state["accounts"]} == {
            demo.SCHOOL_ACCOUNT_ID,
            demo.BRANCH_ACCOUNT_ID,
            demo.TUTOR_ACCOUNT_ID,
        }
        assert demo.S2S_CLIENT_SECRET not in json.dumps(state)
    finally:
        process.terminate()
        process.wait(timeout=10)
