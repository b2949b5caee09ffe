"""The session's status: Completed, No show, Teacher absent, Never took place, Pending."""

import pytest

from attendance.computation import AttendanceRules, SessionStatus
from tests.attendance.builders import compute, seg, student, teacher

HOST_ID = "tUo7WohjTs6ELvl9WR3JAA"
ONE_TO_ONE = [teacher(), student("ivan", "Ivan Petrov", email="ivan@x.example")]
GROUP = [*ONE_TO_ONE, student("maria", "Maria Smirnova", email="maria@x.example")]


def anna(start=0, end=60):
    return seg("Anna Sergeeva", start, end, email="anna.sergeeva@school.example")


def ivan(start=0, end=60):
    return seg("Ivan Petrov", start, end, email="ivan@x.example")


def maria(start=0, end=60):
    return seg("Maria Smirnova", start, end, email="maria@x.example")


def status(segments, people=ONE_TO_ONE, **kwargs):
    return compute(segments, people, **kwargs).status


def test_teacher_and_student_present_is_completed():
    assert status([anna(), ivan()]) is SessionStatus.COMPLETED


def test_a_teacher_joining_after_the_student_still_completes_the_lesson():
    result = compute([ivan(0, 60), anna(20, 60)], ONE_TO_ONE)

    assert result.status is SessionStatus.COMPLETED
    assert result.person("t").late and not result.person("ivan").late


def test_teacher_only_is_a_no_show():
    assert status([anna(), ivan(0, 3)]) is SessionStatus.NO_SHOW  # three minutes is not attending


def test_student_only_is_teacher_absent():
    assert status([ivan()]) is SessionStatus.TEACHER_ABSENT


def test_nobody_is_never_took_place():
    assert status([]) is SessionStatus.NEVER_TOOK_PLACE
    assert status([anna(0, 2), ivan(0, 2)]) is SessionStatus.NEVER_TOOK_PLACE


def test_pending_while_the_data_is_not_in():
    result = compute([anna(), ivan()], ONE_TO_ONE, data_ready=False)

    assert result.status is SessionStatus.PENDING
    assert result.person("ivan").present  # what is known so far is still shown


@pytest.mark.parametrize(
    ("completed_when", "expected"), [("any", SessionStatus.COMPLETED), ("all", SessionStatus.NO_SHOW)]
)
def test_a_group_lesson_with_one_of_two_students_follows_the_rule(completed_when, expected):
    rules = AttendanceRules(group_completed_when=completed_when)

    assert status([anna(), ivan()], GROUP, rules=rules) is expected
    assert status([anna(), ivan(), maria()], GROUP, rules=rules) is SessionStatus.COMPLETED


def test_without_a_teacher_on_the_lesson_the_host_counts_as_teacher():
    people = [student("ivan", "Ivan Petrov", email="ivan@x.example")]
    host = seg("School account", 0, 60, zoom_id=HOST_ID)

    assert status([host, ivan()], people, host_zoom_user_id=HOST_ID) is SessionStatus.COMPLETED
    assert status([ivan()], people, host_zoom_user_id=HOST_ID) is SessionStatus.TEACHER_ABSENT


def test_an_open_lesson_without_enrolled_students_counts_its_guests():
    people = [teacher()]

    assert status([anna(), seg("Visitor", 0, 30)], people) is SessionStatus.COMPLETED
    assert status([anna()], people) is SessionStatus.NO_SHOW


def test_an_ambiguous_participant_asks_for_review_and_does_not_count():
    people = [teacher(), student("p1", "Ivan Petrov"), student("p2", "Иван Петров")]

    result = compute([anna(), seg("Ivan Petrov", 0, 60)], people)

    assert result.status is SessionStatus.NO_SHOW
    assert result.needs_review
    (row,) = result.ambiguous
    assert (row.candidate_ids, row.minutes) == (("p1", "p2"), 60.0)


def test_a_long_guest_in_a_lesson_without_its_student_asks_for_review():
    result = compute([anna(), seg("Vanya", 0, 50)], ONE_TO_ONE)

    assert result.status is SessionStatus.NO_SHOW
    assert result.needs_review
    assert not compute([anna(), ivan(), seg("Vanya", 0, 50)], ONE_TO_ONE).needs_review


def test_statuses_have_human_labels():
    assert [s.label for s in SessionStatus] == [
        "Pending",
        "Completed",
        "No show",
        "Teacher absent",
        "Never took place",
    ]
