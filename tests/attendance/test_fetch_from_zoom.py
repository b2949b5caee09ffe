"""After a lesson: Zoom's participants are fetched, retried until Zoom has them, stored once."""

import datetime as dt

import pytest
from django.utils import timezone

from attendance import services
from attendance.models import Attendance, Segment, Session
from tests.attendance.conftest import (
    ACTUAL_END,
    PAST_ROUTE,
    REPORT_ROUTE,
    ZOOM_UUID,
    fixture,
    report_path,
)

pytestmark = pytest.mark.django_db
STARTED = dt.datetime(2024, 3, 4, 14, 58, 10, tzinfo=dt.UTC)


@pytest.fixture
def held(lesson, sent, django_capture_on_commit_callbacks):
    """The lesson was held: Zoom's meeting.started and meeting.ended reached the attendance hooks."""
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_session_begin(meeting=lesson, zoom_uuid=ZOOM_UUID, started_at=STARTED)
        services.attendance_schedule_fetch(meeting=lesson, zoom_uuid=ZOOM_UUID, ended_at=ACTUAL_END)
    return Session.objects.get(zoom_uuid=ZOOM_UUID)


def fetch(session, *, at, capture):
    with capture(execute=True):
        return services.session_fetch(session=session, now=at)


def minutes(session) -> dict[str, float]:
    return {
        a.person.name: a.minutes for a in Attendance.objects.filter(session=session).select_related("person")
    }


def test_the_report_makes_the_session_completed_with_each_persons_minutes(
    held, zoom, people, django_capture_on_commit_callbacks
):
    zoom.report(fixture("report_meeting_participants__rejoin_and_guest"))

    outcome = fetch(held, at=ACTUAL_END + dt.timedelta(minutes=5), capture=django_capture_on_commit_callbacks)

    session = Session.objects.get(pk=held.pk)
    assert outcome.state == "ready"
    assert (session.status, session.data_state, session.data_source) == ("completed", "ready", "report")
    assert (session.actual_start, session.actual_end) == (STARTED, ACTUAL_END)
    assert minutes(session) == {
        "Анна Сергеева": 63.33,
        "Иван Петров": 54.5,
        "Мария Смирнова": 48.0,
        "Олег Сидоров": 0.0,
    }
    maria = Attendance.objects.get(session=session, person=people["maria"])
    assert (maria.present, maria.late, maria.first_join) == (
        True,
        True,
        dt.datetime(2024, 3, 4, 15, 7, tzinfo=dt.UTC),
    )
    # The waiting-room row is not time in the lesson, and is not stored.
    assert Segment.objects.filter(session=session).count() == 4
    assert set(Segment.objects.filter(session=session).values_list("match", flat=True)) == {"person"}


def test_every_page_of_the_report_is_read(held, zoom, django_capture_on_commit_callbacks):
    zoom.report(fixture("report_meeting_participants__rejoin_and_guest"))
    zoom.control.settings(max_page_size=3)  # Zoom answers fewer rows than asked for: 3 + 2

    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=5), capture=django_capture_on_commit_callbacks)

    first, second = zoom.requests(REPORT_ROUTE)
    assert first["query"] == {"page_size": "300"}
    assert second["query"]["page_size"] == "300" and second["query"]["next_page_token"]
    assert Segment.objects.filter(session=held).count() == 4
    assert Session.objects.get(pk=held.pk).status == "completed"


def test_meeting_ended_sends_the_first_fetch_after_the_configured_delay(
    lesson, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = services.attendance_schedule_fetch(
            meeting=lesson, zoom_uuid=ZOOM_UUID, ended_at=timezone.now()
        )

    assert sent == [(session.pk, pytest.approx(120, abs=2))]
    assert (session.data_state, session.status) == ("pending", "pending")


def test_a_meeting_ended_event_delivered_late_is_fetched_at_once(held, sent):
    assert sent == [(held.pk, 0.0)]
    assert held.next_fetch_at == ACTUAL_END + dt.timedelta(minutes=2)


def test_a_report_not_ready_is_retried_with_back_off_until_it_is(
    held, zoom, sent, django_capture_on_commit_callbacks
):
    sent.clear()
    zoom.held()  # Zoom has no report yet: 404 code 3001
    first_try = ACTUAL_END + dt.timedelta(minutes=2)

    fetch(held, at=first_try, capture=django_capture_on_commit_callbacks)
    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.status, session.fetch_attempts) == ("pending", "pending", 1)
    assert session.next_fetch_at == first_try + dt.timedelta(seconds=120)
    assert "Meeting does not exist" in session.data_reason

    second_try = session.next_fetch_at
    zoom.report([])
    fetch(
        session, at=second_try, capture=django_capture_on_commit_callbacks
    )  # an empty list: not ready either
    session = Session.objects.get(pk=held.pk)
    assert session.data_state == "pending"
    assert session.next_fetch_at == second_try + dt.timedelta(seconds=240)
    assert len(sent) == 2  # each attempt sent the next one

    zoom.report(fixture("report_meeting_participants__rejoin_and_guest"))
    fetch(session, at=session.next_fetch_at, capture=django_capture_on_commit_callbacks)
    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.status, session.next_fetch_at) == ("ready", "completed", None)
    assert len(sent) == 2  # nothing more to do


def test_a_fetch_that_is_not_due_yet_or_taken_does_nothing(held, zoom):
    assert services.session_fetch_due(session_id=held.pk, now=ACTUAL_END) is None  # due at +2 minutes
    assert not zoom.requests(REPORT_ROUTE)
    later = ACTUAL_END + dt.timedelta(minutes=3)
    assert services.session_claim_fetch(session_id=held.pk, now=later)
    assert not services.session_claim_fetch(session_id=held.pk, now=later)  # another worker has it


def test_a_lesson_nobody_joined_never_took_place_once_zoom_s_lists_are_final(
    held, zoom, sent, staff_user, django_capture_on_commit_callbacks
):
    """Regression: started, nobody joined, the report stayed empty; it stayed `pending` for ever."""
    sent.clear()
    zoom.held(participants=[])  # no report, and nobody in the past-meeting list

    fetch(held, at=ACTUAL_END + dt.timedelta(hours=5), capture=django_capture_on_commit_callbacks)
    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.status) == ("pending", "pending")  # not final yet

    fetch(held, at=ACTUAL_END + dt.timedelta(hours=6, minutes=1), capture=django_capture_on_commit_callbacks)

    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.status, session.next_fetch_at) == ("ready", "never_took_place", None)
    assert "nobody joined" in session.data_reason
    assert len(sent) == 1  # only the not-final attempt sent another one
    # Staff can still say otherwise.
    services.session_override_status(
        session=session, status="completed", reason="Held by phone.", actor=staff_user
    )
    assert Session.objects.get(pk=held.pk).status == "completed"


def test_a_zoom_error_when_the_lists_are_final_leaves_the_data_unavailable_with_the_reason(
    held, zoom, sent, django_capture_on_commit_callbacks
):
    sent.clear()
    zoom.fail(report_path(), status=500, body={"code": 500, "message": "Internal error"})

    fetch(held, at=ACTUAL_END + dt.timedelta(hours=6, minutes=1), capture=django_capture_on_commit_callbacks)

    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.status, session.next_fetch_at) == ("unavailable", "pending", None)
    assert "Zoom had no participant data 6 hours after the lesson ended" in session.data_reason
    assert "Internal error" in session.data_reason
    assert sent == []


@pytest.mark.parametrize("refusal", ["error__report_paid_plans_only", "error__missing_scopes"])
def test_where_reports_are_not_allowed_the_past_meeting_participants_are_used(
    held, zoom, people, refusal, django_capture_on_commit_callbacks
):
    zoom.refuse_reports(refusal)
    zoom.participants(fixture("past_meeting_participants__guest_without_email"))

    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=2), capture=django_capture_on_commit_callbacks)

    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.data_source, session.status) == (
        "ready",
        "past_meetings",
        "completed",
    )
    assert "past-meeting list" in session.data_reason
    assert minutes(session)["Иван Петров"] == 56.0
    guest = Segment.objects.get(session=session, name="Ваня")
    assert (guest.match, guest.person) == ("guest", None)
    assert session.needs_review is False  # the guest stayed 10 minutes, but the lesson is Completed


def test_a_lesson_zoom_makes_no_report_for_falls_back_to_the_past_meeting_list_at_the_end(
    held, zoom, django_capture_on_commit_callbacks
):
    # Zoom builds reports only for meetings with two or more participants: a teacher alone has none.
    alone = fixture("past_meeting_participants__guest_without_email")
    zoom.held(participants=alone["participants"][:1])  # and no report

    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=2), capture=django_capture_on_commit_callbacks)
    assert Session.objects.get(pk=held.pk).data_state == "pending"
    assert not zoom.requests(PAST_ROUTE)

    fetch(held, at=ACTUAL_END + dt.timedelta(hours=7), capture=django_capture_on_commit_callbacks)
    session = Session.objects.get(pk=held.pk)
    assert (session.data_state, session.data_source, session.status) == ("ready", "past_meetings", "no_show")


def test_fetching_again_replaces_the_segments_and_never_duplicates(
    held, zoom, django_capture_on_commit_callbacks
):
    report = fixture("report_meeting_participants__rejoin_and_guest")
    zoom.report(report)
    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=2), capture=django_capture_on_commit_callbacks)
    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=3), capture=django_capture_on_commit_callbacks)
    assert Segment.objects.filter(session=held).count() == 4
    assert Attendance.objects.filter(session=held).count() == 4

    # Zoom corrected its report: Ivan's second stay is gone.
    zoom.report(report["participants"][:4])
    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=4), capture=django_capture_on_commit_callbacks)
    assert Segment.objects.filter(session=held).count() == 3
    assert minutes(held)["Иван Петров"] == 18.0


def test_a_uuid_that_needs_double_encoding_is_asked_for_double_encoded(
    lesson, zoom, sent, django_capture_on_commit_callbacks
):
    uuid = "/Kq3L9aZT2y8vN0q//Ym1w=="
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_schedule_fetch(meeting=lesson, zoom_uuid=uuid, ended_at=ACTUAL_END)
    zoom.report(fixture("report_meeting_participants__rejoin_and_guest"), uuid=uuid)

    fetch(
        Session.objects.get(zoom_uuid=uuid),
        at=ACTUAL_END + dt.timedelta(minutes=3),
        capture=django_capture_on_commit_callbacks,
    )

    (call,) = zoom.requests(REPORT_ROUTE)
    assert call["path"] == "/v2/report/meetings/%252FKq3L9aZT2y8vN0q%252F%252FYm1w%253D%253D/participants"
    assert Session.objects.get(zoom_uuid=uuid).status == "completed"


def test_zoom_failing_keeps_the_session_pending_with_zoom_s_message(
    held, zoom, django_capture_on_commit_callbacks
):
    zoom.fail(report_path(), status=500, body={"code": 500, "message": "Internal error."})

    fetch(held, at=ACTUAL_END + dt.timedelta(minutes=2), capture=django_capture_on_commit_callbacks)

    session = Session.objects.get(pk=held.pk)
    assert session.data_state == "pending" and session.next_fetch_at is not None
    assert "Internal error." in session.data_reason
