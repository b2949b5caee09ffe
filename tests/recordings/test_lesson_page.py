"""The lesson page lists the lesson's cloud recordings, with a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ZoomUser
from meetings.models import Meeting
from recordings.models import Recording

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(credential):
    host = ZoomUser.objects.create(credential=credential, zoom_id="host1", email="host@school.example")
    return Meeting.objects.create(
        host=host,
        topic="English B1",
        start_at=timezone.now() - dt.timedelta(days=3),
        duration=60,
        zoom_meeting_id=85746065432,
        push_state=Meeting.PushState.SYNCED,
    )


def _recordings(lesson, count, *, start=0):
    for n in range(start, start + count):
        Recording.objects.create(
            uuid=f"uuid-{n}==",
            zoom_meeting_id=lesson.zoom_meeting_id,
            meeting=lesson,
            topic=lesson.topic,
            start_time=lesson.start_at + dt.timedelta(days=7 * n),
            total_size=(n + 1) * 1024 * 1024,
            recording_count=2,
        )


def test_the_lesson_page_lists_its_recordings(staff_client, lesson):
    _recordings(lesson, 2)
    Recording.objects.create(uuid="other==", zoom_meeting_id=1, start_time=timezone.now())
    page = staff_client.get(reverse("meetings:lesson_detail", args=[lesson.pk])).content.decode()
    for recording in Recording.objects.filter(meeting=lesson):
        assert reverse("recordings:recording_detail", args=[recording.pk]) in page
    other = Recording.objects.get(uuid="other==")
    assert reverse("recordings:recording_detail", args=[other.pk]) not in page
    assert "2.0\xa0MB" in page


def test_the_lesson_page_queries_do_not_grow_with_recordings(
    staff_client, lesson, django_assert_max_num_queries
):
    _recordings(lesson, 1)
    url = reverse("meetings:lesson_detail", args=[lesson.pk])
    with django_assert_max_num_queries(40) as few:
        staff_client.get(url)
    _recordings(lesson, 12, start=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(url)
