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


def test_every_staff_page_and_admin_list_shows_every_stored_time_on_the_school_clock(
    client, settings, staff_user, superuser, outsider
):
    """One of everything, every stored date-time set to 06:52 UTC (ends to 06:53): no staff page and
    no admin change list may show 06:52 or 06:53, and those that show a time show 8:52."""
    import re

    from django.apps import apps
    from django.contrib import admin
    from django.db import models

    from tests.browser.test_phone_layout import staff_pages
    from tests.security.world import build_world, secret_settings

    settings.SCHOOL_TIMEZONE = "Europe/Tallinn"
    secret_settings(settings)
    world = build_world(staff=staff_user, superuser=superuser, outsider=outsider)
    ours = {"accounts", "webhooks", "meetings", "recordings", "attendance", "api"}
    later = re.compile(r"end|expires|finished|until|left|leave")
    for model in apps.get_models():
        if model._meta.app_label not in ours:
            continue
        # Ends a minute after starts (check constraints): 06:53 UTC, 8:53 in Tallinn.
        stamps = {
            field.name: INSTANT + dt.timedelta(minutes=1) if later.search(field.name) else INSTANT
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField)
        }
        if stamps:
            model.objects.update(**stamps)
    utc = re.compile(r"(?<![\d:])0?6:5[23](?!\d)")

    def check(url: str) -> bool:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return False
        text = response.content.decode()
        found = utc.search(text)
        assert not found, f"{url} shows the UTC time: …{text[max(0, found.start() - 80) : found.end() + 20]}…"
        return LOCAL in text

    client.force_login(staff_user)
    staff_with_times = [url for url in staff_pages(world) if check(url)]
    client.force_login(superuser)
    admin_with_times = [
        url
        for model in admin.site._registry
        if model._meta.app_label in ours
        for url in [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")]
        if check(url)
    ]
    assert len(staff_with_times) >= 8, staff_with_times
    assert len(admin_with_times) >= 8, admin_with_times
