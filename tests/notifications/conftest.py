"""Notifications tests: lessons scheduled through the services, mail through real SMTP on loopback."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from meetings.services import LessonPlan, meeting_schedule
from meetings.timezones import local_to_utc
from notifications.models import OutgoingMessage
from notifications.tasks import send_message_task
from tests.notifications.smtp import SmtpServer

TALLINN = "Europe/Tallinn"


def tallinn(day: str, time: str) -> dt.datetime:
    return local_to_utc(dt.date.fromisoformat(day), dt.time.fromisoformat(time), TALLINN)


@pytest.fixture(autouse=True)
def _school(settings):
    settings.SCHOOL_TIMEZONE = TALLINN
    settings.PUBLIC_BASE_URL = "https://school.example"
    settings.DEFAULT_FROM_EMAIL = "Tallinn Language School <office@school.example>"
    settings.NOTIFICATIONS_RETRY_SECONDS = [60, 300]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at an aiosmtpd server on a free loopback port."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server.mailbox


@pytest.fixture
def sent_tasks(monkeypatch):
    """The send tasks the outbox queued on commit (instead of a broker); tests run them."""
    queued: list[int] = []
    monkeypatch.setattr(send_message_task, "delay", lambda *, message_id: queued.append(message_id))
    from meetings import tasks as meeting_tasks

    monkeypatch.setattr(meeting_tasks.meeting_push_task, "delay", lambda **kwargs: None)
    return queued


@pytest.fixture
def host(db):
    credential = Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name="office@school.example",
        account_id="acc-notifications",
        access_token="access-token-notifications",
        refresh_token="refresh",
        token_expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return ZoomUser.objects.create(
        credential=credential,
        zoom_id="host-notifications",
        email="mari.host@school.example",
        first_name="Mari",
        last_name="Tamm",
        account_id=credential.account_id,
    )


@pytest.fixture
def teacher(host):
    return Person.objects.create(
        name="Mari Tamm",
        email="mari@school.example",
        role=Person.Role.TEACHER,
        zoom_user=host,
        language="et",
    )


@pytest.fixture
def student_ru(db):
    return Person.objects.create(
        name="Иван Петров",
        email="ivan@example.com",
        role=Person.Role.STUDENT,
        language="ru",
        time_zone="Europe/Moscow",
    )


@pytest.fixture
def student_en(db):
    return Person.objects.create(
        name="Anna Smith", email="anna@example.com", role=Person.Role.STUDENT, language="en"
    )


def zoom_created(meeting: Meeting) -> Meeting:
    """What a successful push leaves on the lesson: Zoom's join link, passcode and start link."""
    meeting.join_url = f"https://zoom.us/j/8{meeting.pk:09d}?pwd=abc"
    meeting.password = "123456"
    meeting.start_url = f"https://zoom.us/s/8{meeting.pk:09d}?zak=secret-zak-token"
    meeting.zoom_meeting_id = 80_000_000_000 + meeting.pk
    meeting.push_state = Meeting.PushState.SYNCED
    meeting.save()
    return meeting


@pytest.fixture
def schedule(host, teacher, sent_tasks, django_capture_on_commit_callbacks):
    def make(*, start=None, students=(), topic="Estonian A2", recurrence=None, duration=60) -> Meeting:
        plan = LessonPlan(
            host=host,
            topic=topic,
            start=start or timezone.now().replace(microsecond=0) + dt.timedelta(days=3),
            duration=duration,
            timezone=TALLINN,
            teacher=teacher,
            students=tuple(students),
            recurrence=recurrence,
        )
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meeting_schedule(plan=plan)
        return zoom_created(meeting)

    return make


def send_everything(times: int = 1) -> None:
    """Run the real send task (in this process) for every row, `times` times over."""
    for _ in range(times):
        for message_id in OutgoingMessage.objects.order_by("pk").values_list("pk", flat=True):
            send_message_task.apply(kwargs={"message_id": message_id})
