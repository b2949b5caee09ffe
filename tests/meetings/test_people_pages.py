"""Staff keep teachers and students on pages: list, search, add, edit, archive, merge, history."""

import pytest
from django.urls import reverse

from attendance.models import Attendance, Session
from meetings.models import Meeting, Person
from tests.meetings.conftest import tallinn

pytestmark = pytest.mark.django_db


def person_data(**overrides) -> dict:
    data = {
        "name": "Мария Иванова",
        "role": "student",
        "email": "Maria@Example.com",
        "other_emails": "maria.home@example.com\nmasha@example.com",
        "other_names": "Маша",
        "language": "ru",
        "time_zone": "Europe/Tallinn",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_staff_add_a_student_with_other_names_and_emails(staff_client):
    response = staff_client.post(reverse("people:person_create"), person_data())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert (person.name, person.role, person.email) == ("Мария Иванова", "student", "maria@example.com")
    assert person.other_emails == ["maria.home@example.com", "masha@example.com"]
    assert person.other_names == ["Маша"]
    assert (person.language, person.time_zone) == ("ru", "Europe/Tallinn")
    page = staff_client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Мария Иванова" in page and "maria.home@example.com" in page and "Русский" in page


def test_a_new_person_speaks_the_schools_language_and_lives_in_its_time_zone(settings):
    settings.LANGUAGE_CODE = "et"
    settings.SCHOOL_TIMEZONE = "Europe/Riga"
    person = Person.objects.create(name="Kati Karu")
    assert (person.language, person.time_zone) == ("et", "Europe/Riga")


def test_an_email_someone_else_uses_is_refused_with_their_name(staff_client, student):
    response = staff_client.post(
        reverse("people:person_create"), person_data(email="", other_emails="JAAN@example.com")
    )
    assert response.status_code == 200
    assert "already belongs to Jaan Kask" in response.content.decode()
    assert Person.objects.count() == 1


def test_bad_input_is_explained_and_changes_nothing(staff_client, student):
    response = staff_client.post(
        reverse("people:person_edit", args=[student.pk]),
        person_data(name="", other_emails="not an email", role="owner", language="xx", time_zone="Mars/Base"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not an email address" in page
    assert page.count('class="errorlist"') >= 4
    student.refresh_from_db()
    assert student.name == "Jaan Kask"


def test_the_list_searches_names_emails_and_other_names_and_filters_by_role(staff_client, teacher, student):
    Person.objects.create(name="Мария Иванова", other_names=["Маша"], other_emails=["masha@mail.ru"])
    url = reverse("people:person_list")
    page = staff_client.get(url, {"q": "маша"}).content.decode()
    assert "Мария Иванова" in page and "Jaan Kask" not in page
    page = staff_client.get(url, {"q": "MAIL.RU"}).content.decode()
    assert "Мария Иванова" in page
    page = staff_client.get(url, {"role": "teacher"}).content.decode()
    assert "Mari Tamm" in page and "Jaan Kask" not in page
    page = staff_client.get(url, {"q": "nobody-like-this"}).content.decode()
    assert 'id="people-empty"' in page and "Nobody matches these filters." in page


def test_an_empty_list_says_how_to_start(staff_client):
    page = staff_client.get(reverse("people:person_list")).content.decode()
    assert "No teachers or students yet" in page
    assert reverse("people:person_import") in page and reverse("people:person_create") in page


def test_the_list_counts_queries_not_rows(staff_client, django_assert_max_num_queries, host):
    for number in range(30):
        person = Person.objects.create(name=f"Student {number:02}")
        lesson = Meeting.objects.create(
            host=host, topic=f"L{number}", start_at=tallinn("2027-02-24", "15:00"), duration=60
        )
        lesson.students.add(person)
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("people:person_list"))
    assert response.status_code == 200
    assert response.content.decode().count('id="person-row-') == 25


def test_archived_people_leave_the_list_and_the_lesson_form_but_keep_their_history(
    staff_client, student, teacher, host
):
    lesson = Meeting.objects.create(
        host=host, teacher=teacher, topic="Grammar", start_at=tallinn("2027-02-24", "15:00"), duration=60
    )
    lesson.students.add(student)
    response = staff_client.post(reverse("people:person_archive", args=[student.pk]))
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.is_archived
    row = f'id="person-row-{student.pk}"'
    assert row not in staff_client.get(reverse("people:person_list")).content.decode()
    assert row in staff_client.get(reverse("people:person_list"), {"state": "archived"}).content.decode()
    assert list(Person.objects.students()) == []
    picker = staff_client.get(
        reverse("people:person_picker"), {"q": "jaan", "role": "student"}
    ).content.decode()
    assert "Jaan Kask" not in picker
    detail = staff_client.get(reverse("people:person_detail", args=[student.pk])).content.decode()
    assert "Grammar" in detail and 'id="restore-person"' in detail
    staff_client.post(reverse("people:person_restore", args=[student.pk]))
    student.refresh_from_db()
    assert not student.is_archived


def test_a_persons_page_shows_their_lessons_and_attendance(staff_client, student, teacher, host):
    lesson = Meeting.objects.create(
        host=host, teacher=teacher, topic="Grammar", start_at=tallinn("2026-02-24", "15:00"), duration=60
    )
    lesson.students.add(student)
    session = Session.objects.create(
        meeting=lesson,
        scheduled_start=lesson.start_at,
        scheduled_end=lesson.end_at,
        data_state=Session.DataState.READY,
    )
    Attendance.objects.create(session=session, person=student, role="student", minutes=55, present=True)
    page = staff_client.get(reverse("people:person_detail", args=[student.pk])).content.decode()
    assert 'id="person-past"' in page and "Grammar" in page
    assert 'id="person-attendance-rate"' in page and "100%" in page
    assert reverse("attendance:session_detail", args=[session.pk]) in page


def test_merging_moves_lessons_attendance_emails_and_names_then_deletes_the_duplicate(
    staff_client, student, teacher, host
):
    duplicate = Person.objects.create(name="Jaan K.", email="jaan.k@gmail.com", other_names=["jk"])
    both = Meeting.objects.create(
        host=host, topic="Both", start_at=tallinn("2026-02-24", "15:00"), duration=60
    )
    both.students.add(student, duplicate)
    only_duplicate = Meeting.objects.create(
        host=host, topic="Dup only", start_at=tallinn("2026-02-25", "15:00"), duration=60
    )
    only_duplicate.students.add(duplicate)
    session = Session.objects.create(meeting=both, scheduled_start=both.start_at, scheduled_end=both.end_at)
    Attendance.objects.create(session=session, person=student, role="student", minutes=50, present=True)
    Attendance.objects.create(session=session, person=duplicate, role="student", minutes=5)
    other = Session.objects.create(
        meeting=only_duplicate, scheduled_start=only_duplicate.start_at, scheduled_end=only_duplicate.end_at
    )
    Attendance.objects.create(session=other, person=duplicate, role="student", minutes=40, present=True)

    response = staff_client.post(
        reverse("people:person_merge", args=[student.pk]), {"duplicate": duplicate.pk}
    )

    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    student.refresh_from_db()
    assert student.other_emails == ["jaan.k@gmail.com"]
    assert student.other_names == ["Jaan K.", "jk"]
    assert list(both.students.all()) == [student]
    assert list(only_duplicate.students.all()) == [student]
    # The kept person's row wins where both had one; the duplicate's other row moves.
    assert Attendance.objects.get(session=session).minutes == 50
    assert Attendance.objects.get(session=other).person == student


def test_a_person_cannot_be_merged_into_themselves(staff_client, student):
    response = staff_client.post(reverse("people:person_merge", args=[student.pk]), {"duplicate": student.pk})
    assert response.status_code == 200
    assert Person.objects.filter(pk=student.pk).exists()
