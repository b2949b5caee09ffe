"""A whole session from Zoom's report: what the session page will show."""

from datetime import UTC, datetime

from attendance.computation import SessionStatus
from attendance.segments import segments_from_report
from tests.attendance.builders import at, compute, fixture, student, teacher


def test_a_group_lesson_from_the_report():
    segments = segments_from_report(
        fixture("report_meeting_participants__rejoin_and_guest.json")["participants"]
    )
    people = [
        teacher(email="", zoom_user_ids=()),
        student("ivan", "Иван Петров", email="ivan.petrov@gmail.com"),
        student("maria", "Мария Смирнова"),
        student("oleg", "Олег Сидоров"),
    ]

    result = compute(
        segments,
        people,
        host_zoom_user_id="tUo7WohjTs6ELvl9WR3JAA",
        actual_start=datetime(2024, 3, 4, 14, 58, 10, tzinfo=UTC),
        actual_end=datetime(2024, 3, 4, 16, 1, 30, tzinfo=UTC),
    )

    assert result.status is SessionStatus.COMPLETED
    assert not result.needs_review
    rows = {row.person_id: row for row in result.people}
    assert rows["t"].match_methods == ("host",)
    assert (rows["t"].minutes, rows["t"].late, rows["t"].left_early) == (63.33, False, False)
    assert (rows["ivan"].minutes, rows["ivan"].segment_count, rows["ivan"].match_methods) == (
        54.5,
        2,
        ("email",),
    )
    assert rows["ivan"].last_leave == at(58)
    assert (rows["maria"].minutes, rows["maria"].late, rows["maria"].match_methods) == (48.0, True, ("name",))
    assert rows["maria"].zoom_names == ("Maria Smirnova (iPhone)",)
    assert (rows["oleg"].present, rows["oleg"].minutes) == (False, 0.0)
    assert result.guests == () and result.ambiguous == ()
    assert result.timeline_start == datetime(2024, 3, 4, 14, 58, 10, tzinfo=UTC)
    assert rows["ivan"].timeline == ((3.83, 21.83), (23.33, 59.83))
