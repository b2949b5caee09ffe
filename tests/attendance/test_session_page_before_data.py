"""Before Zoom's participant data arrives, the session page shows who is expected and the rules,
and says it is waiting for Zoom's report, instead of "no teacher or students" and "0 minutes"."""

import pytest
from django.urls import reverse

from attendance.models import Session

pytestmark = pytest.mark.django_db


def test_a_session_waiting_for_zoom_shows_the_people_and_the_rules(staff_client, lesson, people):
    session = Session.objects.create(
        meeting=lesson, scheduled_start=lesson.start_at, scheduled_end=lesson.end_at, zoom_uuid="u-1=="
    )
    page = staff_client.get(reverse("attendance:session_detail", args=[session.pk])).content.decode()
    for person in people.values():
        assert f'id="expected-{person.pk}"' in page
    assert page.count("waiting for Zoom's report (usually 2 minutes after the end)") == 4
    assert "at least 10 minutes in the lesson" in page
    assert "late after 5 minutes; left early when gone 5 minutes before the end" in page
    assert "has no teacher or students" not in page
    assert "at least 0 minutes" not in page


def test_with_a_share_rule_the_threshold_follows_the_lesson_length(staff_client, lesson, settings):
    settings.ATTENDANCE_MIN_PRESENT_SHARE = 0.5
    session = Session.objects.create(
        meeting=lesson, scheduled_start=lesson.start_at, scheduled_end=lesson.end_at
    )
    page = staff_client.get(reverse("attendance:session_detail", args=[session.pk])).content.decode()
    assert "at least 30 minutes in the lesson" in page


def test_a_lesson_without_people_says_where_to_add_them(staff_client, host):
    from tests.attendance.conftest import make_lesson

    lesson = make_lesson(host, None, [])
    session = Session.objects.create(
        meeting=lesson, scheduled_start=lesson.start_at, scheduled_end=lesson.end_at
    )
    page = staff_client.get(reverse("attendance:session_detail", args=[session.pk])).content.decode()
    assert "The lesson has no teacher or students: add them on the lesson's page." in page
