"""Calendar feeds: a private token per person, parsed with icalendar, revocable and rotatable."""

import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from meetings.recurrence import WeeklyRecurrence
from meetings.services import meeting_cancel
from notifications.feeds import feed_revoke, feed_rotate
from notifications.models import PersonNotifications
from tests.notifications.conftest import TALLINN, tallinn

pytestmark = pytest.mark.django_db


def test_feed_lists_the_persons_lessons(
    client, schedule, student_en, student_ru, django_capture_on_commit_callbacks
):
    weekly = schedule(
        students=[student_en],
        topic="Weekly English",
        start=tallinn("2027-10-19", "18:00"),
        recurrence=WeeklyRecurrence(weekdays=(1,), count=4),
    )
    single = schedule(
        students=[student_en, student_ru],
        topic="Trial",
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2),
    )
    cancelled = schedule(
        students=[student_en],
        topic="Dropped",
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=4),
    )
    schedule(
        students=[student_ru],
        topic="Not hers",
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=cancelled)

    token = feed_rotate(person=student_en).feed_token
    answer = client.get(f"/calendar/{token}.ics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Weekly English", "Trial", "Dropped"}
    assert events["Weekly English"].decoded("DTSTART") == weekly.start_at
    assert events["Weekly English"]["DTSTART"].params["TZID"] == TALLINN
    assert events["Weekly English"]["RRULE"]["COUNT"] == [4]
    assert events["Trial"].decoded("DTEND") == single.end_at
    assert str(events["Trial"]["UID"]) == f"lesson-{single.pk}-{single.push_key}@school.example"
    assert single.join_url in str(events["Trial"]["DESCRIPTION"])
    assert events["Dropped"]["STATUS"] == "CANCELLED"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [TALLINN]


def test_rotated_and_revoked_tokens_answer_404(client, student_en):
    old = feed_rotate(person=student_en).feed_token
    new = feed_rotate(person=student_en).feed_token
    assert old != new
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    feed_revoke(person=student_en)
    assert client.get(f"/calendar/{new}.ics").status_code == 404
    assert client.get("/calendar/unknown.ics").status_code == 404
    assert PersonNotifications.objects.get(person=student_en).feed_token is None


def test_person_page_shows_https_and_webcal_links_and_staff_rotate_them(staff_client, student_en):
    page = staff_client.get(f"/people/{student_en.pk}/").content.decode()
    assert 'id="rotate-calendar-feed"' in page and "webcal://" not in page
    staff_client.post(f"/notifications/people/{student_en.pk}/calendar-feed/rotate/")
    token = PersonNotifications.objects.get(person=student_en).feed_token
    page = staff_client.get(f"/people/{student_en.pk}/").content.decode()
    assert f"webcal://school.example/calendar/{token}.ics" in page
    assert f"https://school.example/calendar/{token}.ics" in page
    staff_client.post(f"/notifications/people/{student_en.pk}/calendar-feed/revoke/")
    assert PersonNotifications.objects.get(person=student_en).feed_token is None
