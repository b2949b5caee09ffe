"""One clock: a lesson, a recording, a sync run and a Zoom event at 06:52 UTC show as 08:52 (the
school is in Tallinn, UTC+2 in December) on the staff pages and in the admin's lists."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Credential, ZoomUser
from attendance.models import Session
from meetings.models import Meeting
from recordings.models import Recording, Source, SyncRun
from webhooks.models import WebhookEvent
from zoomhub.clock import duration_text

pytestmark = pytest.mark.django_db

INSTANT = dt.datetime(2026, 12, 2, 6, 52, tzinfo=dt.UTC)
LOCAL = "8:52"  # "08:52" on our pages, "8:52 a.m." in the admin
UTC_FORMS = ["06:52", "6:52"]


@pytest.fixture
def world(settings):
    settings.SCHOOL_TIMEZONE = "Europe/Tallinn"
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER, name="School", account_id="acc-12345", client_id="cli-12345"
    )
    host = ZoomUser.objects.create(credential=credential, zoom_id="u1", email="host@school.example")
    lesson = Meeting.objects.create(host=host, topic="Algebra", start_at=INSTANT, duration=60)
    session = Session.objects.create(
        meeting=lesson, scheduled_start=INSTANT, scheduled_end=INSTANT + dt.timedelta(hours=1)
    )
    source = Source.objects.create(name="School recordings", credential=credential)
    run = SyncRun.objects.create(
        source=source, from_date=dt.date(2026, 11, 1), to_date=dt.date(2026, 12, 1), state="succeeded"
    )
    SyncRun.objects.filter(pk=run.pk).update(
        created_at=INSTANT, finished_at=INSTANT + dt.timedelta(seconds=14)
    )
    recording = Recording.objects.create(
        uuid="u1", zoom_meeting_id=1, source=source, topic="Algebra", start_time=INSTANT
    )
    event = WebhookEvent.objects.create(
        event_type="meeting.started", body={"event": "meeting.started", "payload": {}}, received_at=INSTANT
    )
    return {"lesson": lesson, "session": session, "run": run, "recording": recording, "event": event}


def _check(client, url):
    text = client.get(url).content.decode()
    assert LOCAL in text, url
    for utc in UTC_FORMS:
        assert utc not in text, f"{url} shows the UTC time {utc}"
    return text


def test_staff_pages_show_the_school_clock(admin_client, world):
    for url in [
        reverse("meetings:lesson_list") + "?tab=past",
        reverse("meetings:lesson_detail", args=[world["lesson"].pk]),
        reverse("attendance:session_detail", args=[world["session"].pk]),
        reverse("recordings:recording_list"),
        reverse("recordings:recording_detail", args=[world["recording"].pk]),
        reverse("recordings:source_list"),
    ]:
        _check(admin_client, url)
    run_page = _check(admin_client, reverse("recordings:run_detail", args=[world["run"].pk]))
    assert "(Tallinn time)" in run_page
    assert "took 14 seconds" in run_page


def test_admin_lists_and_forms_show_the_school_clock_and_say_so(admin_client, world):
    for name in [
        "meetings_meeting",
        "attendance_session",
        "recordings_recording",
        "webhooks_webhookevent",
    ]:
        text = _check(admin_client, reverse(f"admin:{name}_changelist"))
        assert "Times are in Europe/Tallinn" in text
    _check(admin_client, reverse("admin:recordings_syncrun_change", args=[world["run"].pk]))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(14, "14 seconds"), (1, "1 second"), (185, "3 min 5 s"), (7440, "2 h 4 min"), (None, "")],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert duration_text(seconds) == text
