"""Lessons tests: a connected Zoom account with a host, people, and the Zoom sandbox (`fake_zoom`)."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from meetings.services import LessonPlan, meeting_schedule
from meetings.timezones import local_to_utc
from zoomhub.zoom import ratelimit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"
HOST_ZOOM_ID = "30R7kT7bTIKSNUFEuH_Qlg"
ACCESS_TOKEN = "access-token-lessons-0001"
TALLINN = "Europe/Tallinn"


def fixture(name: str) -> dict:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


def tallinn(day: str, time: str) -> dt.datetime:
    return local_to_utc(dt.date.fromisoformat(day), dt.time.fromisoformat(time), TALLINN)


@pytest.fixture(autouse=True)
def _zoom_settings(settings):
    settings.ZOOM_API_BASE_URL = "https://api.zoom.us/v2"
    settings.ZOOM_OAUTH_BASE_URL = "https://zoom.us/oauth"
    # The outbox, not the client, retries in these tests: each failure is one push's failure.
    settings.ZOOM_MAX_RETRIES = 0
    settings.ZOOM_RATE_LIMIT_RETRIES = 0
    settings.SCHOOL_TIMEZONE = TALLINN
    ratelimit.reset_local_state()
    yield
    ratelimit.reset_local_state()


@pytest.fixture
def credential(db):
    # A user-OAuth account with a live access token: the client calls Zoom without a token request.
    return Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="teacher@school.example",
        account_id="q6gBJVO5TzexKYTb_I2rpg",
        access_token=ACCESS_TOKEN,
        refresh_token="refresh-token-lessons-0001",
        token_expires_at=timezone.now() + dt.timedelta(hours=1),
        scope="meeting:write:meeting meeting:update:meeting meeting:delete:meeting meeting:read:meeting",
    )


@pytest.fixture
def host(credential):
    return ZoomUser.objects.create(
        credential=credential,
        zoom_id=HOST_ZOOM_ID,
        email="jchill@example.com",
        first_name="Jill",
        last_name="Chill",
        account_id=credential.account_id,
    )


@pytest.fixture
def teacher(db):
    return Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)


@pytest.fixture
def student(db):
    return Person.objects.create(name="Jaan Kask", email="jaan@example.com", role=Person.Role.STUDENT)


@pytest.fixture
def pushes(monkeypatch):
    """Task ids enqueued by on_commit, instead of a broker; tests run the push themselves."""
    enqueued: list[int] = []
    from meetings import tasks

    monkeypatch.setattr(tasks.meeting_push_task, "delay", lambda *, meeting_id: enqueued.append(meeting_id))
    return enqueued


@pytest.fixture
def schedule(host, pushes, django_capture_on_commit_callbacks):
    """Schedule a lesson through the service, as the page does."""

    def make(*, start=None, topic="Trial lesson", duration=60, zone=TALLINN, **extra) -> Meeting:
        plan = LessonPlan(
            host=extra.pop("host", host),
            topic=topic,
            start=start or tallinn("2027-02-24", "15:00"),
            duration=duration,
            timezone=zone,
            **extra,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return meeting_schedule(plan=plan)

    return make


class SandboxMeetings:
    """The Zoom sandbox holding the host's account, its user-OAuth grant (ACCESS_TOKEN) and
    whatever meetings ZoomHub made, plus shortcuts for the failures the outbox must survive.

    Every answer comes from the sandbox; this class only names the scripted faults.
    """

    OAUTH_APP = "lessonsOAuthApp01"
    CREATE_PATH = f"/v2/users/{HOST_ZOOM_ID}/meetings"

    def __init__(self, running, settings) -> None:
        self.running = running
        self.settings = settings
        self.control = running.control
        self.control.add_account(id="q6gBJVO5TzexKYTb_I2rpg", name="School", plan="business")
        self.control.add_user(
            id=HOST_ZOOM_ID,
            account_id="q6gBJVO5TzexKYTb_I2rpg",
            email="jchill@example.com",
            first_name="Jill",
            last_name="Chill",
            timezone=TALLINN,
        )
        self.control.add_app(client_id=self.OAUTH_APP, client_secret="lessons-oauth-secret-01", kind="oauth")
        self.control.grant_token(
            client_id=self.OAUTH_APP,
            user_id=HOST_ZOOM_ID,
            access_token=ACCESS_TOKEN,
            refresh_token="refresh-token-lessons-0001",
        )

    @property
    def meetings(self) -> dict[int, dict]:
        """The meetings Zoom really has, by id."""
        return {m["id"]: m for m in self.control.meetings()}

    def delete_behind_our_back(self, meeting_id: int) -> None:
        self.control.delete_meeting(meeting_id)

    def calls(self, method: str | None = None, path: str = "") -> list[dict]:
        """The requests ZoomHub made (the sandbox's log; `json` holds a JSON body as sent)."""
        return [
            entry
            for entry in self.control.requests(limit=1000)
            if (method is None or entry["method"] == method) and entry["path"].endswith(path)
        ]

    def lose_next_create_answer(self, how: str) -> None:
        """Zoom creates the meeting, then the answer is lost: a read timeout or a 500."""
        if how == "timeout":
            # The sandbox answers 30 s late; the client stops reading after 2 s.
            self.settings.ZOOM_READ_TIMEOUT = 2.0
            self.control.add_fault(
                path=self.CREATE_PATH, method="POST", kind="timeout", when="after", seconds=30
            )
        else:
            self.control.add_fault(path=self.CREATE_PATH, method="POST", status=int(how), when="after")

    def refuse_next_create(self, status: int, body: dict) -> None:
        """Zoom refuses the create with its own error body and creates nothing."""
        self.control.add_fault(path=self.CREATE_PATH, method="POST", status=status, body=body)

    def hold_next_create(self) -> int:
        """The next create waits inside Zoom, before anything is made, until `release(id)`."""
        return self.control.add_fault(path=self.CREATE_PATH, method="POST", kind="hold", seconds=30)["id"]

    def wait_until_held(self, hold_id: int) -> bool:
        return self.control.wait_for_hold(hold_id, timeout=10)

    def release(self, hold_id: int) -> dict:
        return self.control.release_hold(hold_id)


@pytest.fixture
def fake_zoom(zoom_sandbox_settings, settings):
    """The Zoom sandbox, with ZoomHub's settings pointed at it."""
    return SandboxMeetings(zoom_sandbox_settings, settings)
