"""Participants are matched to the expected people by the strongest evidence; names are never guessed."""

import pytest

from attendance.matching import SEVERAL_PARTICIPANTS, SEVERAL_PEOPLE, match_participants
from attendance.segments import segments_from_past_meeting, segments_from_report
from tests.attendance.builders import compute, fixture, seg, student, teacher

HOST_ID = "tUo7WohjTs6ELvl9WR3JAA"


def matched(result):
    return {m.participant.name: (m.person_id, m.method) for m in result.matches}


def test_the_host_is_the_teacher_by_zoom_user_id_or_email():
    people = [teacher(email=""), student("ivan", "Ivan Petrov")]

    by_id = match_participants([seg("Anna (office)", zoom_id=HOST_ID)], people, host_zoom_user_id=HOST_ID)
    by_email = match_participants(
        [seg("Teacher iPad", email="Anna.Sergeeva@School.example")],
        people,
        host_email="anna.sergeeva@school.example",
    )

    assert matched(by_id) == {"Anna (office)": ("t", "host")}
    assert matched(by_email) == {"Teacher iPad": ("t", "host")}


def test_students_are_matched_by_any_of_their_emails_case_insensitively():
    people = [
        teacher(),
        student("ivan", "Ivan Petrov", email="ivan@school.example", other_emails=("vanya@mail.ru",)),
    ]

    result = match_participants([seg("Кто-то", email="VANYA@Mail.RU")], people)

    assert matched(result) == {"Кто-то": ("ivan", "email")}


def test_registrant_id_then_learned_alias_then_name():
    people = [
        teacher(),
        student("a", "Anna Ivanova", registrant_ids=("_f08HhPJS82MIVLuuFaJPg",)),
        student("b", "Boris Orlov", aliases=("Borya", "boris.o@gmail.com")),
        student("c", "Светлана Кузнецова"),
    ]
    segments = [
        seg("Anna (guest)", registrant_id="_f08HhPJS82MIVLuuFaJPg"),
        seg("Б.", email="boris.o@gmail.com"),
        seg("borya (iPhone)"),
        seg("Svetlana Kuznetsova"),
    ]

    result = match_participants(segments, people)

    assert matched(result) == {
        "Anna (guest)": ("a", "registrant"),
        "Б.": ("b", "alias_email"),
        "borya (iPhone)": ("b", "alias_name"),
        "Svetlana Kuznetsova": ("c", "name"),
    }
    assert result.guests == () and result.ambiguous == ()


def test_email_wins_over_a_name_that_points_elsewhere():
    people = [
        teacher(),
        student("ivan", "Ivan Petrov", email="ivan@x.example"),
        student("oleg", "Oleg Sidorov"),
    ]

    result = match_participants([seg("Oleg Sidorov", email="ivan@x.example")], people)

    assert matched(result) == {"Oleg Sidorov": ("ivan", "email")}


def test_a_guest_without_email_is_matched_by_name_and_next_time_by_the_learned_alias():
    segments = segments_from_past_meeting(
        fixture("past_meeting_participants__guest_without_email.json")["participants"]
    )
    people = [teacher(), student("ivan", "Иван Петров")]

    first = compute(segments, people, host_zoom_user_id=HOST_ID)

    ivan = first.person("ivan")
    assert ivan.match_methods == ("name",)
    # "Ваня" (a nickname) is nobody's name: staff see it as a guest and can assign it.
    (guest,) = first.guests
    assert (guest.name, guest.learnable_alias) == ("Ваня", "Ваня")

    # Staff assigned "Ваня" to Ivan; the wiring stores the alias and passes it in at the next lesson.
    people_next_time = [teacher(), student("ivan", "Иван Петров", aliases=(guest.learnable_alias,))]
    second = compute(segments, people_next_time, host_zoom_user_id=HOST_ID)

    assert second.guests == ()
    assert second.person("ivan").match_methods == ("name", "alias_name")
    assert second.person("ivan").zoom_names == ("Ivan Petrov", "Ваня")


def test_cyrillic_and_latin_spellings_of_a_name_meet():
    people = [teacher(), student("ju", "Юлия Соловьёва"), student("dm", "Dmitry Khrushchev")]

    result = match_participants([seg("Yuliya Solovyova (iPhone)"), seg("Хрущёв Дмитрий")], people)

    assert matched(result) == {"Yuliya Solovyova (iPhone)": ("ju", "name"), "Хрущёв Дмитрий": ("dm", "name")}


def test_a_name_that_fits_two_people_is_not_guessed():
    people = [teacher(), student("p1", "Иван Петров"), student("p2", "Ivan Petrov")]

    result = match_participants([seg("ivan petrov")], people)

    assert result.matches == ()
    (ambiguous,) = result.ambiguous
    assert ambiguous.candidate_ids == ("p1", "p2")
    assert ambiguous.reason == SEVERAL_PEOPLE


def test_two_participants_claiming_one_person_by_name_are_not_guessed():
    people = [teacher(), student("ivan", "Ivan Petrov")]
    # Two different signed-in people, neither email known, both "Ivan Petrov".
    segments = [seg("Ivan Petrov", email="ivan.one@gmail.com"), seg("Иван Петров", email="other@yandex.ru")]

    result = match_participants(segments, people)

    assert result.matches == ()
    assert {a.participant.email for a in result.ambiguous} == {"ivan.one@gmail.com", "other@yandex.ru"}
    assert {(a.candidate_ids, a.reason) for a in result.ambiguous} == {(("ivan",), SEVERAL_PARTICIPANTS)}


def test_a_second_device_under_the_name_of_someone_matched_by_email_is_that_person():
    people = [teacher(), student("ivan", "Ivan Petrov", email="ivan@x.example")]
    segments = [seg("Ivan Petrov", 0, 60, email="ivan@x.example"), seg("Ivan Petrov (iPhone)", 10, 20)]

    result = compute(segments, people)

    assert result.ambiguous == ()
    assert result.person("ivan").match_methods == ("email", "name")
    assert result.person("ivan").minutes == 60.0


def test_a_shared_family_email_is_narrowed_by_the_name():
    people = [
        teacher(),
        student("masha", "Masha Ivanova", email="parents@family.example"),
        student("petya", "Petya Ivanov", email="parents@family.example"),
    ]
    segments = [
        seg("Маша Иванова", email="parents@family.example"),
        seg("Petya Ivanov", email="parents@family.example"),
        seg("Mom", email="parents@family.example"),
    ]

    result = match_participants(segments, people)

    assert matched(result) == {"Маша Иванова": ("masha", "email"), "Petya Ivanov": ("petya", "email")}
    (unclear,) = result.ambiguous
    assert (unclear.participant.name, unclear.candidate_ids) == ("Mom", ("masha", "petya"))


def test_guests_are_grouped_per_distinct_participant():
    people = [teacher(), student("ivan", "Ivan Petrov")]
    segments = [
        seg("Guest Speaker", 0, 10),
        seg("guest speaker", 20, 30),  # the same guest rejoining
        seg("iPhone", 0, 5, user_id="16790001"),  # no usable name: each stays apart
        seg("iPhone", 0, 5, user_id="16790002"),
        seg("Oleg", 0, 60, email="oleg@x.example"),
    ]

    result = match_participants(segments, people)

    assert sorted(len(g.segments) for g in result.guests) == [1, 1, 1, 2]


def test_guests_with_hidden_ids_are_not_merged_into_one_participant():
    # Zoom sends "" for id/participant_user_id of guests: "" must not group everyone together.
    rows = fixture("report_meeting_participants__rejoin_and_guest.json")["participants"]
    people = [
        teacher(zoom_user_ids=(HOST_ID,)),
        student("ivan", "Иван Петров"),
        student("maria", "Мария Смирнова"),
    ]

    result = match_participants(segments_from_report(rows), people, host_zoom_user_id=HOST_ID)

    assert {m.person_id: m.method for m in result.matches} == {"t": "host", "ivan": "name", "maria": "name"}
    assert [len(m.participant.segments) for m in result.matches if m.person_id == "ivan"] == [2]
    assert result.guests == () and result.ambiguous == ()


def test_the_host_is_kept_apart_when_the_lesson_has_no_teacher():
    result = match_participants(
        [seg("School account", zoom_id=HOST_ID)], [student("ivan", "Ivan Petrov")], host_zoom_user_id=HOST_ID
    )

    assert [p.name for p in result.host] == ["School account"]
    assert result.guests == ()


def test_people_need_distinct_ids_and_a_known_role():
    with pytest.raises(ValueError, match="distinct ids"):
        match_participants([], [student("x", "A"), student("x", "B")])
    with pytest.raises(ValueError, match="role must be 'teacher' or 'student'"):
        student("x", "A").__class__(id="y", role="parent", name="C")
