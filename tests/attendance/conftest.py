"""Attendance wiring tests: a connected account, a group lesson held on 2024-03-04 15:00-16:00 UTC,
the Zoom sandbox holding Zoom's documented participant rows (`zoom`), and fetch tasks recorded
instead of sent to a broker."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import requests
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


ACCOUNT_ID = "PX5yQAcnT5azdXF5ma2Apw"
ACCESS_TOKEN = "access-token-attendance-0001"
REPORT_ROUTE = "GET /v2/report/meetings/{meetingId}/participants"
PAST_ROUTE = "GET /v2/past_meetings/{meetingId}/participants"
INSTANCES_ROUTE = "GET /v2/past_meetings/{meetingId}/instances"


class SandboxReports:
    """The Zoom sandbox holding the host's account, its user-OAuth grant and held meetings whose
    participant lists are exactly the rows a test gives (Zoom's documented examples).

    Every answer comes from the sandbox; this class only keeps each instance's seeded rows so a
    test can change one list (Zoom filling in or correcting its report) and keep the other.
    """

    OAUTH_APP = "attendanceOAuthApp1"

    def __init__(self, running) -> None:
        self.running = running
        self.control = running.control
        self.control.add_account(id=ACCOUNT_ID, name="School", plan="business")
        self.control.add_user(
            id=HOST_ZOOM_ID,
            account_id=ACCOUNT_ID,
            email="anna.sergeeva@school.example",
            first_name="Anna",
            last_name="Sergeeva",
        )
        self.control.add_app(
            client_id=self.OAUTH_APP,
            client_secret="attendance-oauth-secret",
            kind="oauth",
            scopes=[  # an admin-managed app: the report needs the :admin scope
                "report:read:list_meeting_participants:admin",
                "meeting:read:list_past_participants",
                "meeting:read:list_past_instances",
                "meeting:write:meeting",
            ],
        )
        self.control.grant_token(
            client_id=self.OAUTH_APP,
            user_id=HOST_ZOOM_ID,
            access_token=ACCESS_TOKEN,
            refresh_token="refresh-token-attendance-0001",
        )
        self._held: dict[str, dict] = {}

    def held(
        self,
        uuid: str = ZOOM_UUID,
        *,
        meeting_id: int = ZOOM_MEETING_ID,
        start: dt.datetime = dt.datetime(2024, 3, 4, 14, 58, 10, tzinfo=dt.UTC),
        end: dt.datetime = ACTUAL_END,
        **lists,
    ) -> dict:
        """The instance `uuid` was held; `report=` / `participants=` give its lists' rows."""
        spec = self._held.setdefault(
            uuid,
            {
                "host": HOST_ZOOM_ID,
                "uuid": uuid,
                "meeting_id": meeting_id,
                "start_time": start.isoformat(),
                "end_time": end.isoformat(),
            },
        )
        for name, rows in lists.items():
            spec[name] = rows["participants"] if isinstance(rows, dict) else rows
        return self.control.add_past_meeting(**spec)

    def instances(self, body: dict, *, meeting_id: int = ZOOM_MEETING_ID) -> None:
        """The meeting's held instances, as Zoom lists them (each an hour long, lists unseeded)."""
        for held in body["meetings"]:
            start = dt.datetime.fromisoformat(held["start_time"].replace("Z", "+00:00"))
            self.held(held["uuid"], meeting_id=meeting_id, start=start, end=start + dt.timedelta(hours=1))

    def schedule_meeting(self, *, start: dt.datetime, duration: int) -> int:
        """A meeting scheduled through Zoom's API, as ZoomHub's push makes it; its id."""
        answer = requests.post(
            f"{self.running.api_url}/users/{HOST_ZOOM_ID}/meetings",
            json={
                "topic": "English B1, group 3",
                "type": 2,
                "start_time": start.isoformat(),
                "duration": duration,
            },
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["id"]

    def report(self, body, uuid: str = ZOOM_UUID) -> dict:
        return self.held(uuid, report=body)

    def participants(self, body, uuid: str = ZOOM_UUID) -> dict:
        return self.held(uuid, participants=body)

    def refuse_reports(self, refusal: str, uuid: str = ZOOM_UUID) -> None:
        """Zoom's two refusals of the report API: the account's plan has no reports (the sandbox
        answers so itself), or the grant lacks the scope (Zoom's documented 4711 body)."""
        if refusal == "error__report_paid_plans_only":
            self.control.update_app(self.OAUTH_APP, report_allowed=False)
        else:
            self.fail(report_path(uuid), status=400, body=fixture(refusal), count=None)

    def fail(self, route_path: str, *, status: int, body: dict, count: int | None = 1) -> None:
        self.control.add_fault(
            path=route_path, method="GET", kind="status", status=status, body=body, count=count
        )

    def requests(self, route: str) -> list[dict]:
        return [r for r in self.control.requests(limit=1000) if r["route"] == route]


def report_path(uuid: str = ZOOM_UUID) -> str:
    from zoomhub.zoom.client import meeting_path_id

    return f"/v2/report/meetings/{meeting_path_id(uuid)}/participants"


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
def zoom(zoom_sandbox_settings):
    return SandboxReports(zoom_sandbox_settings)


@pytest.fixture
def credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="anna.sergeeva@school.example",
        account_id=ACCOUNT_ID,
        access_token=ACCESS_TOKEN,
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
