"""The lesson form offers students only, finds them by search, adds a new one inline, and takes
the host from the teacher's Zoom user."""

import pytest
from django.urls import reverse

from meetings.models import Meeting, Person
from tests.meetings.conftest import tallinn
from tests.meetings.test_pages import form_data

pytestmark = pytest.mark.django_db


def test_the_picker_finds_only_current_students(staff_client, teacher, student):
    Person.objects.create(name="Jaana Old", role="student", archived_at="2026-01-01T00:00Z")
    url = reverse("people:person_picker")
    page = staff_client.get(url, {"q": "ja", "role": "student"}).content.decode()
    assert "Jaan Kask" in page and "Jaana Old" not in page
    assert "Mari Tamm" not in staff_client.get(url, {"q": "mari", "role": "student"}).content.decode()
    assert "Nobody found" in staff_client.get(url, {"q": "zzz", "role": "student"}).content.decode()


def test_a_teacher_is_not_accepted_as_a_student(staff_client, host, teacher, student, pushes):
    response = staff_client.post(reverse("meetings:lesson_create"), form_data(host, students=[teacher.pk]))
    assert response.status_code == 200
    assert Meeting.objects.count() == 0
    assert "errors-students" in response.content.decode()


def test_the_form_renders_only_the_chosen_students(staff_client, host, teacher, student):
    for number in range(50):
        Person.objects.create(name=f"Other student {number}")
    lesson = Meeting.objects.create(
        host=host, teacher=teacher, topic="Grammar", start_at=tallinn("2027-02-24", "15:00"), duration=60
    )
    lesson.students.add(student)
    page = staff_client.get(reverse("meetings:lesson_edit", args=[lesson.pk])).content.decode()
    assert f'name="students" value="{student.pk}" checked' in page
    assert "Other student" not in page


def test_a_new_student_is_added_from_the_lesson_form(staff_client):
    response = staff_client.post(
        reverse("people:person_quick_add"),
        {"quick-name": "Мария Иванова", "quick-email": "maria@example.com", "quick-role": "student"},
    )
    person = Person.objects.get(name="Мария Иванова")
    page = response.content.decode()
    assert person.role == "student"
    assert f'name="students" value="{person.pk}" checked' in page
    assert 'hx-swap-oob="beforeend:#student-chips"' in page


def test_the_inline_add_explains_a_refusal(staff_client, student):
    page = staff_client.post(
        reverse("people:person_quick_add"), {"quick-name": "", "quick-email": "bad", "quick-role": "student"}
    ).content.decode()
    assert "quick-add-error" in page and "This field is required." in page
    page = staff_client.post(
        reverse("people:person_quick_add"),
        {"quick-name": "J K", "quick-email": "jaan@example.com", "quick-role": "student"},
    ).content.decode()
    assert "already belongs to Jaan Kask" in page
    assert Person.objects.count() == 1


def test_the_host_follows_the_teachers_zoom_user(staff_client, host, teacher, student, pushes):
    teacher.zoom_user = host
    teacher.save()
    form_page = staff_client.get(reverse("meetings:lesson_create"))
    assert form_page.context["form"].teacher_hosts() == {str(teacher.pk): host.pk}
    assert 'id="teacher-hosts"' in form_page.content.decode()
    response = staff_client.post(
        reverse("meetings:lesson_create"),
        {**form_data(host, teacher=teacher.pk, students=[student.pk]), "host": ""},
    )
    assert response.status_code == 302
    lesson = Meeting.objects.get()
    assert lesson.host == host and list(lesson.students.all()) == [student]


def test_without_host_or_linked_teacher_the_form_asks_for_a_host(staff_client, host, teacher, pushes):
    response = staff_client.post(
        reverse("meetings:lesson_create"), {**form_data(host, teacher=teacher.pk), "host": ""}
    )
    assert response.status_code == 200
    assert "Choose the Zoom host" in response.content.decode()
    assert Meeting.objects.count() == 0
