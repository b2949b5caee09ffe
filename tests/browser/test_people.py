"""People pages and the lesson form's student picker in Chromium, at 1366 px and on a 390 px phone."""

import pytest

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1366, 390]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def no_horizontal_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.fixture
def school(db):
    credential = Credential.objects.create(
        kind="server_to_server",
        name="School",
        account_id="acct12345",
        client_id="client12345",
        client_secret="s" * 20,
    )
    host = ZoomUser.objects.create(
        credential=credential, zoom_id="30R7kT7bTIKSNUFEuH_Qlg", email="jchill@example.com"
    )
    teacher = Person.objects.create(
        name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER, zoom_user=host
    )
    student = Person.objects.create(
        name="Мария Иванова", email="maria.ivanova.long.address@example.com", other_names=["Маша"]
    )
    return host, teacher, student


@pytest.mark.parametrize("width", WIDTHS)
def test_people_list_and_person_page_fit_the_screen(
    live_server, page, screenshot, staff_user, password, school, width
):
    page.set_viewport_size({"width": width, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, staff_user, password)
    page.goto(f"{live_server.url}/people/?q=маша")
    assert page.locator("#person-table tbody tr").count() == 1
    no_horizontal_scroll(page, width)
    screenshot(f"people-{width}")
    page.click("text=Мария Иванова")
    page.wait_for_selector("#person-summary")
    no_horizontal_scroll(page, width)
    screenshot(f"person-{width}")
    page.goto(f"{live_server.url}/people/new/")
    no_horizontal_scroll(page, width)
    screenshot(f"person-form-{width}")
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lesson_form_finds_a_student_adds_a_new_one_and_picks_the_teachers_host(
    live_server, page, screenshot, staff_user, password, school, width
):
    host, teacher, student = school
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, staff_user, password)
    page.goto(f"{live_server.url}/lessons/new/")
    page.select_option("#id_teacher", str(teacher.pk))
    assert page.locator("#id_host").input_value() == str(host.pk)
    # Teachers are not offered as students.
    page.fill("#id_students", "mari")
    page.wait_for_selector("#picker-results-students .picker-none, #picker-results-students .picker-choice")
    assert (
        page.locator("#picker-results-students .picker-choice").count() == 1
    )  # Мария (by "mari" in her email)
    assert "Mari Tamm" not in page.locator("#picker-results-students").inner_text()
    page.click("#picker-results-students .picker-choice")
    assert page.locator(f'#student-chips input[value="{student.pk}"]').is_checked()
    page.click("#quick-add-student summary")
    page.fill("#id_quick-name", "Пётр Сидоров")
    page.fill("#id_quick-email", "petr@example.com")
    page.click("#quick-add-button")
    page.wait_for_selector(".quick-add-done")
    new = Person.objects.get(name="Пётр Сидоров")
    assert page.locator(f'#student-chips input[value="{new.pk}"]').is_checked()
    no_horizontal_scroll(page, width)
    screenshot(f"lesson-form-picker-{width}")
    page.fill("#id_topic", "Russian A1")
    page.fill("#id_start_date", "2031-03-04")
    page.fill("#id_start_time", "15:00")
    page.click("#save-lesson")
    page.wait_for_selector("#lesson-topic")
    lesson = Meeting.objects.get(topic="Russian A1")
    assert lesson.host == host and lesson.teacher == teacher
    assert set(lesson.students.all()) == {student, new}
