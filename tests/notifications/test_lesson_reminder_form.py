"""Office staff set a lesson's reminder times on its page; bad input changes nothing and says why."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.services import meeting_cancel
from notifications.models import LessonReminders, SchoolNotificationSettings
from notifications.reminders import reminders_queue

pytestmark = pytest.mark.django_db


def save(client, lesson, **data):
    return client.post(reverse("notifications:lesson_reminders_save", args=[lesson.pk]), data)


def lesson_page(client, lesson) -> str:
    response = client.get(reverse("meetings:lesson_detail", args=[lesson.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_lesson_page_shows_the_school_times_and_the_form(staff_client, schedule, student_en):
    lesson = schedule(students=[student_en])
    page = lesson_page(staff_client, lesson)
    assert 'id="lesson-reminders"' in page
    assert "24 hours, 1 hour before each lesson" in page
    assert "(the school's times)" in page
    assert 'id="lesson-reminders-form"' in page
    assert "1440 is a day before, 60 an hour before" in page  # the help text


def test_own_times_are_saved_and_used_by_the_reminders(staff_client, schedule, student_en):
    lesson = schedule(students=[student_en])
    response = save(staff_client, lesson, choice="own", minutes=" 15,120 , 15")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/lessons/{lesson.pk}/#lesson-reminders")
    assert LessonReminders.objects.get(meeting=lesson).reminder_minutes == "120, 15"
    page = lesson_page(staff_client, lesson)
    assert "Reminder times saved for this lesson." in page
    assert "2 hours, 15 minutes before each lesson" in page
    assert reminders_queue(now=lesson.start_at - dt.timedelta(hours=23)) == 0  # not the school's 24 h
    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=119)) == 2


def test_no_reminders_and_back_to_the_school_times(staff_client, schedule, student_en):
    SchoolNotificationSettings.objects.create(reminder_minutes="30")
    lesson = schedule(students=[student_en])
    assert save(staff_client, lesson, choice="none", minutes="").status_code == 302
    assert LessonReminders.objects.get(meeting=lesson).reminder_minutes == ""
    assert "No reminders are sent for this lesson." in lesson_page(staff_client, lesson)
    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=10)) == 0
    assert save(staff_client, lesson, choice="school", minutes="999").status_code == 302
    assert not LessonReminders.objects.filter(meeting=lesson).exists()
    assert "30 minutes before each lesson" in lesson_page(staff_client, lesson)
    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=10)) == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"choice": "own", "minutes": "an hour"}, "Write whole minutes separated by commas"),
        ({"choice": "own", "minutes": "30000"}, "Write whole minutes separated by commas"),
        ({"choice": "own", "minutes": "-5"}, "Write whole minutes separated by commas"),
        ({"choice": "own", "minutes": " , "}, "Write at least one time"),
        ({"choice": "sometimes", "minutes": "60"}, "Select a valid choice"),
        ({}, "This field is required"),
    ],
)
def test_bad_input_changes_nothing_and_shows_the_error(staff_client, schedule, student_en, data, error):
    lesson = schedule(students=[student_en])
    LessonReminders.objects.create(meeting=lesson, reminder_minutes="45")
    response = save(staff_client, lesson, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert "Nothing was changed" in page
    assert 'id="lesson-reminders-form"' in page
    assert LessonReminders.objects.get(meeting=lesson).reminder_minutes == "45"


def test_a_cancelled_lesson_has_no_form_and_refuses_changes(staff_client, schedule, student_en, staff_user):
    lesson = schedule(students=[student_en])
    meeting_cancel(meeting=lesson, actor=staff_user)
    assert 'id="lesson-reminders-form"' not in lesson_page(staff_client, lesson)
    response = save(staff_client, lesson, choice="own", minutes="60")
    assert response.status_code == 302
    assert not LessonReminders.objects.filter(meeting=lesson).exists()


def test_get_is_refused_and_unknown_lesson_is_404(staff_client, schedule):
    lesson = schedule()
    assert (
        staff_client.get(reverse("notifications:lesson_reminders_save", args=[lesson.pk])).status_code == 405
    )
    assert save(staff_client, type("Missing", (), {"pk": 999999})(), choice="school").status_code == 404
