"""Attendance wiring tests: a connected account, a group lesson held on 2024-03-04 15:00-16:00 UTC,
Zoom mocked with `responses`, and fetch tasks recorded instead of sent to a broker."""

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
import responses
from django.conf import settings
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from zoomhub.zoom import ratelimit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zoom"
HOST_ZOOM_ID = "tUo7WohjTs6ELvl9WR3JAA"  # the host in Zoom's report example
ZOOM_MEETING_ID = 86431910364
ZOOM_UUID = "hwkAADUySwyG3GyUkqc0vA=="
START = dt.datetime(2024, 3, 4, 15, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(minutes=60)
ACTUAL_END = dt.datetime(2024, 3, 4, 16, 1, 30, tzinfo=dt.UTC)


def fixture(name: str) -> dict:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def api(path: str) -> str:
    return settings.ZOOM_API_BASE_URL.rstrip("/") + path


def report_url(uuid: str = ZOOM_UUID) -> re.Pattern:
    from zoomhub.zoom.client import meeting_path_id

    return re.compile(re.escape(api(f"/report/meetings/{meeting_path_id(uuid)}/participants")) + r"(\?.*)?$")


def past_url(uuid: str = ZOOM_UUID) -> re.Pattern:
    from zoomhub.zoom.client import meeting_path_id

    return re.compile(re.escape(api(f"/past_meetings/{meeting_path_id(uuid)}/participants")) + r"(\?.*)?$")


def calls_to(mock, pattern: re.Pattern) -> list:
    return [c for c in mock.calls if pattern.match(c.request.url)]


@pytest.fixture(autouse=True)
def _zoom_settings(settings):
    settings.ZOOM_API_BASE_URL = "https://api.zoom.us/v2"
    settings.ZOOM_OAUTH_BASE_URL = "https://zoom.us/oauth"
    settings.ZOOM_MAX_RETRIES = 0
    settings.ZOOM_RATE_LIMIT_RETRIES = 0
    settings.ATTENDANCE_FETCH_DELAY_SECONDS = 120
    settings.ATTENDANCE_REPORT_WAIT_HOURS = 6
    settings.ATTENDANCE_MIN_PRESENT_MINUTES = 10
    settings.ATTENDANCE_MIN_PRESENT_SHARE = None
    settings.ATTENDANCE_LATE_AFTER_MINUTES = 5
    settings.ATTENDANCE_LEFT_EARLY_MINUTES = 5
    settings.ATTENDANCE_GROUP_COMPLETED_WHEN = "any"
    ratelimit.reset_local_state()
    yield
    ratelimit.reset_local_state()


@pytest.fixture
def zoom():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="anna.sergeeva@school.example",
        account_id="PX5yQAcnT5azdXF5ma2Apw",
        access_token="access-token-attendance-0001",
        refresh_token="refresh-token-attendance-0001",
        token_expires_at=timezone.now() + dt.timedelta(days=3650),
        scope="report:read:list_meeting_participants meeting:read:list_past_participants",
    )


@pytest.fixture
def host(credential):
    return ZoomUser.objects.create(
        credential=credential,
        zoom_id=HOST_ZOOM_ID,
        email="anna.sergeeva@school.example",
        first_name="Anna",
        last_name="Sergeeva",
        account_id=credential.account_id,
    )


@pytest.fixture
def people(db):
    return {
        "anna": Person.objects.create(
            name="Анна Сергеева", email="anna.sergeeva@school.example", role=Person.Role.TEACHER
        ),
        "ivan": Person.objects.create(name="Иван Петров", email="ivan.petrov@gmail.com"),
        "maria": Person.objects.create(name="Мария Смирнова"),
        "oleg": Person.objects.create(name="Олег Сидоров"),
    }


def make_lesson(host, teacher, students, *, start=START, zoom_meeting_id=ZOOM_MEETING_ID, **extra) -> Meeting:
    lesson = Meeting.objects.create(
        host=host,
        topic=extra.pop("topic", "English B1, group 3"),
        start_at=start,
        duration=extra.pop("duration", 60),
        timezone="Europe/Tallinn",
        teacher=teacher,
        zoom_meeting_id=zoom_meeting_id,
        push_state=Meeting.PushState.SYNCED,
        **extra,
    )
    lesson.students.set(students)
    return lesson


@pytest.fixture
def lesson(host, people):
    return make_lesson(host, people["anna"], [people["ivan"], people["maria"], people["oleg"]])


@pytest.fixture
def sent(monkeypatch):
    """Fetch tasks sent to the broker, as (session id, countdown seconds)."""
    from attendance import tasks

    recorded: list[tuple[int, float]] = []

    def apply_async(*, kwargs, countdown=0, **_options):
        recorded.append((kwargs["session_id"], countdown))

    monkeypatch.setattr(tasks.session_fetch_task, "apply_async", apply_async)
    return recorded
