"""The lesson page's reminder panel in Chromium, at 1366 px and on a 390 px phone."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from meetings.models import Meeting, Person
from notifications.models import LessonReminders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def lesson(db):
    credential = Credential.objects.create(
        kind="server_to_server",
        name="School",
        account_id="acct12345",
        client_id="client12345",
        client_secret="s" * 20,
    )
    host = ZoomUser.objects.create(credential=credential, zoom_id="host-reminders", email="host@example.com")
    teacher = Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)
    meeting = Meeting.objects.create(
        topic="Estonian B1",
        start_at=timezone.now().replace(microsecond=0) + dt.timedelta(days=2),
        duration=60,
        host=host,
        teacher=teacher,
        push_state=Meeting.PushState.SYNCED,
    )
    meeting.students.add(Person.objects.create(name="Jaan Kask", email="jaan@example.com"))
    return meeting


@pytest.mark.parametrize("width", [1366, 390])
def test_staff_set_a_lessons_reminder_times_on_its_page(
    live_server, page, screenshot, staff_user, password, lesson, width
):
    page.set_viewport_size({"width": width, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, staff_user, password)
    page.goto(f"{live_server.url}/lessons/{lesson.pk}/")
    assert "24 hours, 1 hour before" in page.inner_text("#lesson-reminder-times")
    page.click("#lesson-reminders-change summary")
    page.check("#lesson-reminders-form input[value=own]")
    page.fill("#lesson-reminders-form input[name=minutes]", "two hours")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("#save-lesson-reminders")
    page.wait_for_selector("#errors-minutes")
    assert "Nothing was changed" in page.inner_text("#lesson-reminders-unsaved")
    assert not LessonReminders.objects.filter(meeting=lesson).exists()
    assert page.input_value("#lesson-reminders-form input[name=minutes]") == "two hours"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"lesson-reminders-error-{width}")
    page.fill("#lesson-reminders-form input[name=minutes]", "120, 30")
    page.click("#save-lesson-reminders")
    page.wait_for_url(f"{live_server.url}/lessons/{lesson.pk}/#lesson-reminders")
    assert "2 hours, 30 minutes before" in page.inner_text("#lesson-reminder-times")
    assert LessonReminders.objects.get(meeting=lesson).reminder_minutes == "120, 30"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"lesson-reminders-{width}")
    # The refused form answers 400 on purpose; Chromium logs that document's status as an error.
    assert [text for text in errors if "status of 400" not in text] == []
