"""Outgoing events: signed as Zoom signs webhooks, checked by an independent receiver, retried, logged."""

import datetime as dt
import time

import pytest
from django.contrib.admin.sites import site
from django.utils import timezone

from meetings.services import meeting_cancel
from notifications.events import deliveries_due, event_publish
from notifications.models import EventDelivery, EventEndpoint
from notifications.tasks import deliver_event_task
from tests.notifications.event_receiver import EventReceiver

pytestmark = pytest.mark.django_db
SECRET = "school-bot-secret-0123456789"


@pytest.fixture
def delivered(monkeypatch):
    """Deliveries queued on commit; the test runs the task itself."""
    queued: list[int] = []
    monkeypatch.setattr(deliver_event_task, "delay", lambda *, delivery_id: queued.append(delivery_id))
    return queued


def run_sweep_until(condition, *, deadline_seconds: float = 10.0) -> None:
    """The beat sweep, run by hand until `condition()` holds (back-off moved to the past each round)."""
    deadline = time.monotonic() + deadline_seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        EventDelivery.objects.filter(state=EventDelivery.State.FAILED).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
        for delivery_id in deliveries_due():
            deliver_event_task.apply(kwargs={"delivery_id": delivery_id})


def test_a_receiver_that_fails_twice_gets_the_event_once_after_two_retries(
    schedule, student_en, delivered, settings
):
    with EventReceiver(SECRET, fail_first=2) as receiver:
        endpoint = EventEndpoint.objects.create(name="Trial bot", url=receiver.url, secret=SECRET)
        lesson = schedule(students=[student_en])
        assert len(delivered) == 1
        delivery = EventDelivery.objects.get()
        assert delivery.event_type == "lesson.scheduled" and delivery.endpoint == endpoint

        deliver_event_task.apply(kwargs={"delivery_id": delivery.pk})
        delivery.refresh_from_db()
        assert delivery.state == "failed" and delivery.last_status == 503
        # Back-off: not due again until its time.
        assert delivery.next_attempt_at >= timezone.now() + dt.timedelta(seconds=50)
        assert delivery.pk not in deliveries_due()

        run_sweep_until(lambda: EventDelivery.objects.filter(state="delivered").exists())
        # Another sweep or a second task sends nothing more.
        deliver_event_task.apply(kwargs={"delivery_id": delivery.pk})
        assert deliveries_due() == []

    assert [r["status"] for r in receiver.requests] == [503, 503, 200]
    assert all(r["verified"] for r in receiver.requests)
    [body] = receiver.accepted()
    assert body["event"] == "lesson.scheduled"
    assert body["event_id"] == str(delivery.event_id)
    lesson_object = body["payload"]["object"]
    assert lesson_object["id"] == lesson.pk and lesson_object["topic"] == lesson.topic
    assert lesson_object["students"][0]["email"] == student_en.email
    assert lesson_object["start_time"] == lesson.start_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 3
    assert list(delivery.attempt_log.values_list("status", flat=True)) == [503, 503, 200]


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(schedule, student_en, delivered):
    with EventReceiver(SECRET) as receiver:
        EventEndpoint.objects.create(name="Bot", url=receiver.url, secret="not-the-receivers-secret")
        schedule(students=[student_en])
        deliver_event_task.apply(kwargs={"delivery_id": delivered[0]})
    assert receiver.requests == [{"verified": False, "status": 401, "body": None}]
    assert EventDelivery.objects.get().state == "failed"


def test_cancel_and_filtered_endpoints(schedule, student_en, delivered, django_capture_on_commit_callbacks):
    with EventReceiver(SECRET) as receiver:
        EventEndpoint.objects.create(name="All", url=receiver.url, secret=SECRET)
        EventEndpoint.objects.create(
            name="Only cancellations", url=receiver.url, secret=SECRET, event_types=["lesson.cancelled"]
        )
        EventEndpoint.objects.create(name="Off", url=receiver.url, secret=SECRET, is_active=False)
        lesson = schedule(students=[student_en])
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(meeting=lesson)
        for delivery_id in list(delivered):
            deliver_event_task.apply(kwargs={"delivery_id": delivery_id})
    events = sorted(body["event"] for body in receiver.accepted())
    assert events == ["lesson.cancelled", "lesson.cancelled", "lesson.scheduled"]


def test_replay_from_the_admin_sends_the_same_event_again(rf, superuser, delivered):
    with EventReceiver(SECRET) as receiver:
        EventEndpoint.objects.create(name="Bot", url=receiver.url, secret=SECRET)
        [delivery] = event_publish("lesson.ended", {"id": 1})
        deliver_event_task.apply(kwargs={"delivery_id": delivery.pk})
        model_admin = site._registry[EventDelivery]
        request = rf.post("/admin/notifications/eventdelivery/")
        request.user = superuser
        request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
        model_admin.replay(request, EventDelivery.objects.filter(pk=delivery.pk))
        deliver_event_task.apply(kwargs={"delivery_id": delivery.pk})
    first, second = receiver.accepted()
    assert first == second and first["event_id"] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.attempt_log.count() == 2 and delivery.state == "delivered"


def test_the_endpoint_secret_is_encrypted_and_never_shown_in_the_admin(admin_client):
    endpoint = EventEndpoint.objects.create(name="Bot", url="https://bot.example/hook", secret=SECRET)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notifications_eventendpoint WHERE id = %s", [endpoint.pk])
        assert SECRET not in cursor.fetchone()[0]
    page = admin_client.get(f"/admin/notifications/eventendpoint/{endpoint.pk}/change/").content.decode()
    assert SECRET not in page and "6789" in page  # masked: only the last four characters


def test_attendance_decided_is_announced_when_staff_set_the_status(
    schedule, student_en, delivered, django_capture_on_commit_callbacks
):
    from attendance.models import Session
    from attendance.services.decisions import session_clear_override, session_override_status

    lesson = schedule(students=[student_en])
    with EventReceiver(SECRET) as receiver:
        EventEndpoint.objects.create(
            name="Bot", url=receiver.url, secret=SECRET, event_types=["attendance.decided"]
        )
        session = Session.objects.create(
            meeting=lesson, zoom_uuid="uuid-1", scheduled_start=lesson.start_at, scheduled_end=lesson.end_at
        )
        with django_capture_on_commit_callbacks(execute=True):
            session_override_status(session=session, status="no_show", reason="Called in sick")
        with django_capture_on_commit_callbacks(execute=True):
            session_override_status(session=session, status="no_show", reason="Same status again")
        with django_capture_on_commit_callbacks(execute=True):
            session_clear_override(session=session)  # back to pending: not a decision
        for delivery_id in delivered:
            deliver_event_task.apply(kwargs={"delivery_id": delivery_id})
    [body] = receiver.accepted()
    assert body["event"] == "attendance.decided"
    assert body["payload"]["object"]["status"] == "no_show"
    assert body["payload"]["object"]["lesson_id"] == lesson.pk


def test_recording_stored_is_announced_when_zoom_brings_a_recording(
    schedule, student_en, host, delivered, django_capture_on_commit_callbacks
):
    from recordings.models import Recording, RecordingFile, Source
    from recordings.signals import recording_completed, send_on_commit

    lesson = schedule(students=[student_en])
    source = Source.objects.create(name="School recordings", credential=host.credential)
    recording = Recording.objects.create(
        uuid="rec-uuid==",
        zoom_meeting_id=lesson.zoom_meeting_id,
        source=source,
        meeting=lesson,
        topic=lesson.topic,
        start_time=lesson.start_at,
        duration=60,
    )
    RecordingFile.objects.create(
        recording=recording,
        zoom_file_id="file-1",
        file_type="MP4",
        recording_type="shared_screen",
        file_size=2048,
        download_url="https://zoom.us/rec/download/file-1",
    )
    with EventReceiver(SECRET) as receiver:
        EventEndpoint.objects.create(
            name="Bot", url=receiver.url, secret=SECRET, event_types=["recording.stored"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            send_on_commit(recording_completed, recording=recording, created=True)
        for delivery_id in delivered:
            deliver_event_task.apply(kwargs={"delivery_id": delivery_id})
    [body] = receiver.accepted()
    assert body["event"] == "recording.stored"
    recording_object = body["payload"]["object"]
    assert recording_object["lesson_id"] == lesson.pk and recording_object["zoom_uuid"] == "rec-uuid=="
    assert recording_object["files"] == [
        {"id": recording.files.get().pk, "file_type": "MP4", "recording_type": "shared_screen", "size": 2048}
    ]
