"""Importing people from CSV: a preview first, every bad row explained, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Person

pytestmark = pytest.mark.django_db

GOOD = (
    "name,email,role,other names,other emails,language\n"
    "Мария Иванова,Maria@Example.com,student,Маша;Мария И.,maria.home@example.com,ru\n"
    "Mari Tamm,mari@school.example,teacher,,,et\n"
    "Пётр Сидоров,,,,,\n"
)
BAD = (
    "name,email,role,other names,other emails,language\n"
    "Мария Иванова,maria@example.com,student,,,ru\n"
    ",nobody@example.com,student,,,\n"
    "Иван,not-an-email,student,,,\n"
    "Olga,maria@example.com,owner,,,fr\n"
)


def upload(client, text: str, encoding: str = "utf-8", name: str = "people.csv"):
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(reverse("people:person_import"), {"file": file})


def test_a_good_file_is_previewed_then_imported_with_cyrillic_names(staff_client, teacher):
    preview = upload(staff_client, GOOD)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert Person.objects.count() == 1  # the preview adds nobody
    assert "Мария Иванова" in page and "Пётр Сидоров" in page
    assert page.count("Will be added") == 2
    assert page.count("Already here, left as is") == 1  # Mari Tamm, by her email
    assert 'id="confirm-import"' in page and "Import 2 people" in page

    text = preview.context["text"]
    response = staff_client.post(reverse("people:person_import"), {"text": text, "confirm": "1"})

    assert response.status_code == 302
    maria = Person.objects.get(email="maria@example.com")
    assert (maria.name, maria.role, maria.language) == ("Мария Иванова", "student", "ru")
    assert maria.other_names == ["Маша", "Мария И."]
    assert maria.other_emails == ["maria.home@example.com"]
    assert Person.objects.get(name="Пётр Сидоров").role == "student"
    # Mari Tamm was already here with that email: left as is, not doubled.
    assert Person.objects.filter(email="mari@school.example").count() == 1


def test_a_file_with_bad_rows_imports_nobody_and_says_what_is_wrong_on_each_line(staff_client):
    response = upload(staff_client, BAD)
    page = response.content.decode()
    assert 'id="confirm-import"' not in page and 'id="import-blocked"' in page
    rows = {number: response.context["result"].rows[number - 2].errors for number in (2, 3, 4, 5)}
    assert rows[2] == []
    assert rows[3] == ["The name is empty."]
    assert rows[4] == ["“not-an-email” is not an email address."]
    assert "maria@example.com is also on line 2 of this file." in rows[5]
    assert "Role “owner” is neither teacher nor student." in rows[5]
    assert any(error.startswith("Language “fr” is not one of") for error in rows[5])
    for error in rows[3] + rows[4]:
        assert error in page

    # Forcing the confirmation with the bad text changes nothing either.
    again = staff_client.post(reverse("people:person_import"), {"text": BAD, "confirm": "1"})
    assert again.status_code == 200
    assert "Nothing was imported" in again.content.decode()
    assert Person.objects.count() == 0


def test_an_email_of_someone_else_already_here_is_an_error(staff_client, student):
    response = upload(staff_client, "name,email\nJohn Other,JAAN@example.com\n")
    assert response.context["result"].rows[0].errors == ["jaan@example.com already belongs to Jaan Kask."]


def test_excel_files_in_windows_1251_with_semicolons_are_read(staff_client):
    text = "Имя;Почта;Роль\r\nАнна Петрова;anna@example.com;ученик\r\nОльга Смирнова;olga@example.com;учитель\r\n"  # noqa: RUF001 (Cyrillic on purpose)
    response = upload(staff_client, text, encoding="cp1251")
    rows = response.context["result"].rows
    assert [(r.details.name, r.details.role, r.errors) for r in rows] == [
        ("Анна Петрова", "student", []),
        ("Ольга Смирнова", "teacher", []),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Choose a CSV file."),
        (b"\n\n", "The file is empty."),
        (b"email,role\nx@example.com,student\n", "The first line must name the columns"),
        (b"name,email\n", "has no people in it"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x81\xff\xfe", "name the columns"),
    ],
)
def test_files_that_cannot_be_read_get_a_message(staff_client, content, message):
    data = {"file": SimpleUploadedFile("people.csv", content)} if content else {}
    response = staff_client.post(reverse("people:person_import"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == 0
