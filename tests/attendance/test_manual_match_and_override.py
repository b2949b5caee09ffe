"""Staff decisions: a participant matched by hand is learned for next time; a status set by hand
is kept beside the computed one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from attendance import services
from attendance.models import Attendance, ManualMatch, Segment, Session
from meetings.models import Person
from tests.attendance.conftest import (
    ACTUAL_END,
    START,
    ZOOM_MEETING_ID,
    fixture,
    make_lesson,
)

pytestmark = pytest.mark.django_db
NEXT_UUID = "Rz3fXc8lSVyQ2yBq3R0o+A=="


def held(lesson, zoom, uuid, *, ended_at, django_capture_on_commit_callbacks, rows=None):
    zoom.refuse_reports("error__report_paid_plans_only")
    zoom.participants(rows or fixture("past_meeting_participants__guest_without_email"), uuid=uuid)
    with django_capture_on_commit_callbacks(execute=True):
        session = services.attendance_schedule_fetch(meeting=lesson, zoom_uuid=uuid, ended_at=ended_at)
        services.session_fetch(session=session, now=ended_at + dt.timedelta(minutes=3))
    return Session.objects.get(pk=session.pk)


def test_a_guest_matched_by_hand_is_matched_by_its_learned_alias_in_the_next_lesson(
    host, people, zoom, sent, django_capture_on_commit_callbacks
):
    # A one-to-one lesson whose student joins from a phone as "Ваня".
    lesson = make_lesson(host, people["anna"], [people["ivan"]], recurrence_weekdays="0", recurrence_count=2)
    rows = fixture("past_meeting_participants__guest_without_email")
    rows["participants"] = [
        rows["participants"][0],
        {**rows["participants"][2], "join_time": "2024-03-04T15:05:00Z"},
    ]
    first = held(
        lesson,
        zoom,
        "hwkAADUySwyG3GyUkqc0vA==",
        ended_at=ACTUAL_END,
        rows=rows,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert first.status == "no_show" and first.needs_review  # a guest stayed 35 minutes
    guest = Segment.objects.get(session=first, name="Ваня")

    services.session_match_participant(
        session=first, participant_key=guest.participant_key, person=people["ivan"]
    )

    first.refresh_from_db()
    assert (first.status, first.needs_review) == ("completed", False)  # recomputed at once
    ivan = Attendance.objects.get(session=first, person=people["ivan"])
    assert (ivan.minutes, ivan.match_methods) == (35.0, ["manual"])
    assert Person.objects.get(pk=people["ivan"].pk).other_names == ["Ваня"]
    assert ManualMatch.objects.get(session=first).learned_alias == "Ваня"

    # A week later "Ваня" joins again: matched on its own, by the learned alias.
    next_rows = {
        **rows,
        "participants": [
            {
                **p,
                "join_time": p["join_time"].replace("03-04", "03-11"),
                "leave_time": p["leave_time"].replace("03-04", "03-11"),
            }
            for p in rows["participants"]
        ],
    }
    second = held(
        lesson,
        zoom,
        NEXT_UUID,
        ended_at=ACTUAL_END + dt.timedelta(days=7),
        rows=next_rows,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert second.scheduled_start == START + dt.timedelta(days=7)
    assert second.status == "completed"
    assert Attendance.objects.get(session=second, person=people["ivan"]).match_methods == ["alias_name"]
    assert not ManualMatch.objects.filter(session=second).exists()


def test_an_ambiguous_name_is_decided_by_hand_and_survives_a_refetch(
    host, zoom, sent, django_capture_on_commit_callbacks
):
    teacher = Person.objects.create(name="Anna Sergeeva", role=Person.Role.TEACHER)
    twin_a = Person.objects.create(name="Ivan Petrov")
    twin_b = Person.objects.create(name="Иван Петров")  # the same name in Cyrillic: never guessed
    lesson = make_lesson(host, teacher, [twin_a, twin_b], zoom_meeting_id=ZOOM_MEETING_ID + 1)
    session = held(
        lesson,
        zoom,
        "hwkAADUySwyG3GyUkqc0vA==",
        ended_at=ACTUAL_END,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    ambiguous = Segment.objects.get(session=session, name="Ivan Petrov")
    assert ambiguous.match == "ambiguous" and set(ambiguous.candidate_ids) == {twin_a.pk, twin_b.pk}

    services.session_match_participant(
        session=session, participant_key=ambiguous.participant_key, person=twin_b
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_fetch(session=session, now=ACTUAL_END + dt.timedelta(minutes=10))

    assert Attendance.objects.get(session=session, person=twin_b).minutes == 56.0
    assert Attendance.objects.get(session=session, person=twin_a).minutes == 0.0
    assert Segment.objects.get(session=session, name="Ivan Petrov").person == twin_b


def test_the_override_is_kept_beside_the_computed_status(
    lesson, zoom, sent, staff_user, django_capture_on_commit_callbacks
):
    session = held(
        lesson,
        zoom,
        "hwkAADUySwyG3GyUkqc0vA==",
        ended_at=ACTUAL_END,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert session.status == "completed"

    with pytest.raises(ValidationError):
        services.session_override_status(
            session=session, status="teacher_absent", reason="", actor=staff_user
        )
    with pytest.raises(ValidationError):
        services.session_override_status(
            session=session, status="pending", reason="why not", actor=staff_user
        )
    services.session_override_status(
        session=session, status="teacher_absent", reason="A substitute taught.", actor=staff_user
    )

    # A new computation changes the computed status, never the decision.
    with django_capture_on_commit_callbacks(execute=True):
        services.session_fetch(session=session, now=ACTUAL_END + dt.timedelta(minutes=10))
    session.refresh_from_db()
    assert (session.status, session.computed_status, session.override_reason) == (
        "teacher_absent",
        "completed",
        "A substitute taught.",
    )
    services.session_clear_override(session=session, actor=staff_user)
    session.refresh_from_db()
    assert (session.status, session.override_status) == ("completed", "")
