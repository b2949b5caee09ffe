"""Invitations, updates and cancellations: real SMTP, every message and .ics parsed."""

import datetime as dt

import pytest
from dateutil.rrule import rrulestr

from meetings.models import Meeting
from meetings.recurrence import WeeklyRecurrence
from meetings.services import LessonPlan, meeting_cancel, meeting_reschedule, zoom_settings_of
from notifications.models import OutgoingMessage
from notifications.services import lesson_sync_invitations
from tests.notifications.conftest import TALLINN, send_everything, tallinn

pytestmark = pytest.mark.django_db


def replan(meeting: Meeting, **changes) -> LessonPlan:
    values = {
        "host": meeting.host,
        "topic": meeting.topic,
        "start": meeting.start_at,
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "teacher": meeting.teacher,
        "students": tuple(meeting.students.all()),
        "recurrence": meeting.recurrence,
        "zoom_settings": zoom_settings_of(meeting),
        **changes,
    }
    return LessonPlan(**values)


def test_invitation_per_person_in_their_language_with_a_request_calendar(
    smtp, schedule, teacher, student_ru, student_en
):
    lesson = schedule(students=[student_ru, student_en], start=tallinn("2027-02-23", "15:00"))
    send_everything()

    assert sorted(r for item in smtp.all() for r in item.recipients) == sorted(
        [teacher.email, student_ru.email, student_en.email]
    )
    ivan = smtp.to(student_ru.email)[0]
    assert ivan.message["Subject"].strip().startswith("Приглашение: Estonian A2")
    assert ivan.message["From"] == "Tallinn Language School <office@school.example>"
    # His clock (Moscow) and the school's (Tallinn), in Russian.
    assert "вторник, 23 февраля 2027, 15:00 (по Таллину; 16:00 по Москве)" in ivan.text
    assert lesson.join_url in ivan.text and "123456" in ivan.text
    assert "zak=" not in ivan.text
    assert ivan.calendar["METHOD"] == "REQUEST"
    assert ivan.calendar_part.get_param("method") == "REQUEST"
    event = ivan.event
    assert str(event["UID"]) == f"lesson-{lesson.pk}-{lesson.push_key}@school.example"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == lesson.start_at
    assert event["DTSTART"].params["TZID"] == TALLINN
    assert [tz["TZID"] for tz in ivan.calendar.walk("VTIMEZONE")] == [TALLINN]
    assert str(event["ORGANIZER"]) == "mailto:office@school.example"
    assert event["ORGANIZER"].params["CN"] == "Tallinn Language School"
    assert str(event["ATTENDEE"]) == "mailto:ivan@example.com"
    assert "RRULE" not in event

    anna = smtp.to(student_en.email)[0]
    assert "Tuesday, 23 February 2027, 15:00 (Tallinn time)" in anna.text

    # The teacher hosts the lesson in Zoom: her copy has the start link, in Estonian.
    mari = smtp.to(teacher.email)[0]
    assert "teisipäev, 23. veebruar 2027, 15:00 (Tallinna aja järgi)" in mari.text
    assert lesson.start_url in mari.text
    # ... but the outbox keeps no start link, so no page ever shows it.
    stored = OutgoingMessage.objects.get(person=teacher)
    assert "zak=" not in stored.body and stored.state == OutgoingMessage.State.SENT


def test_teacher_who_is_not_the_zoom_host_gets_no_start_link(smtp, schedule, teacher, student_en):
    teacher.zoom_user = None
    teacher.save()
    schedule(students=[student_en])
    send_everything()
    assert "zak=" not in smtp.to(teacher.email)[0].text


def test_running_the_send_task_twice_sends_one_message_per_person(smtp, schedule, student_ru, student_en):
    lesson = schedule(students=[student_ru, student_en])
    send_everything(times=2)
    # A signal delivered again adds no rows either.
    lesson_sync_invitations(meeting_id=lesson.pk)
    send_everything()
    assert len(smtp.all()) == 3
    assert OutgoingMessage.objects.count() == 3
    assert set(OutgoingMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_reschedule_keeps_the_uid_and_raises_the_sequence_cancel_ends_it(
    smtp, schedule, student_en, django_capture_on_commit_callbacks
):
    lesson = schedule(students=[student_en], start=tallinn("2027-03-02", "15:00"))
    send_everything()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=lesson, plan=replan(lesson, start=tallinn("2027-03-03", "16:00")))
    send_everything()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=lesson, plan=replan(lesson, start=tallinn("2027-03-04", "17:00")))
    send_everything()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=lesson)
    send_everything(times=2)

    mails = smtp.to(student_en.email)
    assert [m.calendar["METHOD"] for m in mails] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert len({str(m.event["UID"]) for m in mails}) == 1
    sequences = [m.event["SEQUENCE"] for m in mails]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert mails[1].message["Subject"].strip().startswith("Changed: Estonian A2")
    assert mails[2].event.decoded("DTSTART") == tallinn("2027-03-04", "17:00")
    assert "Thursday, 4 March 2027, 17:00" in mails[2].text
    assert mails[3].event["STATUS"] == "CANCELLED"
    assert mails[3].message["Subject"].strip().startswith("Cancelled: Estonian A2")


def test_an_edit_that_does_not_move_the_lesson_sends_no_update(
    smtp, schedule, student_en, django_capture_on_commit_callbacks
):
    lesson = schedule(students=[student_en])
    send_everything()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=lesson, plan=replan(lesson, description="Bring the book"))
    send_everything()
    assert len(smtp.to(student_en.email)) == 1


def test_a_removed_student_gets_a_cancel_and_a_new_one_an_invitation(
    smtp, schedule, student_ru, student_en, django_capture_on_commit_callbacks
):
    lesson = schedule(students=[student_ru])
    send_everything()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(meeting=lesson, plan=replan(lesson, students=(student_en,)))
    send_everything()

    ivan = smtp.to(student_ru.email)
    assert [m.calendar["METHOD"] for m in ivan] == ["REQUEST", "CANCEL"]
    assert ivan[1].event["SEQUENCE"] > ivan[0].event["SEQUENCE"]
    assert str(ivan[1].event["UID"]) == str(ivan[0].event["UID"])
    assert "Вы больше не участвуете" in ivan[1].text
    anna = smtp.to(student_en.email)
    assert [m.calendar["METHOD"] for m in anna] == ["REQUEST"]


def test_weekly_series_rrule_keeps_the_wall_clock_across_the_october_dst_change(smtp, schedule, student_en):
    # Tuesdays and Thursdays at 18:00 Tallinn time; clocks go back on Sunday 31 October 2027.
    first = tallinn("2027-10-19", "18:00")
    lesson = schedule(
        students=[student_en], start=first, recurrence=WeeklyRecurrence(weekdays=(1, 3), count=6)
    )
    send_everything()
    event = smtp.to(student_en.email)[0].event
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["TU", "TH"] and rule["COUNT"] == [6]

    dtstart = event.decoded("DTSTART")
    expanded = list(rrulestr(rule.to_ical().decode(), dtstart=dtstart))
    as_utc = [moment.astimezone(dt.UTC) for moment in expanded]
    assert as_utc == lesson.occurrence_starts()
    # Before the change 18:00 is 15:00 UTC, after it 16:00 UTC.
    assert as_utc[0].hour == 15 and as_utc[-1].hour == 16
    # The VTIMEZONE sent along says the same (a calendar without its own tz database uses it).
    [vtimezone] = smtp.to(student_en.email)[0].calendar.walk("VTIMEZONE")
    sent_zone = vtimezone.to_tz()
    wall_clock = [moment.replace(tzinfo=None).replace(tzinfo=sent_zone) for moment in expanded]
    assert [moment.astimezone(dt.UTC) for moment in wall_clock] == lesson.occurrence_starts()
    assert "Repeats weekly on tuesday, thursday: 6 lessons." in smtp.to(student_en.email)[0].text


def test_series_until_a_date_ends_on_its_last_lesson(smtp, schedule, student_en):
    lesson = schedule(
        students=[student_en],
        start=tallinn("2027-10-19", "18:00"),
        recurrence=WeeklyRecurrence(weekdays=(1,), until=dt.date(2027, 11, 9)),
    )
    send_everything()
    event = smtp.to(student_en.email)[0].event
    expanded = list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART")))
    assert [moment.astimezone(dt.UTC) for moment in expanded] == lesson.occurrence_starts()
    assert len(expanded) == 4


def test_invitation_waits_for_the_join_link_and_skips_once_cancelled(
    smtp, schedule, student_en, django_capture_on_commit_callbacks
):
    lesson = schedule(students=[student_en])
    Meeting.objects.filter(pk=lesson.pk).update(join_url="", push_state=Meeting.PushState.PENDING)
    send_everything()
    assert smtp.all() == []
    waiting = OutgoingMessage.objects.get(person=student_en)
    assert waiting.state == "pending" and "join link" in waiting.last_error
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=lesson)
    OutgoingMessage.objects.update(next_attempt_at=None)
    send_everything()
    # Nobody got an invitation, so nobody needs a cancellation.
    assert smtp.all() == []
    assert set(OutgoingMessage.objects.values_list("state", flat=True)) == {"skipped"}


def test_a_refused_send_is_retried_with_back_off_and_shown(
    settings, schedule, student_en, smtp, staff_client
):
    schedule(students=[student_en])
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens: connection refused
    send_everything()
    failed = OutgoingMessage.objects.get(person=student_en)
    assert failed.state == "failed" and failed.attempts == 1
    assert failed.next_attempt_at > failed.created_at + dt.timedelta(seconds=50)
    page = staff_client.get(f"/notifications/mail/{failed.pk}/")
    assert "ConnectionRefusedError" in page.content.decode()

    settings.EMAIL_PORT = good_port
    send_everything()  # not due yet
    assert smtp.to(student_en.email) == []
    OutgoingMessage.objects.filter(pk=failed.pk).update(next_attempt_at=failed.created_at)
    send_everything()
    assert len(smtp.to(student_en.email)) == 1
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.attempts == 2


def test_failed_mail_needs_a_person_on_the_dashboard(settings, schedule, student_en, smtp, staff_client):
    schedule(students=[student_en])
    assert "Mail that could not be sent" not in staff_client.get("/").content.decode()
    settings.EMAIL_PORT = 9  # nothing listens
    send_everything()
    page = staff_client.get("/").content.decode()
    assert "Mail that could not be sent" in page and "/notifications/mail/?state=failed" in page


def test_a_lesson_imported_from_the_past_invites_nobody(host, teacher, student_en):
    from django.utils import timezone

    from meetings.models import Meeting

    lesson = Meeting.objects.create(
        topic="Held last month",
        start_at=timezone.now() - dt.timedelta(days=30),
        duration=60,
        host=host,
        teacher=teacher,
        timezone=TALLINN,
    )
    lesson.students.add(student_en)
    lesson_sync_invitations(meeting_id=lesson.pk)
    assert not OutgoingMessage.objects.exists()
