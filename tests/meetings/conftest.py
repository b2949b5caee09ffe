"""Lessons tests: a connected Zoom account with a host, people, and Zoom mocked with `responses`."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import responses
from django.conf import settings
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


def api(path: str) -> str:
    return settings.ZOOM_API_BASE_URL.rstrip("/") + path


def tallinn(day: str, time: str) -> dt.datetime:
    return local_to_utc(dt.date.fromisoformat(day), dt.time.fromisoformat(time), TALLINN)


def calls(mock, method: str, path: str = "") -> list:
    return [
        c for c in mock.calls if c.request.method == method and c.request.url.split("?")[0].endswith(path)
    ]


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
def zoom():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


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


def created_answer(*, meeting_id=92674392836, agenda="", **overrides) -> dict:
    answer = fixture("meetings_create__scheduled")
    answer.update({"id": meeting_id, "agenda": agenda, **overrides})
    return answer


class FakeZoom:
    """Zoom's meeting endpoints with state, so a test can see how many meetings Zoom really has.

    `lose_post_answers`: the next POSTs create the meeting and then lose the answer, as a read
    timeout ("timeout") or a 500 ("500"). `post_gate`: called inside each POST before creating.
    """

    def __init__(self, mock):
        import re
        import threading

        self.meetings: dict[int, dict] = {}
        self.next_id = 92674392836
        self.lose_post_answers: list[str] = []
        self.refuse_posts: list[tuple[int, dict]] = []
        self.post_gate = None
        self.lock = threading.Lock()
        users_meetings = re.compile(re.escape(api("/users/")) + r"[^/?]+/meetings(\?.*)?$")
        one_meeting = re.compile(re.escape(api("/meetings/")) + r"\d+(\?.*)?$")
        mock.add_callback(responses.POST, users_meetings, callback=self._create)
        mock.add_callback(responses.GET, users_meetings, callback=self._list)
        mock.add_callback(responses.GET, one_meeting, callback=self._get)
        mock.add_callback(responses.PATCH, one_meeting, callback=self._patch)
        mock.add_callback(responses.DELETE, one_meeting, callback=self._delete)

    @staticmethod
    def _id(request) -> int:
        return int(request.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1])

    @staticmethod
    def _answer(status, body=None):
        return status, {"Content-Type": "application/json"}, json.dumps(body) if body is not None else ""

    def _create(self, request):
        import requests

        if self.post_gate is not None:
            self.post_gate()
        if self.refuse_posts:
            status, body = self.refuse_posts.pop(0)
            return self._answer(status, body)
        body = json.loads(request.body)
        with self.lock:
            meeting_id = self.next_id
            self.next_id += 1
            meeting = created_answer(meeting_id=meeting_id, **body)
            meeting["join_url"] = f"https://example.com/j/{meeting_id}?pwd=Zx9"
            meeting["start_url"] = (
                f"https://example.com/s/{meeting_id}?zak=eyJ0eXAiOiJKV1Qi.secret-host-key-{meeting_id}"
            )
            meeting["uuid"] = f"uuid-{meeting_id}=="
            self.meetings[meeting_id] = meeting
        if self.lose_post_answers:
            how = self.lose_post_answers.pop(0)
            if how == "timeout":
                raise requests.exceptions.ReadTimeout("read timed out")
            return self._answer(500, {"code": 500, "message": "Internal server error."})
        return self._answer(201, meeting)

    def _list(self, request):
        items = [
            {
                key: m.get(key)
                for key in (
                    "uuid",
                    "id",
                    "host_id",
                    "topic",
                    "type",
                    "start_time",
                    "duration",
                    "timezone",
                    "created_at",
                    "join_url",
                )
            }
            | {"agenda": (m.get("agenda") or "")[:250]}  # Zoom truncates the agenda in lists
            for m in self.meetings.values()
        ]
        return self._answer(
            200, {"page_size": 300, "total_records": len(items), "next_page_token": "", "meetings": items}
        )

    def _get(self, request):
        meeting = self.meetings.get(self._id(request))
        if meeting is None:
            return self._answer(404, fixture("error__meeting_not_found"))
        return self._answer(200, meeting)

    def _patch(self, request):
        meeting = self.meetings.get(self._id(request))
        if meeting is None:
            return self._answer(404, fixture("error__meeting_not_found"))
        meeting.update(json.loads(request.body))
        return self._answer(204)

    def _delete(self, request):
        if self.meetings.pop(self._id(request), None) is None:
            return self._answer(404, fixture("error__meeting_not_found"))
        return self._answer(204)


@pytest.fixture
def fake_zoom(zoom):
    return FakeZoom(zoom)
