"""A lesson changed before its invitation went out: one invitation with the new details, not two mails."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from meetings.services import meeting_reschedule
from notifications.models import OutgoingMessage
from notifications.services import message_send
from tests.notifications.conftest import send_everything, tallinn, zoom_created
from tests.notifications.test_invitations import replan

pytestmark = pytest.mark.django_db
State = OutgoingMessage.State


@pytest.fixture
def reschedule(django_capture_on_commit_callbacks):
    def move(lesson: Meeting, day: str, time: str) -> Meeting:
        lesson.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            meeting_reschedule(meeting=lesson, plan=replan(lesson, start=tallinn(day, time)))
        lesson.refresh_from_db()
        return lesson

    return move


def test_rescheduled_while_the_invitation_waits_for_zoom_sends_one_invitation(
    smtp, schedule, student_en, reschedule, staff_client
):
    lesson = schedule(students=[student_en], start=tallinn("2027-03-02", "15:00"))
    Meeting.objects.filter(pk=lesson.pk).update(join_url="", push_state=Meeting.PushState.PENDING)
    send_everything()
    first = OutgoingMessage.objects.get(person=student_en)
    assert first.state == State.PENDING and "join link" in first.last_error  # waiting for Zoom
    reschedule(lesson, "2027-03-03", "16:00")
    zoom_created(Meeting.objects.get(pk=lesson.pk))
    OutgoingMessage.objects.filter(state=State.PENDING).update(next_attempt_at=None)
    send_everything(times=2)

    mails = smtp.to(student_en.email)
    assert len(mails) == 1
    (mail,) = mails
    assert mail.calendar["METHOD"] == "REQUEST"
    assert not mail.message["Subject"].strip().startswith("Changed:")
    assert mail.event["SEQUENCE"] == 1
    assert mail.event.decoded("DTSTART") == tallinn("2027-03-03", "16:00")
    first.refresh_from_db()
    assert first.state == State.SKIPPED
    assert "Replaced by a newer mail" in first.last_error
    rows = OutgoingMessage.objects.filter(person=student_en).order_by("pk")
    assert [(row.kind, row.state, row.sequence) for row in rows] == [
        ("invitation", "skipped", 0),
        ("invitation", "sent", 1),
    ]
    page = staff_client.get(reverse("notifications:mail_list")).content.decode()
    assert "Replaced by a newer mail with the lesson" in page
    detail = staff_client.get(reverse("notifications:mail_detail", args=[first.pk])).content.decode()
    assert "Replaced by a newer mail with the lesson" in detail


def test_two_changes_before_sending_send_one_invitation_with_the_latest_sequence(
    smtp, schedule, student_ru, teacher, reschedule
):
    lesson = schedule(students=[student_ru], start=tallinn("2027-03-02", "15:00"))
    reschedule(lesson, "2027-03-03", "16:00")
    reschedule(lesson, "2027-03-04", "17:00")
    send_everything(times=2)
    for person in (student_ru, teacher):
        (mail,) = smtp.to(person.email)
        assert mail.calendar["METHOD"] == "REQUEST"
        assert mail.event["SEQUENCE"] == 2
        assert mail.event.decoded("DTSTART") == tallinn("2027-03-04", "17:00")
    assert OutgoingMessage.objects.filter(state=State.SKIPPED).count() == 4  # two per person
    assert OutgoingMessage.objects.filter(state=State.SENT).count() == 2


def test_after_the_invitation_went_out_an_unsent_update_is_replaced_by_the_newer_one(
    smtp, schedule, student_en, reschedule
):
    lesson = schedule(students=[student_en], start=tallinn("2027-03-02", "15:00"))
    send_everything()
    reschedule(lesson, "2027-03-03", "16:00")
    reschedule(lesson, "2027-03-04", "17:00")
    send_everything(times=2)
    mails = smtp.to(student_en.email)
    assert [m.calendar["METHOD"] for m in mails] == ["REQUEST", "REQUEST"]
    assert [m.event["SEQUENCE"] for m in mails] == [0, 2]
    assert mails[1].message["Subject"].strip().startswith("Changed: Estonian A2")
    assert mails[1].event.decoded("DTSTART") == tallinn("2027-03-04", "17:00")
    assert str(mails[0].event["UID"]) == str(mails[1].event["UID"])


def test_an_invitation_a_worker_is_already_sending_is_followed_by_an_update(
    smtp, schedule, student_en, reschedule
):
    lesson = schedule(students=[student_en], start=tallinn("2027-03-02", "15:00"))
    invitation = OutgoingMessage.objects.get(person=student_en)
    OutgoingMessage.objects.filter(pk=invitation.pk).update(state=State.SENDING)  # claimed, SMTP under way
    reschedule(lesson, "2027-03-03", "16:00")
    invitation.refresh_from_db()
    assert invitation.state == State.SENDING  # not superseded: it may be on its way already
    update = OutgoingMessage.objects.get(person=student_en, kind="update")
    assert update.sequence == 1
    assert message_send(message_id=update.pk) == "sent"
    assert [m.event["SEQUENCE"] for m in smtp.to(student_en.email)] == [1]
