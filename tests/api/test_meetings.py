"""POST/GET/PATCH/DELETE /api/v1/meetings: the lessons' own rules through meetings.services."""

import datetime as dt

import pytest

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings"
START_URL = (
    "https://us02web.zoom.us/s/92674392836?zak=eyJ0eXAiOiJKV1QiLCJzdiI6IjAwMDAwMSIsInptX3NrbSI6InptX28ybSJ9"
)


@pytest.fixture(autouse=True)
def _school(settings):
    settings.SCHOOL_TIMEZONE = "Europe/Tallinn"


@pytest.fixture
def host(db):
    credential = Credential.objects.create(
        kind="server_to_server",
        name="school",
        account_id="SCHOOLacct1",
        client_id="SchoolClient1",
        client_secret="dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas",
    )
    return ZoomUser.objects.create(
        credential=credential, zoom_id="30R7kT7bTIKSNUFEuH_Qlg", email="host@school.example"
    )


@pytest.fixture
def teacher(db):
    return Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)


@pytest.fixture
def student(db):
    return Person.objects.create(name="Jaan Kask", email="jaan@example.com")


def trial(**overrides):
    body = {
        "topic": "Trial lesson",
        "date": "2027-02-24",
        "time": "15:00",
        "timezone": "Europe/Tallinn",
        "duration": 60,
        "host": "host@school.example",
    }
    body.update(overrides)
    return body


def test_a_lesson_in_tallinn_time_is_stored_in_utc_and_queued_for_zoom(
    api, host, teacher, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(URL, trial(teacher="mari@school.example", students=[student.pk]))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["start_time"] == "2027-02-24T13:00:00Z"
    assert body["local_start"] == "2027-02-24T15:00:00+02:00"
    assert body["when"] == "Wednesday, 24 February 2027, 15:00 (Tallinn time)"
    assert body["teacher"]["id"] == teacher.pk
    assert [s["id"] for s in body["students"]] == [student.pk]
    assert (body["push_state"], body["join_url"]) == ("pending", None)
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.host == host
    assert len(callbacks) == 2  # the push to Zoom, and lesson_scheduled for the apps that listen


def test_a_utc_start_and_the_zoom_user_id_work_too(api, host):
    response = api.post(
        URL, trial(date=None, time=None, start_time="2027-02-24T13:00:00Z", host=host.zoom_id)
    )

    assert response.status_code == 201, response.content
    assert response.json()["when"].endswith("15:00 (Tallinn time)")


def test_the_join_url_is_answered_once_zoom_has_the_meeting_and_the_start_url_only_to_writers(
    api, read_api, staff_client, host
):
    meeting_id = api.post(URL, trial()).json()["id"]
    Meeting.objects.filter(pk=meeting_id).update(
        push_state="synced",
        zoom_meeting_id=92674392836,
        join_url="https://us02web.zoom.us/j/92674392836?pwd=abc",
        password="abc",
        start_url=START_URL,
    )

    body = api.get(f"{URL}/{meeting_id}").json()

    assert body["join_url"] == "https://us02web.zoom.us/j/92674392836?pwd=abc"
    assert body["start_url"] == START_URL  # a read-and-write token may start the lesson
    assert (body["passcode"], body["password"]) == ("abc", "abc")
    assert [item["start_url"] for item in api.get(URL).json()["items"]] == [START_URL]
    # Signed-in staff get it in the answer to their own change, not in a browser's GET.
    assert staff_client.get(f"{URL}/{meeting_id}").json()["start_url"] is None
    # A read token never sees the host's start link.
    assert read_api.get(f"{URL}/{meeting_id}").json()["start_url"] is None
    assert "zak=" not in read_api.get(f"{URL}/{meeting_id}").content.decode()
    assert "zak=" not in read_api.get(URL).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date": "2020-01-01"}, "time", "future"),
        ({"duration": 0}, "duration", "between 1 and 1440"),
        ({"duration": 1441}, "duration", "between 1 and 1440"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown timezone"),
        ({"date": "2027-03-28", "time": "03:30"}, "time", "does not exist"),
        ({"date": "2027-10-31", "time": "03:30"}, "time", "happens twice"),
        ({"topic": "  "}, "topic", "topic"),
        ({"host": "nobody@school.example"}, "host", "No Zoom user"),
        ({"teacher": "jaan@example.com"}, "teacher", "No teacher"),
        ({"students": [99999]}, "students.0", "No person"),
        ({"date": None}, "date", "Required"),
        ({"date": None, "time": None, "start_time": "2027-02-24T13:00:00"}, "start_time", "offset"),
        ({"recurrence": {"weekdays": [0], "count": 3}}, "recurrence.weekdays", "first lesson"),
        ({"recurrence": {"weekdays": [2], "count": 61}}, "recurrence.count", "between 1 and 60"),
        ({"recurrence": {"weekdays": [9], "count": 2}}, "recurrence.weekdays", "0 (Monday)"),
        ({"settings": {"alternative_hosts": ["not an email"]}}, "settings.alternative_hosts", "email"),
    ],
)
def test_lesson_rules_answer_by_field_and_save_nothing(api, host, student, change, field, words):
    error = assert_error(api.post(URL, trial(**change)), 400, "validation_error")

    assert field in error["fields"], error
    assert words in error["fields"][field], error
    assert not Meeting.objects.exists()


def test_an_overlapping_lesson_of_the_host_is_refused(api, host):
    assert api.post(URL, trial()).status_code == 201

    error = assert_error(api.post(URL, trial(time="15:30", topic="Other")), 400)

    assert "overlaps" in error["fields"]["time"]


def test_a_host_whose_account_is_not_usable_is_refused(api, host):
    Credential.objects.update(status=Credential.Status.INVALID)

    error = assert_error(api.post(URL, trial()), 400)

    assert "not usable" in error["fields"]["host"]


def test_a_weekly_series(api, host):
    response = api.post(URL, trial(recurrence={"weekdays": [2, 4], "count": 4}))

    assert response.status_code == 201, response.content
    assert response.json()["recurrence"] == {"weekdays": [2, 4], "count": 4, "until": None}


def test_patch_reschedules_keeping_the_rest(api, host, teacher, django_capture_on_commit_callbacks):
    meeting_id = api.post(URL, trial(teacher=teacher.pk)).json()["id"]
    Meeting.objects.filter(pk=meeting_id).update(
        push_state="synced", zoom_meeting_id=92674392836, join_url="https://zoom.us/j/1"
    )

    with django_capture_on_commit_callbacks() as callbacks:
        response = api.patch(f"{URL}/{meeting_id}", {"time": "17:30", "duration": 45})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["start_time"] == "2027-02-24T15:30:00Z"
    assert (body["duration"], body["topic"], body["teacher"]["id"]) == (45, "Trial lesson", teacher.pk)
    assert body["push_state"] == "pending" and body["join_url"] == "https://zoom.us/j/1"
    assert len(callbacks) == 2  # the push to Zoom, and lesson_changed for the apps that listen
    assert Meeting.objects.get(pk=meeting_id).timeline.filter(kind="rescheduled").exists()


def test_patch_refuses_a_past_time_and_changes_nothing(api, host):
    meeting_id = api.post(URL, trial()).json()["id"]

    error = assert_error(api.patch(f"{URL}/{meeting_id}", {"date": "2020-01-01"}), 400)

    assert "future" in error["fields"]["time"]
    assert Meeting.objects.get(pk=meeting_id).start_at == dt.datetime(2027, 2, 24, 13, tzinfo=dt.UTC)


def test_delete_cancels_and_an_ended_lesson_cannot_be(api, host):
    meeting_id = api.post(URL, trial()).json()["id"]

    response = api.delete(f"{URL}/{meeting_id}")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    assert api.delete(f"{URL}/{meeting_id}").status_code == 200  # again: harmless

    other = api.post(URL, trial(date="2027-03-03")).json()["id"]
    Meeting.objects.filter(pk=other).update(status="ended")
    assert_error(api.delete(f"{URL}/{other}"), 409, "invalid_state")


def test_unknown_meetings_are_404(api):
    assert_error(api.get(f"{URL}/999"), 404)
    assert_error(api.patch(f"{URL}/999", {"topic": "x"}), 404)
    assert_error(api.delete(f"{URL}/999"), 404)


def test_the_list_filters_and_pages_in_start_order_with_fixed_queries(
    api, host, student, django_assert_max_num_queries
):
    for day in range(3, 9):
        api.post(URL, trial(date=f"2027-03-{day:02d}", students=[student.pk]))
    Meeting.objects.filter(start_at__date=dt.date(2027, 3, 5)).update(status="canceled")

    with django_assert_max_num_queries(5):
        first = api.get(URL, {"limit": 4}).json()
    second = api.get(URL, {"limit": 4, "cursor": first["next_cursor"]}).json()
    dates = [m["local_start"][:10] for m in first["items"] + second["items"]]
    assert dates == [f"2027-03-{d:02d}" for d in range(3, 9)]
    assert second["next_cursor"] is None

    canceled = api.get(URL, {"status": "canceled"}).json()["items"]
    assert [m["local_start"][:10] for m in canceled] == ["2027-03-05"]
    window = api.get(URL, {"from": "2027-03-04", "to": "2027-03-06"}).json()["items"]
    assert [m["local_start"][:10] for m in window] == ["2027-03-04", "2027-03-05", "2027-03-06"]
    assert api.get(URL, {"host": "someone@else.example"}).json()["items"] == []
    assert_error(api.get(URL, {"from": "0001-01-01"}), 400)


def test_attendance_shows_each_sessions_status_minutes_per_person_and_segments(
    api, read_api, host, teacher, student, django_assert_max_num_queries
):
    from attendance.models import Attendance, Segment, Session

    meeting_id = api.post(URL, trial(teacher=teacher.pk, students=[student.pk])).json()["id"]
    assert read_api.get(f"{URL}/{meeting_id}/attendance").json() == {"meeting_id": meeting_id, "sessions": []}
    start = dt.datetime(2027, 2, 24, 13, tzinfo=dt.UTC)
    session = Session.objects.create(
        meeting_id=meeting_id,
        zoom_uuid="4444AAAiAAAAAiAiAiiAii==",
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=60),
        computed_status="no_show",
        data_state="ready",
    )
    Attendance.objects.create(
        session=session, person=teacher, role="teacher", minutes=58.5, present=True, first_join=start
    )
    Attendance.objects.create(session=session, person=student, role="student", minutes=3, present=False)
    for key, person, name, minutes in [
        ("t", teacher, "Mari", (0, 30)),
        ("t", teacher, "Mari", (32, 60)),
        ("g", None, "Guest 7", (5, 9)),
    ]:
        Segment.objects.create(
            session=session,
            source="report",
            join_at=start + dt.timedelta(minutes=minutes[0]),
            leave_at=start + dt.timedelta(minutes=minutes[1]),
            identity=key,
            participant_key=key,
            name=name,
            match="person" if person else "guest",
            person=person,
        )

    with django_assert_max_num_queries(6):
        body = read_api.get(f"{URL}/{meeting_id}/attendance").json()

    (only,) = body["sessions"]
    assert (only["status"], only["data_state"], only["overridden"]) == ("no_show", "ready", False)
    people = {a["person"]["name"]: a for a in only["attendance"]}
    assert people["Mari Tamm"]["minutes"] == 58.5 and people["Mari Tamm"]["present"] is True
    assert people["Mari Tamm"]["segments"] == [
        {"join_at": "2027-02-24T13:00:00Z", "leave_at": "2027-02-24T13:30:00Z"},
        {"join_at": "2027-02-24T13:32:00Z", "leave_at": "2027-02-24T14:00:00Z"},
    ]
    assert people["Jaan Kask"]["present"] is False
    assert only["others"] == [
        {
            "name": "Guest 7",
            "email": "",
            "match": "guest",
            "segments": [{"join_at": "2027-02-24T13:05:00Z", "leave_at": "2027-02-24T13:09:00Z"}],
        }
    ]
    assert_error(read_api.get(f"{URL}/99999/attendance"), 404)
