"""Live participant webhooks (stored by the webhook intake) and Zoom's report, merged once."""

import datetime as dt
import json

import pytest

from attendance import services
from attendance.models import Attendance, Segment, Session
from tests.attendance.conftest import ACTUAL_END, ZOOM_UUID, fixture
from webhooks.services import webhook_event_record

pytestmark = pytest.mark.django_db


def receive(credential, name: str) -> None:
    """A verified delivery, stored by the webhook intake as Zoom sent it."""
    body = fixture(name)
    webhook_event_record(credential_id=credential.pk, raw_body=json.dumps(body), body=body)


@pytest.fixture
def live(credential):
    for name in (
        "meeting.participant_joined__signed_in",
        "meeting.participant_left__signed_in",
        "meeting.participant_joined__guest",  # Maria's phone: no leave event ever came
        "meeting.participant_left__signed_in",  # Zoom delivered it twice
    ):
        receive(credential, name)


@pytest.fixture
def ended(lesson, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.attendance_schedule_fetch(meeting=lesson, zoom_uuid=ZOOM_UUID, ended_at=ACTUAL_END)


def minutes(session) -> dict[str, float]:
    return {
        a.person.name: a.minutes for a in Attendance.objects.filter(session=session).select_related("person")
    }


def test_before_the_report_the_live_events_show_what_is_known(
    ended, live, zoom, django_capture_on_commit_callbacks
):
    zoom.held()  # no report yet: 404 code 3001

    with django_capture_on_commit_callbacks(execute=True):
        services.session_fetch(session=ended, now=ACTUAL_END + dt.timedelta(minutes=2))

    session = Session.objects.get(pk=ended.pk)
    assert (session.status, session.data_state, session.data_source) == ("pending", "pending", "live")
    seen = minutes(session)
    assert seen["Иван Петров"] == pytest.approx(18.02, abs=0.01)  # 15:02:00 → 15:20:01, counted once
    assert seen["Мария Смирнова"] == pytest.approx(54.48, abs=0.01)  # still in until Zoom's end, 16:01:30
    assert set(Segment.objects.filter(session=session).values_list("source", flat=True)) == {"live"}


def test_the_report_and_the_live_events_together_count_each_moment_once(
    ended, live, zoom, django_capture_on_commit_callbacks
):
    zoom.report(fixture("report_meeting_participants__rejoin_and_guest"))

    with django_capture_on_commit_callbacks(execute=True):
        services.session_fetch(session=ended, now=ACTUAL_END + dt.timedelta(minutes=2))

    session = Session.objects.get(pk=ended.pk)
    assert (session.status, session.data_state, session.data_source) == ("completed", "ready", "report")
    assert minutes(session) == {
        "Анна Сергеева": 63.33,
        "Иван Петров": 54.5,
        "Мария Смирнова": 48.0,
        "Олег Сидоров": 0.0,
    }
    # The live copies of intervals the report has are dropped: nothing is stored twice.
    assert Segment.objects.filter(session=session).count() == 4
    assert set(Segment.objects.filter(session=session).values_list("source", flat=True)) == {"report"}


def test_a_live_interval_the_report_lacks_is_kept(
    ended, live, credential, zoom, django_capture_on_commit_callbacks
):
    late = fixture("meeting.participant_joined__guest")
    participant = late["payload"]["object"]["participant"]
    participant.update(
        {
            "user_id": "16799999",
            "user_name": "Oleg Sidorov",
            "participant_uuid": "B1C2",
            "join_time": "2024-03-04T15:40:00Z",
        }
    )
    late["event_ts"] += 1
    webhook_event_record(credential_id=credential.pk, raw_body=json.dumps(late), body=late)
    report = fixture("report_meeting_participants__rejoin_and_guest")
    zoom.report(report)

    with django_capture_on_commit_callbacks(execute=True):
        services.session_fetch(session=ended, now=ACTUAL_END + dt.timedelta(minutes=2))

    session = Session.objects.get(pk=ended.pk)
    assert minutes(session)["Олег Сидоров"] == 21.5  # 15:40 → Zoom's end at 16:01:30
    assert Segment.objects.filter(session=session, source="live").count() == 1
