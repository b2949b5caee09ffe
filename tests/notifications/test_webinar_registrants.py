"""A webinar's registrants get invitations with their own join link (Zoom gives each one theirs), in
the school's language, and a cancel when denied. Zoom is the sandbox, its webinar.registration_*
events come signed through the real intake; mail goes through real SMTP and every .ics is parsed."""

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Meeting, WebinarRegistrant
from meetings.outbox import meeting_push
from meetings.services import LessonPlan, meeting_cancel, meeting_schedule
from meetings.webinars import registrant_decide
from notifications.models import OutgoingMessage
from tests.notifications.conftest import TALLINN, send_everything
from tests.webhooks.live_school import LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    settings.LANGUAGE_CODE = "et"  # the school's language: registrants are not Persons with their own
    return LiveSchool(zoom_sandbox, live_server, settings)


def webinar_in_zoom(school, registration: str) -> Meeting:
    plan = LessonPlan(
        host=school.host(school.WEBINAR_HOST),
        topic="Open day",
        start=(timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0),
        duration=90,
        timezone=TALLINN,
        kind=Meeting.Kind.WEBINAR,
        registration=registration,
    )
    webinar = meeting_schedule(plan=plan)
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    webinar.refresh_from_db()
    school.deliver_and_process(["webinar.created"])
    return webinar


def zoom_registrant(school, webinar: Meeting, email: str) -> dict:
    webinars = school.control.webinars()
    registrants = next(w for w in webinars if w["id"] == webinar.zoom_meeting_id)["registrants"]
    return next(r for r in registrants if r["email"] == email)


def test_an_approved_registrant_gets_one_invitation_with_their_own_link_and_a_cancel_when_denied(
    school, smtp, sent_tasks
):
    webinar = webinar_in_zoom(school, Meeting.Registration.MANUAL)
    for email, name in (("parent@example.com", "Liis"), ("other@example.com", "Jaan")):
        school.control.register_for_webinar(webinar.zoom_meeting_id, email=email, first_name=name)
    school.deliver_and_process(["webinar.registration_created", "webinar.registration_created"])
    send_everything()
    assert smtp.all() == []  # waiting for approval: nothing yet

    parent = WebinarRegistrant.objects.get(email="parent@example.com")
    other = WebinarRegistrant.objects.get(email="other@example.com")
    registrant_decide(registrant=parent, action="approve")
    registrant_decide(registrant=other, action="approve")
    # Zoom's events about the same decisions come back; they add nothing.
    school.deliver_and_process(["webinar.registration_approved", "webinar.registration_approved"])
    send_everything(times=2)  # every task run twice

    parent_link = zoom_registrant(school, webinar, "parent@example.com")["join_url"]
    other_link = zoom_registrant(school, webinar, "other@example.com")["join_url"]
    assert parent_link and other_link and parent_link != other_link != webinar.join_url
    mails = smtp.to("parent@example.com")
    assert len(mails) == 1 and len(smtp.all()) == 2
    mail = mails[0]
    assert mail.message["Subject"].strip().startswith("Kutse: Open day")  # Estonian, the school's
    assert parent_link in mail.text and other_link not in mail.text
    assert mail.calendar["METHOD"] == "REQUEST"
    assert str(mail.event["URL"]) == parent_link and str(mail.event["LOCATION"]) == parent_link
    assert str(mail.event["UID"]) == f"lesson-{webinar.pk}-{webinar.push_key}@school.example"
    assert str(mail.event["ATTENDEE"]) == "mailto:parent@example.com"
    row = OutgoingMessage.objects.get(registrant=parent)
    assert (row.person, row.to, row.language, row.state) == (None, "parent@example.com", "et", "sent")

    registrant_decide(registrant=parent, action="deny")
    school.deliver_and_process(["webinar.registration_denied"])
    send_everything(times=2)
    mails = smtp.to("parent@example.com")
    assert len(mails) == 2 and len(smtp.to("other@example.com")) == 1
    assert mails[1].calendar["METHOD"] == "CANCEL"
    assert str(mails[1].event["UID"]) == str(mails[0].event["UID"])
    assert mails[1].event["SEQUENCE"] > mails[0].event["SEQUENCE"]

    # The webinar cancelled: the registrant still invited gets its cancel; the denied one nothing more.
    meeting_cancel(meeting=webinar)
    send_everything(times=2)
    [_invitation, cancelled] = smtp.to("other@example.com")
    assert cancelled.calendar["METHOD"] == "CANCEL" and str(cancelled.event["STATUS"]) == "CANCELLED"
    assert cancelled.message["Subject"].strip().startswith("Tühistatud: Open day")
    assert len(smtp.to("parent@example.com")) == 2


def test_a_registrant_zoom_approves_automatically_is_invited_from_the_event(school, smtp, sent_tasks):
    webinar = webinar_in_zoom(school, Meeting.Registration.AUTOMATIC)
    school.control.register_for_webinar(
        webinar.zoom_meeting_id, email="guest@example.com", first_name="Guest"
    )
    school.deliver_and_process(["webinar.registration_created"])
    send_everything(times=2)

    link = zoom_registrant(school, webinar, "guest@example.com")["join_url"]
    [mail] = smtp.to("guest@example.com")
    assert link in mail.text and str(mail.event["URL"]) == link
    assert mail.calendar["METHOD"] == "REQUEST"
