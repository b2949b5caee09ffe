"""A worker SIGKILLed in the middle of a push: Zoom created the meeting, the worker died before it
could store the answer. The push resumes (another worker, once the claim is stale) and adopts that
meeting instead of creating a second one."""

import os
import signal

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from meetings.outbox import STALE_CLAIM, meeting_push
from meetings.tasks import meeting_push_task
from sandbox.wiring import sandbox_environment
from tests.faults.servers import wait_until
from tests.processes import celery_worker
from zoomhub.zoom import ratelimit

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ACCOUNT, CLIENT_ID, SECRET = "killAcct01", "killS2S01", "kill-s2s-secret-0123"


@pytest.fixture
def zoom(zoom_sandbox_settings):
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT, name="School", plan="pro")
    control.add_user(id="killHost01", account_id=ACCOUNT, email="host@school.example", first_name="Hanna")
    control.add_app(client_id=CLIENT_ID, client_secret=SECRET, kind="server_to_server", account_id=ACCOUNT)
    ratelimit.reset_local_state()
    return zoom_sandbox_settings


def test_a_push_killed_mid_flight_resumes_without_a_second_zoom_meeting(zoom):
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=SECRET,
    )
    host = ZoomUser.objects.create(credential=credential, zoom_id="killHost01", email="host@school.example")
    lesson = Meeting.objects.create(
        topic="Killed push",
        start_at=timezone.now().replace(microsecond=0) + timezone.timedelta(days=5),
        duration=30,
        host=host,
        teacher=Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER),
        push_state=Meeting.PushState.PENDING,
    )
    # Zoom creates the meeting at once, then holds the answer: the worker is waiting for it.
    zoom.control.add_fault(
        path="/v2/users/*/meetings", method="POST", kind="timeout", seconds=20, when="after"
    )
    env = sandbox_environment(sandbox_url=zoom.url, web_url="http://127.0.0.1:9")
    with celery_worker(extra_env=env, concurrency=1) as (process, queue):
        meeting_push_task.apply_async(kwargs={"meeting_id": lesson.pk}, queue=queue)
        wait_until(
            lambda: any(m.topic == "Killed push" for m in zoom.sandbox.state.meetings.values()),
            timeout=60,
            what="the worker's POST reached Zoom",
        )
        # The whole worker dies at once: its pool process (mid-request) and the main process.
        for pid in [*_children(process.pid), process.pid]:
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)

    lesson.refresh_from_db()
    assert lesson.push_state == Meeting.PushState.SYNCING  # claimed by the dead worker
    assert lesson.zoom_meeting_id is None
    zoom.control.clear_faults()

    # Before the claim is stale, another worker leaves it alone…
    assert meeting_push(meeting_id=lesson.pk).outcome == "skipped"
    # …after it, the push resumes and finds the meeting by its reference.
    Meeting.objects.filter(pk=lesson.pk).update(
        push_claimed_at=timezone.now() - STALE_CLAIM - timezone.timedelta(seconds=1)
    )
    meeting_push(meeting_id=lesson.pk)
    lesson.refresh_from_db()
    assert lesson.push_state == Meeting.PushState.SYNCED, lesson.push_error
    created = [m for m in zoom.sandbox.state.meetings.values() if m.topic == "Killed push"]
    assert len(created) == 1
    assert lesson.zoom_meeting_id == created[0].id


def _children(pid: int) -> list[int]:
    """The worker's pool processes (prefork), found through /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found
