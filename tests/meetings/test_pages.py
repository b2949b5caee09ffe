"""Staff schedule, edit and cancel lessons on the pages; times in Tallinn time; secrets stay hidden."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Credential
from meetings.models import Meeting, MeetingTimelineEvent
from meetings.outbox import meeting_push
from meetings.recurrence import WeeklyRecurrence
from tests.meetings.conftest import tallinn

pytestmark = pytest.mark.django_db

START_URL = "https://example.com/s/92674392836?zak=eyJ0eXAiOiJKV1Qi.secret-host-key"


def form_data(host, **overrides) -> dict:
    data = {
        "topic": "Trial lesson",
        "host": host.pk,
        "start_date": "2027-02-24",
        "start_time": "15:00",
        "timezone": "Europe/Tallinn",
        "duration": "60",
        "auto_recording": "none",
        "recurrence_end": "count",
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def synced_lesson(host, teacher, student):
    lesson = Meeting.objects.create(
        host=host,
        teacher=teacher,
        topic="Trial lesson",
        start_at=tallinn("2027-02-24", "15:00"),
        duration=60,
        zoom_meeting_id=92674392836,
        join_url="https://example.com/j/92674392836?pwd=Zx9",
        password="123456",
        start_url=START_URL,
        push_state=Meeting.PushState.SYNCED,
    )
    lesson.students.add(student)
    return lesson


def test_staff_schedule_a_lesson_in_tallinn_time(
    staff_client, host, teacher, student, pushes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("meetings:lesson_create"),
            form_data(
                host,
                teacher=teacher.pk,
                students=[student.pk],
                waiting_room="on",
                alternative_hosts="a@school.example; b@school.example",
            ),
        )

    lesson = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:lesson_detail", args=[lesson.pk])
    assert lesson.start_at == dt.datetime(2027, 2, 24, 13, 0, tzinfo=dt.UTC)
    assert lesson.timezone == "Europe/Tallinn"
    assert lesson.teacher == teacher
    assert list(lesson.students.all()) == [student]
    assert lesson.waiting_room is True
    assert lesson.alternative_hosts == "a@school.example,b@school.example"
    assert lesson.push_state == Meeting.PushState.PENDING
    assert pushes == [lesson.pk]

    page = staff_client.get(response["Location"]).content.decode()
    assert "Wednesday, 24 February 2027, 15:00 (Tallinn time)" in page
    assert "Mari Tamm" in page and "Jaan Kask" in page


def test_a_lesson_in_another_timezone(staff_client, host, pushes):
    staff_client.post(
        reverse("meetings:lesson_create"), form_data(host, timezone="America/New_York", start_time="09:00")
    )
    lesson = Meeting.objects.get()
    assert lesson.start_at == dt.datetime(2027, 2, 24, 14, 0, tzinfo=dt.UTC)
    page = staff_client.get(reverse("meetings:lesson_detail", args=[lesson.pk])).content.decode()
    assert "Wednesday, 24 February 2027, 09:00 (New York time)" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": "2020-01-08"}, "A lesson must start in the future."),
        ({"duration": "0"}, "A lesson lasts between 1 and 1440 minutes"),
        ({"duration": "1441"}, "A lesson lasts between 1 and 1440 minutes"),
        ({"start_date": "2027-03-28", "start_time": "03:30"}, "does not exist (Tallinn time)"),
        ({"start_date": "2027-10-31", "start_time": "03:30"}, "happens twice (Tallinn time)"),
        ({"timezone": "Mars/Olympus"}, "Select a valid choice"),
        ({"topic": ""}, "This field is required"),
        (
            {"repeats": "on", "recurrence_weekdays": ["0"], "recurrence_count": "4"},
            "The first lesson&#x27;s day must be one of the weekdays",
        ),
        (
            {"repeats": "on", "recurrence_weekdays": ["2"], "recurrence_count": ""},
            "Say how many lessons the series has.",
        ),
        (
            {
                "repeats": "on",
                "recurrence_weekdays": ["2"],
                "recurrence_end": "until",
                "recurrence_until": "2028-12-31",
            },
            "Zoom allows at most 60 lessons",
        ),
        ({"alternative_hosts": "not-an-email"}, "is not an email address"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(staff_client, host, pushes, overrides, message):
    response = staff_client.post(reverse("meetings:lesson_create"), form_data(host, **overrides))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert Meeting.objects.count() == 0
    assert pushes == []


def test_the_host_cannot_be_booked_twice_at_overlapping_times(staff_client, host, schedule, pushes):
    schedule(topic="Group A", start=tallinn("2027-02-24", "15:00"), duration=60)
    response = staff_client.post(reverse("meetings:lesson_create"), form_data(host, start_time="15:30"))
    assert (
        "already hosts “Group A” on Wednesday, 24 February 2027, 15:00 (Tallinn time)"
        in response.content.decode()
    )
    assert Meeting.objects.count() == 1
    # Right after it is fine.
    staff_client.post(reverse("meetings:lesson_create"), form_data(host, start_time="16:00"))
    assert Meeting.objects.count() == 2


def test_a_series_occurrence_blocks_the_host_weeks_later(staff_client, host, schedule):
    schedule(
        topic="Weekly group",
        start=tallinn("2027-02-24", "15:00"),
        recurrence=WeeklyRecurrence(weekdays=(2,), count=8),
    )
    response = staff_client.post(
        reverse("meetings:lesson_create"), form_data(host, start_date="2027-03-24", start_time="15:15")
    )
    assert (
        "already hosts “Weekly group” on Wednesday, 24 March 2027, 15:00 (Tallinn time)"
        in response.content.decode()
    )
    # And a new series whose later lesson hits a one-off lesson is refused too.
    schedule(topic="One-off", start=tallinn("2027-05-06", "10:00"))
    response = staff_client.post(
        reverse("meetings:lesson_create"),
        form_data(
            host,
            topic="Thursday series",
            start_date="2027-04-01",
            start_time="10:30",
            repeats="on",
            recurrence_weekdays=["3"],
            recurrence_count="10",
        ),
    )
    assert (
        "already hosts “One-off” on Thursday, 6 May 2027, 10:00 (Tallinn time)" in response.content.decode()
    )


def test_a_host_of_an_account_that_needs_reconnecting_is_refused(staff_client, host, credential):
    credential.status = Credential.Status.RECONNECT_NEEDED
    credential.save()
    response = staff_client.post(reverse("meetings:lesson_create"), form_data(host))
    assert response.status_code == 200
    assert Meeting.objects.count() == 0
    # The form offers only usable hosts, so the choice itself is refused.
    assert "Select a valid choice" in response.content.decode()


def test_the_service_refuses_an_unusable_host_too(host, credential):
    from django.core.exceptions import ValidationError

    from meetings.services import LessonPlan, meeting_schedule

    credential.status = Credential.Status.INVALID
    credential.save()
    with pytest.raises(ValidationError) as error:
        meeting_schedule(
            plan=LessonPlan(
                host=host,
                topic="x",
                start=tallinn("2027-02-24", "15:00"),
                duration=60,
                timezone="Europe/Tallinn",
            )
        )
    assert "is not usable (invalid)" in str(error.value)
    assert Meeting.objects.count() == 0


def test_edit_shows_tallinn_time_and_reschedules(
    staff_client, synced_lesson, pushes, django_capture_on_commit_callbacks
):
    url = reverse("meetings:lesson_edit", args=[synced_lesson.pk])
    page = staff_client.get(url).content.decode()
    assert 'value="2027-02-24"' in page and 'value="15:00"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, form_data(synced_lesson.host, start_date="2027-02-26", start_time="10:00", duration="45")
        )

    assert response.status_code == 302
    synced_lesson.refresh_from_db()
    assert synced_lesson.start_at == dt.datetime(2027, 2, 26, 8, 0, tzinfo=dt.UTC)
    assert synced_lesson.duration == 45
    assert synced_lesson.push_state == Meeting.PushState.PENDING
    assert synced_lesson.join_url == "https://example.com/j/92674392836?pwd=Zx9"
    assert pushes == [synced_lesson.pk]
    assert synced_lesson.timeline.filter(kind=MeetingTimelineEvent.Kind.RESCHEDULED).exists()


def test_a_bad_edit_changes_nothing(staff_client, synced_lesson, pushes):
    response = staff_client.post(
        reverse("meetings:lesson_edit", args=[synced_lesson.pk]),
        form_data(synced_lesson.host, duration="5000"),
    )
    assert response.status_code == 200
    synced_lesson.refresh_from_db()
    assert synced_lesson.duration == 60
    assert synced_lesson.push_state == Meeting.PushState.SYNCED
    assert pushes == []


def test_cancel_asks_first_then_cancels(
    staff_client, synced_lesson, pushes, django_capture_on_commit_callbacks
):
    url = reverse("meetings:lesson_cancel", args=[synced_lesson.pk])
    page = staff_client.get(url).content.decode()
    assert "Cancel lesson?" in page
    assert Meeting.objects.get(pk=synced_lesson.pk).status == Meeting.Status.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"reason": "Student is ill"})

    assert response.status_code == 302
    synced_lesson.refresh_from_db()
    assert synced_lesson.status == Meeting.Status.CANCELED
    assert pushes == [synced_lesson.pk]
    assert "Student is ill" in staff_client.get(response["Location"]).content.decode()


def test_the_start_link_is_only_shown_when_asked_for(staff_client, synced_lesson):
    detail = reverse("meetings:lesson_detail", args=[synced_lesson.pk])
    page = staff_client.get(detail).content.decode()
    assert "secret-host-key" not in page
    assert "https://example.com/j/92674392836?pwd=Zx9" in page  # the join link is there
    assert 'id="reveal-start-link"' in page

    revealed = staff_client.post(reverse("meetings:lesson_start_link", args=[synced_lesson.pk]))
    assert START_URL.replace("&", "&amp;") in revealed.content.decode()
    fragment = staff_client.post(
        reverse("meetings:lesson_start_link", args=[synced_lesson.pk]), headers={"HX-Request": "true"}
    )
    assert START_URL in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    # A GET never shows it.
    assert staff_client.get(reverse("meetings:lesson_start_link", args=[synced_lesson.pk])).status_code == 405


def test_detail_has_placeholders_not_fake_data(staff_client, synced_lesson):
    page = staff_client.get(reverse("meetings:lesson_detail", args=[synced_lesson.pk])).content.decode()
    # The attendance section comes from the attendance app: nothing held yet, nothing made up.
    assert 'id="lesson-attendance"' in page and "Not held yet: who joined" in page
    assert 'id="lesson-recordings"' in page and "No recordings yet" in page


def test_the_join_link_appears_without_reload_once_the_push_is_done(staff_client, schedule, fake_zoom):
    lesson = schedule()
    status_url = reverse("meetings:lesson_push_status", args=[lesson.pk])
    detail = staff_client.get(reverse("meetings:lesson_detail", args=[lesson.pk])).content.decode()
    assert f'hx-get="{status_url}"' in detail  # polls while pending
    assert 'id="join-url"' not in detail

    meeting_push(meeting_id=lesson.pk)

    fragment = staff_client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    lesson.refresh_from_db()
    assert lesson.join_url in fragment
    assert 'id="copy-join-url"' in fragment
    assert "hx-trigger" not in fragment  # polling stops
    host_key = lesson.start_url.rpartition("zak=")[2]
    assert host_key and host_key not in fragment


def test_a_failed_push_shows_zoom_message_and_a_retry_button(staff_client, schedule, fake_zoom, pushes):
    from tests.meetings.conftest import fixture

    lesson = schedule()
    fake_zoom.refuse_next_create(400, fixture("error__validation_failed"))
    meeting_push(meeting_id=lesson.pk)
    pushes.clear()

    page = staff_client.get(reverse("meetings:lesson_detail", args=[lesson.pk])).content.decode()
    assert fixture("error__validation_failed")["message"] in page
    assert 'id="retry-push"' in page
    assert "hx-trigger" not in page.split('id="push-status"')[1].split(">")[0]

    staff_client.post(reverse("meetings:lesson_retry_push", args=[lesson.pk]))
    lesson.refresh_from_db()
    assert lesson.push_state == Meeting.PushState.PENDING


def test_outsiders_see_no_lesson(client, outsider, synced_lesson):
    client.force_login(outsider)
    for name in ("lesson_detail", "lesson_edit", "lesson_cancel", "lesson_push_status"):
        assert client.get(reverse(f"meetings:{name}", args=[synced_lesson.pk])).status_code == 403
    assert client.post(reverse("meetings:lesson_start_link", args=[synced_lesson.pk])).status_code == 403


def test_an_unknown_lesson_is_a_404(staff_client):
    assert staff_client.get(reverse("meetings:lesson_detail", args=[999999])).status_code == 404


def test_a_lesson_without_a_host_goes_to_the_account_s_default_host_with_its_video_settings(
    staff_client, host, pushes
):
    data = form_data(host, host_video="on", participant_video="on", auto_recording="local")
    data["host"] = ""

    response = staff_client.post(reverse("meetings:lesson_create"), data)

    assert response.status_code == 302, errors_of(response)
    lesson = Meeting.objects.get()
    assert lesson.host == host  # the account's only user
    assert (lesson.host_video, lesson.participant_video, lesson.auto_recording) == (True, True, "local")
    form_page = staff_client.get(reverse("meetings:lesson_create")).content.decode()
    assert "The account&#x27;s default host" in form_page


def test_the_admin_changes_a_lesson_s_zoom_settings_through_the_service(admin_client, synced_lesson):
    url = reverse("admin:meetings_meeting_change", args=[synced_lesson.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        {
            "host_video": "on",
            "participant_video": "",
            "waiting_room": "on",
            "join_before_host": "",
            "mute_upon_entry": "",
            "auto_recording": "cloud",
            "timeline-TOTAL_FORMS": "0",
            "timeline-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = Meeting.objects.get(pk=synced_lesson.pk)
    assert (lesson.host_video, lesson.participant_video, lesson.waiting_room, lesson.auto_recording) == (
        True,
        False,
        True,
        "cloud",
    )
    assert lesson.push_state == Meeting.PushState.PENDING  # Zoom gets the change
    assert lesson.topic == "Trial lesson" and lesson.timeline.filter(kind="edited").exists()


def test_webinar_fields_sent_with_a_lesson_are_ignored(staff_client, host, teacher, pushes):
    # The fieldset is hidden for lessons by static/js/zoomhub.js; a browser without it still sends it.
    form_page = staff_client.get(reverse("meetings:lesson_create")).content.decode()
    assert '<fieldset id="webinar-fields">' in form_page and "<script>" not in form_page
    response = staff_client.post(
        reverse("meetings:lesson_create"),
        form_data(host, kind="lesson", registration="manual", panelists=[teacher.pk]),
    )
    assert response.status_code == 302
    lesson = Meeting.objects.get()
    assert (lesson.kind, lesson.registration, list(lesson.panelists.all())) == ("lesson", "off", [])
