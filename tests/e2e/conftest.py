"""End-to-end: the live ZoomHub (Django's live server), a real Celery worker, the Zoom sandbox as
a server with its demo school, and Chromium. Slower than unit tests; each test is one whole flow."""

import uuid

import pytest

from accounts.models import Credential
from accounts.services import zoom_users_refresh
from sandbox.wiring import sandbox_demo_connect, sandbox_environment
from tests.processes import celery_worker
from tests.sandbox_fixtures import running_sandbox
from zoomhub.celery_app import app


@pytest.fixture
def sandbox(settings):
    with running_sandbox(seed="demo") as running:
        for name, value in running.settings_overrides.items():
            setattr(settings, name, value)
        yield running


@pytest.fixture
def demo_school(sandbox, live_server, settings) -> Credential:
    """The sandbox's demo school connected to this ZoomHub, its hosts read from Zoom."""
    for name, value in sandbox_environment(sandbox_url=sandbox.url, web_url=live_server.url).items():
        setattr(settings, name, value == "true" if value in ("true", "false") else value)
    credential = sandbox_demo_connect(control=sandbox.control, web_url=live_server.url)
    zoom_users_refresh(credential=credential)
    return credential


@pytest.fixture
def worker(sandbox, live_server):
    """A real Celery worker on its own queue, talking to the sandbox; the app sends tasks there,
    and so does the worker itself (the attendance fetch after meeting.ended, downloads)."""
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    env = {
        **sandbox_environment(sandbox_url=sandbox.url, web_url=live_server.url),
        "ZOOMHUB_TEST_QUEUE": queue,
        "ATTENDANCE_FETCH_DELAY_SECONDS": "1",  # not two minutes after the (simulated) end
    }
    with celery_worker(queue=queue, extra_env=env) as (process, queue):
        before = app.conf.task_default_queue
        app.conf.task_default_queue = queue
        try:
            yield process
        finally:
            app.conf.task_default_queue = before


@pytest.fixture
def signed_in(page, live_server, staff_user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", staff_user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page
