"""A staff member switches ZoomHub to Russian, then Estonian, from the header."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from attendance.models import Attendance, Session
from meetings.models import Meeting, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_lesson(settings):
    settings.SCHOOL_TIMEZONE = "Europe/Tallinn"
    credential = Credential.objects.create(kind=Credential.Kind.OAUTH, name="teacher@school.example")
    host = ZoomUser.objects.create(credential=credential, zoom_id="host01", email="host@school.example")
    teacher = Person.objects.create(name="Мари Тамм", role=Person.Role.TEACHER)
    student = Person.objects.create(name="Яан Каск", role=Person.Role.STUDENT)
    start = (timezone.now() - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    lesson = Meeting.objects.create(
        topic="Пробный урок",
        start_at=start,
        duration=60,
        host=host,
        teacher=teacher,
        timezone="Europe/Tallinn",
    )
    lesson.students.add(student)
    session = Session.objects.create(
        meeting=lesson,
        zoom_uuid="4444AAAiAAAAAiAiAiiAii==",
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=60),
        teacher=teacher,
        computed_status="completed",
        status="completed",
        data_state="ready",
        needs_review=True,
        threshold_minutes=10,
        timeline_start=start,
        timeline_minutes=60,
    )
    Attendance.objects.create(session=session, person=student, role="student", minutes=50, present=True)
    Attendance.objects.create(session=session, person=teacher, role="teacher", minutes=60, present=True)
    return lesson, session


def test_switching_the_language_in_the_header(
    live_server, page, screenshot, staff_user, password, held_lesson
):
    lesson, session = held_lesson
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", staff_user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Dashboard"

    page.click("#language-switcher button[value=ru]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Обзор"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("header nav").inner_text().split() == [
        "Обзор",
        "Аккаунты",
        "Zoom",
        "Уроки",
        "Люди",
        "Записи",
        "Посещаемость",
        "Исходящая",
        "почта",
        "Администрирование",
    ]
    screenshot("dashboard-ru")

    page.goto(f"{live_server.url}/lessons/{lesson.pk}/")
    assert "(по Таллину)" in page.locator("#lesson-when").inner_text()
    assert page.locator("#lesson-duration").inner_text() == "1 час"
    screenshot("lesson-ru")

    page.goto(f"{live_server.url}/attendance/sessions/{session.pk}/")
    body = page.locator("main").inner_text()
    assert "Преподаватель и ученики" in body and "Задать статус вручную" in body
    assert "по Таллину" in page.locator("#session-title").inner_text()
    screenshot("attendance-ru")

    # From the attendance review itself: the page comes back in Estonian.
    page.click("#language-switcher button[value=et]")
    page.wait_for_url(f"{live_server.url}/attendance/sessions/{session.pk}/")
    body = page.locator("main").inner_text()
    assert "Õpetaja ja õpilased" in body and "Määra olek käsitsi" in body
    assert "Tallinna aja järgi" in page.locator("#session-title").inner_text()
    screenshot("attendance-et")

    page.goto(f"{live_server.url}/lessons/{lesson.pk}/")
    assert "(Tallinna aja järgi)" in page.locator("#lesson-when").inner_text()
    assert page.locator("#lesson-duration").inner_text() == "1 tund"
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Ülevaade"
    screenshot("dashboard-et")
    staff_user.refresh_from_db()
    assert staff_user.language == "et"
