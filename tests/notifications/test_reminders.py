"""Reminders: the school's times or the lesson's, once each, never for cancelled lessons or opted-out people."""

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from meetings.services import meeting_cancel
from notifications.messages import unsubscribe_token
from notifications.models import (
    LessonReminders,
    OutgoingMessage,
    PersonNotifications,
    SchoolNotificationSettings,
)
from notifications.reminders import reminders_queue
from tests.notifications.conftest import send_everything

pytestmark = pytest.mark.django_db
Kind = OutgoingMessage.Kind


def reminders():
    return OutgoingMessage.objects.filter(kind=Kind.REMINDER)


def test_default_reminders_24_hours_and_1_hour_before(smtp, schedule, student_en, teacher):
    lesson = schedule(students=[student_en])
    start = lesson.start_at
    assert reminders_queue(now=start - dt.timedelta(hours=25)) == 0
    assert reminders_queue(now=start - dt.timedelta(hours=23, minutes=59)) == 2  # teacher and student
    assert reminders_queue(now=start - dt.timedelta(hours=23)) == 0  # once
    assert reminders_queue(now=start - dt.timedelta(minutes=59)) == 2
    assert reminders_queue(now=start - dt.timedelta(minutes=30)) == 0
    assert reminders_queue(now=start + dt.timedelta(minutes=1)) == 0
    send_everything(times=2)
    mails = [m for m in smtp.to(student_en.email)]
    reminder_mails = [m for m in mails if m.message["Subject"].strip().startswith("Reminder")]
    assert len(reminder_mails) == 2
    reminder = reminder_mails[0]
    assert reminder.calendar is None
    assert lesson.join_url in reminder.text
    unsubscribe = reminder.message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://school.example/unsubscribe/")
    assert unsubscribe in reminder.text


def test_school_and_lesson_settings_choose_the_times(schedule, student_en):
    SchoolNotificationSettings.objects.create(reminder_minutes="120")
    lesson = schedule(students=[student_en])
    other = schedule(students=[student_en], start=lesson.start_at + dt.timedelta(hours=5))
    LessonReminders.objects.create(meeting=other, reminder_minutes="15")
    assert reminders_queue(now=lesson.start_at - dt.timedelta(hours=3)) == 0
    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=119)) == 2
    assert reminders_queue(now=other.start_at - dt.timedelta(minutes=119)) == 0  # its own: 15 minutes
    assert reminders_queue(now=other.start_at - dt.timedelta(minutes=14)) == 2
    LessonReminders.objects.filter(meeting=other).update(reminder_minutes="")  # none for this lesson
    OutgoingMessage.objects.filter(meeting=other).delete()
    assert reminders_queue(now=other.start_at - dt.timedelta(minutes=5)) == 0


def test_no_reminders_for_a_cancelled_lesson(schedule, student_en, django_capture_on_commit_callbacks):
    lesson = schedule(students=[student_en])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=lesson)
    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=30)) == 0
    assert not reminders().exists()


def test_a_reminder_whose_time_passed_before_scheduling_is_not_sent(schedule, student_en):
    lesson = schedule(
        students=[student_en], start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=3)
    )
    # Only the 1 h reminder: the 24 h one's time was before the lesson existed.
    assert reminders_queue(now=lesson.start_at - dt.timedelta(hours=2)) == 0
    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=50)) == 2


def test_unsubscribe_link_works_without_signing_in_and_stops_reminders(client, schedule, student_en, teacher):
    lesson = schedule(students=[student_en])
    token = unsubscribe_token(student_en)
    asked = client.get(f"/unsubscribe/{token}/")
    assert asked.status_code == 200 and "confirm-unsubscribe" in asked.content.decode()
    assert not PersonNotifications.objects.filter(person=student_en, reminders_enabled=False).exists()
    done = client.post(f"/unsubscribe/{token}/")
    assert done.status_code == 200 and "unsubscribe-done" in done.content.decode()
    assert PersonNotifications.objects.get(person=student_en).reminders_enabled is False

    assert reminders_queue(now=lesson.start_at - dt.timedelta(minutes=30)) == 1
    assert list(reminders().values_list("person", flat=True)) == [teacher.pk]


@pytest.mark.parametrize("token", ["garbage", signing.dumps({"person": 1}, salt="another-salt")])
def test_a_bad_unsubscribe_token_is_a_clear_400(client, token, student_en):
    answer = client.post(f"/unsubscribe/{token}/")
    assert answer.status_code == 400 and "unsubscribe-invalid" in answer.content.decode()
    assert not PersonNotifications.objects.exists()
