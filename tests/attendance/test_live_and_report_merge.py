"""Live webhook segments and Zoom's report together never count the same time twice."""

from attendance.segments import merge_segments, segments_from_live_events, segments_from_report
from tests.attendance.builders import at, compute, fixture, seg, student, teacher

PEOPLE = [
    teacher(zoom_user_ids=("tUo7WohjTs6ELvl9WR3JAA",)),
    student("ivan", "Иван Петров", email="ivan.petrov@gmail.com"),
    student("maria", "Мария Смирнова"),
]


def _live():
    return segments_from_live_events(
        [
            fixture("meeting.participant_joined__signed_in.json"),
            fixture("meeting.participant_left__signed_in.json"),
            fixture("meeting.participant_joined__guest.json"),  # never got its leave
        ]
    )


def _report():
    return segments_from_report(fixture("report_meeting_participants__rejoin_and_guest.json")["participants"])


def test_live_segments_the_report_also_has_are_dropped():
    merged = merge_segments(reported=_report(), live=_live())

    assert merged == sorted(_report(), key=lambda s: s.join)
    assert {s.source for s in merged} == {"report"}


def test_a_live_join_without_leave_is_closed_by_the_report():
    live_only = compute(_live(), PEOPLE, now=at(30), data_ready=False)
    assert live_only.person("maria").still_in

    merged = compute(merge_segments(reported=_report(), live=_live()), PEOPLE)

    maria = merged.person("maria")
    assert not maria.still_in
    assert maria.minutes == 48.0  # 15:07 → 15:55 from the report, not until the end of the lesson
    assert merged.person("ivan").minutes == 54.5  # 18 + 36.5, the live copy of the first stay not added


def test_live_segments_missing_from_the_report_are_kept():
    late_guest = seg("Oleg", 40, 50, source="live", user_id="16799999")

    merged = merge_segments(reported=_report(), live=[*_live(), late_guest])

    assert late_guest in merged
    assert len(merged) == len(_report()) + 1


def test_without_a_report_the_live_segments_are_used():
    assert merge_segments(reported=[], live=_live()) == sorted(_live(), key=lambda s: s.join)


def test_the_same_interval_from_two_sources_is_counted_once_even_if_both_are_kept():
    # The webhook came five minutes late, so the merge keeps both; the union counts the time once.
    report = seg("Ivan Petrov", 0, 30, email="ivan.petrov@gmail.com", user_id="1")
    live = seg("Ivan Petrov", 5, 30, email="ivan.petrov@gmail.com", user_id="2", source="live")

    result = compute(merge_segments(reported=[report], live=[live]), PEOPLE)

    assert result.person("ivan").minutes == 30.0
