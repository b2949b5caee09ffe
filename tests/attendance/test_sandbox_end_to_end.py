"""End to end with the Zoom sandbox and a real Celery worker: a lesson is scheduled, played on the
sandbox's simulated clock with signed webhooks, and its attendance appears by itself.

schedule (outbox → sandbox) → play (meeting.started, joins/leaves, meeting.ended, signed, to the
live server) → the worker processes the events → the attendance fetch (report not ready at first,
retried) → status Completed with the exact minutes. No manual step.
"""

import datetime as dt
import time
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from attendance.models import Attendance, Session
from meetings.models import Meeting, Person
from meetings.services import LessonPlan, meeting_schedule
from tests.processes import celery_worker
from webhooks import broker
from zoomhub.celery_app import app

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]
ACCOUNT, HOST = "schoolAcct01", "annaUser01"
CLIENT_ID, CLIENT_SECRET, WEBHOOK_SECRET = (
    "s2sClientId01",
    "s2s-client-secret-0123456789",
    "s2s-webhook-secret",
)


def wait_for(predicate, *, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_played_lesson_becomes_completed_with_the_exact_minutes(
    zoom_sandbox, live_server, monkeypatch, settings
):
    for name, value in zoom_sandbox.settings_overrides.items():
        setattr(settings, name, value)
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id=ACCOUNT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        webhook_secret_token=WEBHOOK_SECRET,
    )
    control = zoom_sandbox.control
    control.add_account(id=ACCOUNT, name="School", plan="pro")
    control.add_user(
        id=HOST, account_id=ACCOUNT, email="anna@school.example", first_name="Anna", last_name="Teacher"
    )
    control.add_app(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        kind="server_to_server",
        account_id=ACCOUNT,
        webhook_secret=WEBHOOK_SECRET,
        webhook_urls=[live_server.url + credential.webhook_path],
    )
    control.settings(report_delay_seconds=2)  # Zoom's report is not there at once
    host = ZoomUser.objects.create(credential=credential, zoom_id=HOST, email="anna@school.example")
    teacher = Person.objects.create(
        name="Anna Teacher", email="anna@school.example", role=Person.Role.TEACHER
    )
    ivan = Person.objects.create(name="Иван Петров", email="ivan.petrov@gmail.com")
    start = (timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)

    extra_env = {
        "ZOOM_API_BASE_URL": zoom_sandbox.api_url,
        "ZOOM_OAUTH_BASE_URL": zoom_sandbox.oauth_url,
        "ATTENDANCE_FETCH_DELAY_SECONDS": "1",
    }
    # The worker sends tasks too (the fetch after meeting.ended): to its own queue.
    queue = f"attendance-e2e-{uuid.uuid4().hex[:8]}"
    with celery_worker(queue=queue, extra_env={**extra_env, "ZOOMHUB_TEST_QUEUE": queue}) as (
        process,
        _queue,
    ):
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        monkeypatch.setitem(app.conf, "task_default_queue", queue)
        broker._forget_producer()
        try:
            lesson = meeting_schedule(
                plan=LessonPlan(
                    host=host,
                    topic="English B1, Ivan",
                    start=start,
                    duration=60,
                    timezone="Europe/Tallinn",
                    teacher=teacher,
                    students=(ivan,),
                )
            )
            assert wait_for(lambda: Meeting.objects.get(pk=lesson.pk).zoom_meeting_id is not None), (
                Meeting.objects.values("push_state", "push_error").get(pk=lesson.pk)
            )
            lesson.refresh_from_db()

            control.play_lesson(
                meeting_id=lesson.zoom_meeting_id,
                speed=600,  # an hour in six seconds
                participants=[
                    {
                        "name": "Ivan Petrov",
                        "email": "ivan.petrov@gmail.com",
                        "guest": True,
                        "segments": [[3, 20], [22, 58]],
                    }
                ],
                recording=False,
            )

            def completed() -> bool:
                session = Session.objects.filter(meeting=lesson).first()
                return session is not None and session.data_state == "ready"

            assert wait_for(completed), list(Session.objects.values("status", "data_state", "data_reason"))
            assert process.poll() is None
        finally:
            broker._forget_producer()

    session = Session.objects.get(meeting=lesson)
    assert (session.status, session.data_source, session.scheduled_start) == ("completed", "report", start)
    assert session.fetch_attempts >= 2  # the report was not ready at first
    minutes = {
        a.person.name: (a.minutes, a.present, a.late, a.left_early)
        for a in Attendance.objects.filter(session=session).select_related("person")
    }
    assert minutes == {"Anna Teacher": (60.0, True, False, False), "Иван Петров": (53.0, True, False, False)}
