"""Zoom (the sandbox, a real HTTP server) answering 500s, timing out and storming 429s.

Every failure ends in a bounded number of calls, a state staff can read, and no hot loop: the
calls made over a window of repeated sweeps are counted, not just the outcome.
"""

import pytest

from accounts.models import Credential, ZoomUser
from accounts.services import credential_check
from meetings.models import Meeting, Person
from meetings.outbox import meeting_push, meetings_due_for_push
from zoomhub.zoom import ratelimit

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ACCOUNT, CLIENT_ID, SECRET = "faultZoomAcct", "faultZoomS2S", "fault-zoom-secret-0123"


@pytest.fixture
def zoom(zoom_sandbox_settings, settings):
    control = zoom_sandbox_settings.control
    control.add_account(id=ACCOUNT, name="School", plan="pro")
    control.add_user(id="hostUser01", account_id=ACCOUNT, email="host@school.example", first_name="Hanna")
    control.add_app(client_id=CLIENT_ID, client_secret=SECRET, kind="server_to_server", account_id=ACCOUNT)
    settings.ZOOM_MAX_RETRIES = 2
    settings.ZOOM_RATE_LIMIT_RETRIES = 3
    settings.ZOOM_RETRY_BASE_DELAY = 0.01
    settings.ZOOM_RETRY_MAX_DELAY = 0.05
    settings.ZOOM_MAX_RETRY_AFTER = 0.2
    settings.ZOOM_RATE_LIMIT_MAX_WAIT = 0.5
    settings.ZOOM_READ_TIMEOUT = 0.3
    ratelimit.reset_local_state()
    yield zoom_sandbox_settings
    ratelimit.reset_local_state()


@pytest.fixture
def credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=SECRET,
    )


@pytest.fixture
def lesson(credential):
    host = ZoomUser.objects.create(credential=credential, zoom_id="hostUser01", email="host@school.example")
    teacher = Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER)
    from django.utils import timezone

    return Meeting.objects.create(
        topic="Storm lesson",
        start_at=timezone.now().replace(microsecond=0) + timezone.timedelta(days=3),
        duration=45,
        host=host,
        teacher=teacher,
        push_state=Meeting.PushState.PENDING,
    )


def calls(zoom, key: str) -> int:
    return zoom.control.calls().get(key, 0)


def total_calls(zoom) -> int:
    return sum(zoom.control.calls().values())


def sweep_for_a_while(rounds: int = 50) -> int:
    """What beat would do over a window: sweep and push whatever is due, many times."""
    pushed = 0
    for _ in range(rounds):
        for meeting_id in meetings_due_for_push():
            meeting_push(meeting_id=meeting_id)
            pushed += 1
    return pushed


def test_500s_on_create_fail_the_push_clearly_back_off_and_never_duplicate(zoom, lesson):
    zoom.control.add_fault(path="/v2/users/*/meetings", method="POST", status=500, probability=1.0)
    result = meeting_push(meeting_id=lesson.pk)
    lesson.refresh_from_db()
    assert result.outcome == "failed"
    assert lesson.push_state == Meeting.PushState.FAILED
    assert lesson.push_error  # what Zoom said, for staff
    assert lesson.push_next_attempt_at is not None
    posts = calls(zoom, "POST /v2/users/{userId}/meetings")
    assert posts == 1  # a POST whose answer was a 500 is never blindly repeated

    before = total_calls(zoom)
    assert sweep_for_a_while() == 0  # backed off: no hot loop
    assert total_calls(zoom) == before

    zoom.control.clear_faults()
    Meeting.objects.filter(pk=lesson.pk).update(
        push_next_attempt_at=lesson.push_next_attempt_at.replace(year=2000)
    )
    assert sweep_for_a_while() == 1
    lesson.refresh_from_db()
    assert lesson.push_state == Meeting.PushState.SYNCED
    listed = [m for m in zoom.sandbox.state.meetings.values() if m.topic == "Storm lesson"]
    assert len(listed) == 1


def test_a_429_storm_gives_up_after_bounded_retries_and_says_so(zoom, credential):
    zoom.control.add_fault(path="/v2/users/*", method="GET", status=429, probability=1.0)
    result = credential_check(credential=credential)
    credential.refresh_from_db()
    assert not result.ok
    assert "try again later" in str(result.message)  # what the page shows after "Test connection"
    assert credential.status == Credential.Status.ACTIVE  # transient: not marked invalid
    gets = calls(zoom, "GET /v2/users/{userId}")
    assert 1 <= gets <= 1 + 3  # ZOOM_RATE_LIMIT_RETRIES


def test_timeouts_give_up_after_bounded_retries_and_say_so(zoom, credential):
    zoom.control.add_fault(path="/v2/users/*", method="GET", kind="timeout", seconds=1.0, probability=1.0)
    result = credential_check(credential=credential)
    credential.refresh_from_db()
    assert not result.ok
    assert "try again later" in str(result.message)
    assert credential.status == Credential.Status.ACTIVE
    # Timed-out requests are counted by the fault that held them (the sandbox answers too late).
    fired = sum(fault["fired"] for fault in zoom.control.call("GET", "/faults"))
    assert fired == 1 + 2  # ZOOM_MAX_RETRIES
