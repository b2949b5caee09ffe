"""Zoom's three participant sources become the same segments."""

from datetime import UTC, datetime

import pytest

from attendance.segments import (
    SegmentParseError,
    segments_from_live_events,
    segments_from_past_meeting,
    segments_from_report,
)
from tests.attendance.builders import fixture


def utc(hour, minute, second=0):
    return datetime(2024, 3, 4, hour, minute, second, tzinfo=UTC)


def test_report_rows_become_one_segment_per_join_and_skip_the_waiting_room():
    rows = fixture("report_meeting_participants__rejoin_and_guest.json")["participants"]

    segments = segments_from_report(rows)

    # Five rows, one of them time in the waiting room: that is not time in the lesson.
    assert [(s.name, s.join, s.leave) for s in segments] == [
        ("Anna Sergeeva", utc(14, 58, 10), utc(16, 1, 30)),
        ("Ivan Petrov", utc(15, 2), utc(15, 20)),
        ("Maria Smirnova (iPhone)", utc(15, 7), utc(15, 55)),
        ("Ivan Petrov", utc(15, 21, 30), utc(15, 58)),
    ]
    assert {s.source for s in segments} == {"report"}
    teacher = segments[0]
    assert teacher.zoom_user_ids == ("tUo7WohjTs6ELvl9WR3JAA",)
    assert teacher.email_key == "anna.sergeeva@school.example"


def test_guests_with_hidden_ids_have_no_zoom_user_id():
    # Since March 2023 Zoom sends id and participant_user_id as "" for guests.
    rows = fixture("report_meeting_participants__rejoin_and_guest.json")["participants"]

    guest = next(s for s in segments_from_report(rows) if s.name.startswith("Maria"))

    assert guest.id == "" and guest.participant_user_id == ""
    assert guest.zoom_user_ids == ()
    assert guest.user_id == "16782336"


def test_past_meeting_rows_are_read_the_same_way():
    rows = fixture("past_meeting_participants__guest_without_email.json")["participants"]

    segments = segments_from_past_meeting(rows)

    assert [(s.name, s.email, s.source) for s in segments] == [
        ("Anna Sergeeva", "anna.sergeeva@school.example", "past_meetings"),
        ("Ivan Petrov", "", "past_meetings"),
        ("Ваня", "", "past_meetings"),
    ]
    assert segments[1].join == utc(15, 2) and segments[1].leave == utc(15, 58)


def test_a_row_without_a_join_time_is_refused_with_a_clear_message():
    rows = [{"name": "Ivan Petrov", "join_time": "yesterday", "leave_time": "2024-03-04T15:20:00Z"}]

    with pytest.raises(SegmentParseError, match=r"report participant row 1: join_time 'yesterday'"):
        segments_from_report(rows)
    with pytest.raises(SegmentParseError, match=r"row 1: join_time is missing"):
        segments_from_report([{"name": "Ivan Petrov"}])


def test_a_leave_stamped_before_its_join_is_a_zero_length_stay():
    rows = [{"name": "A", "join_time": "2024-03-04T15:10:00Z", "leave_time": "2024-03-04T15:09:59Z"}]

    (segment,) = segments_from_report(rows)

    assert segment.leave == segment.join


def test_live_join_and_leave_pair_into_one_closed_segment():
    events = [
        fixture("meeting.participant_left__signed_in.json"),
        fixture("meeting.participant_joined__signed_in.json"),
    ]

    (segment,) = segments_from_live_events(events)  # out of order on purpose

    assert (segment.join, segment.leave) == (utc(15, 2), utc(15, 20, 1))
    assert segment.source == "live"
    assert segment.email == "ivan.petrov@gmail.com"
    assert segment.participant_uuid == "0C9B8A7F-1E2D-4C3B-8A9F-7E6D5C4B3A21"


def test_live_join_without_leave_stays_open_and_redeliveries_count_once():
    joined = fixture("meeting.participant_joined__guest.json")

    segments = segments_from_live_events([joined, joined])

    assert len(segments) == 1
    assert segments[0].leave is None
    assert segments[0].name == "Maria Smirnova (iPhone)"


def test_a_redelivered_leave_does_not_make_a_second_segment():
    joined = fixture("meeting.participant_joined__signed_in.json")
    left = fixture("meeting.participant_left__signed_in.json")

    assert len(segments_from_live_events([joined, left, left])) == 1


def test_other_events_are_ignored_and_a_broken_participant_event_is_refused():
    assert segments_from_live_events([{"event": "meeting.started", "payload": {}}]) == []
    with pytest.raises(SegmentParseError, match=r"payload\.object\.participant is missing"):
        segments_from_live_events([{"event": "meeting.participant_joined", "payload": {"object": {}}}])
