"""A webinar's registration questions: chosen on the lesson form, set in Zoom after each push
(PATCH /webinars/{id}/registrants/questions), and each registrant's answers shown beside them on
the webinar's page. Zoom is the sandbox; its registration events come back through the intake."""

import datetime as dt
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, WebinarRegistrant
from meetings.outbox import meeting_push
from meetings.services import LessonPlan, meeting_reschedule
from sandbox.control_client import SandboxControlError
from tests.webhooks.live_school import LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    return LiveSchool(zoom_sandbox, live_server, settings)


def webinar_form(school, **overrides) -> dict:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=3))
    data = {
        "kind": "webinar",
        "topic": "Open day",
        "host": school.host(school.WEBINAR_HOST).pk,
        "registration": "manual",
        "registration_questions_asked": ["phone", "org"],
        "registration_questions_required": ["org"],
        "registration_custom_questions": "Which grade is your child in? *\n\nHow did you hear of us?",
        "start_date": start.date().isoformat(),
        "start_time": "18:00",
        "timezone": "Europe/Tallinn",
        "duration": "90",
        "auto_recording": "none",
        "recurrence_end": "count",
    }
    data.update(overrides)
    return data


def in_zoom(school, webinar: Meeting) -> dict:
    return next(w for w in school.control.webinars() if w["id"] == webinar.zoom_meeting_id)


def scheduled(school, admin_client, **overrides) -> Meeting:
    response = admin_client.post(reverse("meetings:lesson_create"), webinar_form(school, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    webinar = Meeting.objects.get()
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    webinar.refresh_from_db()
    return webinar


def test_the_questions_chosen_on_the_form_reach_zoom_after_the_push(school, admin_client):
    webinar = scheduled(school, admin_client)
    expected = {
        "questions": [{"field_name": "phone", "required": False}, {"field_name": "org", "required": True}],
        "custom_questions": [
            {"title": "Which grade is your child in?", "type": "short", "required": True},
            {"title": "How did you hear of us?", "type": "short", "required": False},
        ],
    }
    assert webinar.registration_questions == expected
    assert in_zoom(school, webinar)["registration_questions"] == expected

    # The form shows them back as chosen; taking questions off takes them off Zoom's page too.
    edit = reverse("meetings:lesson_edit", args=[webinar.pk])
    page = admin_client.get(edit).content.decode()
    assert "Which grade is your child in? *" in page
    changed = webinar_form(
        school,
        registration_questions_asked=[],
        registration_questions_required=["phone"],
        registration_custom_questions="",
    )
    assert admin_client.post(edit, changed).status_code == 302
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    assert in_zoom(school, webinar)["registration_questions"] == {
        "questions": [{"field_name": "phone", "required": True}],  # required means asked
        "custom_questions": [],
    }


def test_a_registrant_s_answers_appear_beside_them_on_the_webinar_page(school, admin_client):
    webinar = scheduled(school, admin_client)
    school.deliver_and_process(["webinar.created"])
    with pytest.raises(SandboxControlError) as refused:  # Zoom's page insists on required answers
        school.control.register_for_webinar(
            webinar.zoom_meeting_id, email="parent@example.com", first_name="Liis", phone="+372 5555 1234"
        )
    assert refused.value.status == 400 and "org" in str(refused.value)
    school.control.register_for_webinar(
        webinar.zoom_meeting_id,
        email="parent@example.com",
        first_name="Liis",
        last_name="Kuusk",
        phone="+372 5555 1234",
        org="Tallinn Kindergarten No. 7",
        custom_questions=[{"title": "Which grade is your child in?", "value": "Grade 4"}],
    )
    school.deliver_and_process(["webinar.registration_created"])
    parent = WebinarRegistrant.objects.get(email="parent@example.com")
    assert parent.answers == [
        {"field_name": "phone", "value": "+372 5555 1234"},
        {"field_name": "org", "value": "Tallinn Kindergarten No. 7"},
        {"title": "Which grade is your child in?", "value": "Grade 4"},
    ]

    # Approving brings Zoom's approval event, which carries no answers: they stay.
    approve = reverse("meetings:webinar_registrant_approve", args=[parent.pk])
    assert admin_client.post(approve).status_code == 302
    school.deliver_and_process(["webinar.registration_approved"])
    page = admin_client.get(reverse("meetings:lesson_detail", args=[webinar.pk])).content.decode()
    answers = page.split(f'id="registrant-{parent.pk}-answers"')[1].split("</td>")[0]
    assert "Organisation or school:</span> Tallinn Kindergarten No. 7" in answers
    assert "Which grade is your child in?:</span> Grade 4" in answers
    assert "Phone:</span> +372 5555 1234" in answers
    asked = page.split('id="registration-questions">')[1].split("</p>")[0]
    assert asked == (
        "Registration asks for: Phone; Organisation or school (required); "
        "Which grade is your child in? (required); How did you hear of us?"
    )


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("Which grade?\n*", "Line 2 has no question, only “*”"),
        ("\n".join(f"Question {n}?" for n in range(11)), "11 questions of your own"),
        ("x" * 101, "is 101 characters long; keep it to 100"),
        ("Which grade?\nwhich grade?", "“which grade?” is asked twice (line 2)"),
    ],
)
def test_bad_questions_are_explained_and_change_nothing(school, admin_client, custom, message):
    webinar = scheduled(school, admin_client)
    calls_before = school.control.calls().get("PATCH /v2/webinars/{webinarId}/registrants/questions")
    edit = reverse("meetings:lesson_edit", args=[webinar.pk])
    response = admin_client.post(edit, webinar_form(school, registration_custom_questions=custom))
    assert response.status_code == 200
    assert message in response.content.decode()
    before = webinar.registration_questions
    webinar.refresh_from_db()
    assert webinar.registration_questions == before and webinar.push_state == Meeting.PushState.SYNCED
    assert school.control.calls().get("PATCH /v2/webinars/{webinarId}/registrants/questions") == calls_before

    # A new webinar with the same mistake is not saved at all.
    response = admin_client.post(
        reverse("meetings:lesson_create"), webinar_form(school, registration_custom_questions=custom)
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_change_that_does_not_name_the_questions_keeps_them_and_registration_off_sends_none(
    school, admin_client
):
    webinar = scheduled(school, admin_client)
    asked = dict(webinar.registration_questions)
    # The API (and the admin) build plans without questions: a topic change keeps them.
    plan = LessonPlan(
        host=webinar.host,
        topic="Open day (spring)",
        start=webinar.start_at,
        duration=webinar.duration,
        timezone=webinar.timezone,
        kind=Meeting.Kind.WEBINAR,
        registration=Meeting.Registration.MANUAL,
    )
    meeting_reschedule(meeting=webinar, plan=plan)
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    webinar.refresh_from_db()
    assert webinar.registration_questions == asked
    assert in_zoom(school, webinar)["registration_questions"] == asked

    # Registration off: the questions stay kept here, and nothing is sent about them.
    patches = "PATCH /v2/webinars/{webinarId}/registrants/questions"
    sent = school.control.calls()[patches]
    meeting_reschedule(meeting=webinar, plan=replace(plan, registration=Meeting.Registration.OFF))
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"
    webinar.refresh_from_db()
    assert webinar.registration_questions == asked and school.control.calls()[patches] == sent
