"""The attendance pages staff use: review list, a session, decisions, a student's history, CSV."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from attendance import services
from attendance.models import Attendance, Session
from meetings.models import Person
from tests.attendance.conftest import ACTUAL_END, START, ZOOM_UUID, fixture, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetched(lesson, zoom, sent, django_capture_on_commit_callbacks):
    """The group lesson, held and fetched from Zoom's past-meeting list (a guest "Ваня" in it)."""
    zoom.refuse_reports("error__report_paid_plans_only")
    zoom.participants(fixture("past_meeting_participants__guest_without_email"))
    with django_capture_on_commit_callbacks(execute=True):
        session = services.attendance_schedule_fetch(meeting=lesson, zoom_uuid=ZOOM_UUID, ended_at=ACTUAL_END)
        services.session_fetch(session=session, now=ACTUAL_END + dt.timedelta(minutes=3))
    return Session.objects.get(pk=session.pk)


def make_sessions(host, teacher, students, count, *, first=START, status="completed"):
    lesson = make_lesson(host, teacher, students, start=first, zoom_meeting_id=None, topic="Bulk lesson")
    sessions = []
    for index in range(count):
        start = first + dt.timedelta(days=index)
        session = Session.objects.create(
            meeting=lesson,
            zoom_uuid=f"bulk-{index}-{first:%Y%m%d}==",
            scheduled_start=start,
            scheduled_end=start + dt.timedelta(minutes=60),
            teacher=teacher,
            computed_status=status,
            data_state="ready",
        )
        Attendance.objects.bulk_create(
            [Attendance(session=session, person=teacher, role="teacher", minutes=60, present=True)]
            + [
                Attendance(session=session, person=s, role="student", minutes=42, present=True)
                for s in students
            ]
        )
        sessions.append(session)
    return sessions


def test_the_list_shows_sessions_with_counts_per_status(staff_client, fetched, host, people):
    make_sessions(
        host, people["anna"], [people["oleg"]], 2, first=START + dt.timedelta(days=30), status="no_show"
    )

    response = staff_client.get(reverse("attendance:session_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="count-completed"' in page and 'id="count-no_show"' in page
    counts = {item["value"]: item["count"] for item in response.context["status_links"]}
    assert counts == {"pending": 0, "completed": 1, "no_show": 2, "teacher_absent": 0, "never_took_place": 0}
    assert f'id="session-row-{fetched.pk}"' in page
    assert "Иван Петров</a> 56" in page


def test_the_list_filters_by_dates_teacher_student_and_status(staff_client, fetched, host, people):
    other_teacher = Person.objects.create(name="Peeter Saar", role=Person.Role.TEACHER)
    later = make_sessions(
        host, other_teacher, [people["oleg"]], 1, first=START + dt.timedelta(days=30), status="no_show"
    )[0]

    def shown(**query):
        response = staff_client.get(reverse("attendance:session_list"), query)
        assert response.status_code == 200
        return {s.pk for s in response.context["sessions"]}

    assert shown() == {fetched.pk, later.pk}
    assert shown(teacher=people["anna"].pk) == {fetched.pk}
    assert shown(student=people["oleg"].pk) == {fetched.pk, later.pk}
    assert shown(status="no_show") == {later.pk}
    assert shown(date_from="2024-04-01") == {later.pk}
    assert shown(date_to="2024-03-04") == {fetched.pk}
    assert shown(date_from="2024-03-05", date_to="2024-03-05") == set()


def test_bad_filters_say_so_and_show_everything(staff_client, fetched):
    response = staff_client.get(
        reverse("attendance:session_list"),
        {"date_from": "2024-05-01", "date_to": "2024-04-01", "teacher": "x"},
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_reads_a_constant_number_of_queries(
    staff_client, host, people, count, django_assert_max_num_queries
):
    make_sessions(host, people["anna"], [people["ivan"], people["maria"]], count)
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("attendance:session_list"), {"teacher": people["anna"].pk})
    assert response.status_code == 200
    assert len(response.context["sessions"]) == min(count, 25)


def test_the_session_page_shows_people_guests_and_a_timeline(staff_client, fetched, people):
    response = staff_client.get(reverse("attendance:session_detail", args=[fetched.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<svg viewBox="0 0 1000' in page
        and 'role="img"' in page
        and 'aria-labelledby="timeline-title timeline-desc"' in page
    )
    assert "Иван Петров: 56 min (17:02-17:58)" in page  # the timeline's description, in Tallinn time
    assert "<title>Ваня: 17:30-17:40</title>" in page
    assert "Zoom&#x27;s past-meeting participants" in page
    assert 'name="participant_key"' in page


def test_matching_a_guest_by_hand_learns_the_alias_and_recomputes(staff_client, fetched, people):
    guest_key = fetched.segments.get(name="Ваня").participant_key

    response = staff_client.post(
        reverse("attendance:session_match", args=[fetched.pk]),
        {"participant_key": guest_key, "person": people["oleg"].pk},
        follow=True,
    )

    assert "“Ваня” is remembered for the next lessons" in response.content.decode()
    oleg = Attendance.objects.get(session=fetched, person=people["oleg"])
    assert (oleg.minutes, oleg.present, oleg.match_methods) == (10.0, True, ["manual"])
    assert Person.objects.get(pk=people["oleg"].pk).other_names == ["Ваня"]


def test_a_match_to_someone_outside_the_lesson_is_refused(staff_client, fetched):
    stranger = Person.objects.create(name="Somebody Else")
    key = fetched.segments.get(name="Ваня").participant_key

    response = staff_client.post(
        reverse("attendance:session_match", args=[fetched.pk]),
        {"participant_key": key, "person": stranger.pk},
        follow=True,
    )

    assert "Choose one of the lesson&#x27;s people" in response.content.decode()
    assert not fetched.manual_matches.exists()


def test_setting_and_clearing_the_status_by_hand(staff_client, staff_user, fetched):
    url = reverse("attendance:session_override", args=[fetched.pk])
    refused = staff_client.post(url, {"status": "no_show", "reason": "  "}, follow=True)
    assert "say why" in refused.content.decode().lower()
    assert Session.objects.get(pk=fetched.pk).status == "completed"

    staff_client.post(url, {"status": "no_show", "reason": "Ivan's camera was off; he was not there."})
    session = Session.objects.get(pk=fetched.pk)
    assert (session.status, session.computed_status, session.overridden_by) == (
        "no_show",
        "completed",
        staff_user,
    )
    page = staff_client.get(reverse("attendance:session_detail", args=[fetched.pk])).content.decode()
    assert 'id="computed-status">Completed' in page and "camera was off" in page

    staff_client.post(reverse("attendance:session_clear_override", args=[fetched.pk]))
    session = Session.objects.get(pk=fetched.pk)
    assert (session.status, session.override_status, session.override_reason) == ("completed", "", "")


def test_a_student_s_history_shows_the_attendance_rate(staff_client, fetched, host, people):
    make_sessions(host, people["anna"], [people["ivan"]], 3, first=START + dt.timedelta(days=30))
    Attendance.objects.filter(person=people["ivan"], session__zoom_uuid="bulk-0-20240403==").update(
        present=False, minutes=2
    )

    response = staff_client.get(reverse("attendance:student_history", args=[people["ivan"].pk]))

    assert response.status_code == 200
    assert (response.context["present"], response.context["counted"], response.context["rate"]) == (3, 4, 75)
    assert 'id="rate">75%' in response.content.decode()


def test_the_csv_has_the_filtered_rows_and_streams(staff_client, fetched, host, people):
    make_sessions(
        host, people["anna"], [people["oleg"]], 2, first=START + dt.timedelta(days=30), status="no_show"
    )

    response = staff_client.get(reverse("attendance:session_export"), {"status": "completed"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="attendance-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["session", "date", "time", "lesson", "teacher", "status"]
    body = rows[1:]
    assert len(body) == 4  # the completed session's teacher and three students
    ivan = next(r for r in body if r[10] == "Иван Петров")
    assert ivan[1:4] == ["2024-03-04", "17:00", "English B1, group 3"]
    assert ivan[5] == "Completed" and ivan[12:14] == ["yes", "56.0"]


def test_the_csv_defuses_formulas(staff_client, fetched, people):
    Person.objects.filter(pk=people["oleg"].pk).update(name='=HYPERLINK("http://evil.example")')
    services.session_override_status(session=fetched, status="no_show", reason="+1 call the parents")

    response = staff_client.get(reverse("attendance:session_export"))

    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text and "'+1 call the parents" in text
    assert ",=HYPERLINK" not in text and ",+1 call" not in text


def test_the_lesson_page_shows_its_attendance(staff_client, fetched):
    response = staff_client.get(reverse("meetings:lesson_detail", args=[fetched.meeting_id]))
    page = response.content.decode()
    assert f'id="lesson-session-{fetched.pk}"' in page
    assert "Иван Петров 56" in page


@pytest.mark.parametrize(
    "name,method",
    [
        ("attendance:session_detail", "get"),
        ("attendance:student_history", "get"),
        ("attendance:session_match", "post"),
        ("attendance:session_override", "post"),
        ("attendance:session_clear_override", "post"),
        ("attendance:session_refetch", "post"),
    ],
)
def test_pages_with_arguments_are_for_staff_only(client, outsider, fetched, people, name, method):
    pk = people["ivan"].pk if name == "attendance:student_history" else fetched.pk
    url = reverse(name, args=[pk])
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(outsider)
    assert getattr(client, method)(url).status_code == 403
    assert Session.objects.get(pk=fetched.pk).status == "completed"


def test_unknown_sessions_and_wrong_methods_are_not_errors(staff_client):
    assert staff_client.get(reverse("attendance:session_detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("attendance:session_override", args=[999999])).status_code == 405
    assert staff_client.post(reverse("attendance:session_match", args=[999999])).status_code == 404


def _lesson_page_queries(client, lesson) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meetings:lesson_detail", args=[lesson.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_lesson_page_panels_query_the_same_however_many_sessions_and_attendees(
    staff_client, host, people
):
    one = make_sessions(host, people["anna"], [people["ivan"]], 1)[0].meeting
    many = make_sessions(
        host,
        people["anna"],
        [people["ivan"], people["maria"], people["oleg"]],
        15,
        first=START + dt.timedelta(days=60),
    )[0].meeting

    few_queries, _ = _lesson_page_queries(staff_client, one)
    many_queries, page = _lesson_page_queries(staff_client, many)

    assert many_queries == few_queries
    assert page.count('id="lesson-session-') == 15
    assert page.count("Олег Сидоров 42&nbsp;min") == 15
    # Registered panels, in their order: attendance, then recordings, each in its own section.
    assert page.index('id="lesson-attendance"') < page.index('id="lesson-recordings"')
