"""Minutes present count each moment once; present, late and left early follow the thresholds."""

import pytest

from attendance.computation import AttendanceRules
from tests.attendance.builders import at, compute, seg, student, teacher

IVAN = "ivan@x.example"
PEOPLE = [teacher(), student("ivan", "Ivan Petrov", email=IVAN)]


def ivan(*segments, **kwargs):
    teacher_there = seg("Anna Sergeeva", 0, 60, email="anna.sergeeva@school.example")
    return compute([teacher_there, *segments], PEOPLE, **kwargs).person("ivan")


def test_a_rejoin_is_merged_into_one_presence():
    row = ivan(seg("Ivan Petrov", 0, 20, email=IVAN), seg("Ivan Petrov", 25, 60, email=IVAN))

    assert row.minutes == 55.0
    assert row.segment_count == 2
    assert row.timeline == ((0.0, 20.0), (25.0, 60.0))
    assert (row.first_join, row.last_leave) == (at(0), at(60))


def test_overlapping_segments_from_two_devices_are_not_double_counted():
    laptop = seg("Ivan Petrov", 0, 50, email=IVAN)
    phone = seg("Ivan Petrov (iPhone)", 10, 55, email=IVAN)

    row = ivan(laptop, phone)

    assert row.minutes == 55.0
    assert row.timeline == ((0.0, 55.0),)


def test_a_repeated_segment_is_counted_once():
    assert ivan(seg("Ivan Petrov", 0, 30, email=IVAN), seg("Ivan Petrov", 0, 30, email=IVAN)).minutes == 30.0


@pytest.mark.parametrize(("minutes", "present"), [(9.99, False), (10, True), (10.5, True)])
def test_present_from_the_minimum_minutes_inclusive(minutes, present):
    assert ivan(seg("Ivan Petrov", 20, 20 + minutes, email=IVAN)).present is present


@pytest.mark.parametrize(("minutes", "present"), [(29.9, False), (30, True)])
def test_present_from_a_share_of_the_lesson_replaces_the_minutes(minutes, present):
    half = AttendanceRules(min_present_minutes=10, min_present_share=0.5)

    result = compute(
        [
            seg("Anna Sergeeva", 0, 60, email="anna.sergeeva@school.example"),
            seg("Ivan", 0, minutes, email=IVAN),
        ],
        PEOPLE,
        rules=half,
    )

    assert result.threshold_minutes == 30.0
    assert result.person("ivan").present is present


@pytest.mark.parametrize(("join", "late"), [(4, False), (5, False), (5.01, True), (-3, False)])
def test_late_is_more_than_the_allowance_after_the_scheduled_start(join, late):
    assert ivan(seg("Ivan Petrov", join, 60, email=IVAN)).late is late


@pytest.mark.parametrize(("leave", "left_early"), [(60, False), (55, False), (54.99, True), (65, False)])
def test_left_early_is_more_than_the_allowance_before_the_scheduled_end(leave, left_early):
    assert ivan(seg("Ivan Petrov", 0, leave, email=IVAN)).left_early is left_early


def test_thresholds_come_from_the_rules():
    strict = AttendanceRules(min_present_minutes=45, late_after_minutes=0, left_early_minutes=0)

    row = compute([seg("Ivan", 1, 59, email=IVAN)], PEOPLE, rules=strict).person("ivan")

    assert (row.present, row.late, row.left_early) == (True, True, True)


def test_someone_absent_is_neither_late_nor_early():
    row = ivan()

    assert (row.minutes, row.present, row.late, row.left_early) == (0.0, False, False, False)
    assert row.first_join is None and row.timeline == ()


def test_presence_is_clipped_to_the_actual_meeting_window():
    # Zoom kept the meeting open from 14:50 to 15:40; only that window counts, however long
    # someone's segment says they stayed.
    row = ivan(seg("Ivan Petrov", -10, 60, email=IVAN), actual_start=at(-10), actual_end=at(40))

    assert row.minutes == 50.0
    assert row.first_join == at(-10)  # the real join, used for lateness, is not clipped


def test_an_open_live_segment_counts_until_now_and_is_never_left_early():
    row = ivan(seg("Ivan Petrov", 0, None, email=IVAN, source="live"), now=at(30), data_ready=False)

    assert row.minutes == 30.0
    assert row.still_in
    assert row.last_leave is None and not row.left_early


def test_timeline_offsets_start_at_the_earliest_of_schedule_and_joins():
    result = compute(
        [
            seg("Anna Sergeeva", -5, 60, email="anna.sergeeva@school.example"),
            seg("Ivan", 10, 30.5, email=IVAN),
        ],
        PEOPLE,
    )

    assert result.timeline_start == at(-5)
    assert result.timeline_minutes == 65.0
    assert result.person("ivan").timeline == ((15.0, 35.5),)
    assert result.person("t").timeline == ((0.0, 65.0),)


def test_default_rules_are_read_from_settings(settings):
    settings.ATTENDANCE_MIN_PRESENT_MINUTES = 20
    settings.ATTENDANCE_MIN_PRESENT_SHARE = None
    settings.ATTENDANCE_LATE_AFTER_MINUTES = 2
    settings.ATTENDANCE_LEFT_EARLY_MINUTES = 3
    settings.ATTENDANCE_GROUP_COMPLETED_WHEN = "all"

    assert AttendanceRules.from_settings() == AttendanceRules(20, None, 2, 3, "all")
    assert compute([seg("Ivan", 0, 15, email=IVAN)], PEOPLE, rules=None).threshold_minutes == 20


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_present_minutes": -1}, "min_present_minutes cannot be negative"),
        ({"min_present_share": 1.5}, "min_present_share must be a fraction"),
        ({"min_present_share": 0}, "min_present_share must be a fraction"),
        ({"group_completed_when": "most"}, "must be 'any' or 'all'"),
    ],
)
def test_impossible_rules_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AttendanceRules(**kwargs)


def test_a_schedule_that_ends_before_it_starts_or_has_no_timezone_is_refused():
    with pytest.raises(ValueError, match="scheduled end must be after"):
        compute([], PEOPLE, scheduled_end=at(-1))
    with pytest.raises(ValueError, match="scheduled_start must be timezone-aware"):
        compute([], PEOPLE, scheduled_start=at(0).replace(tzinfo=None))


def test_default_rules_are_the_documented_ones():
    assert AttendanceRules() == AttendanceRules(10, None, 5, 5, "any")
