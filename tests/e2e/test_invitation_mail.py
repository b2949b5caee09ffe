"""A newcomer schedules a lesson in the browser and reads the invitation on "Outgoing mail":
in Russian for a Russian-speaking student, with the time on her clock and the school's.

The whole of `make run`: the live ZoomHub, a real Celery worker that pushes the lesson to the
sandbox's demo school and then sends the mail (tests.settings keeps it in memory; the outbox row
and the page are the product's), and Chromium.
"""

import datetime as dt
import time
import uuid
import zoneinfo

import pytest

from meetings.models import Meeting, Person
from notifications.models import OutgoingMessage
from sandbox.wiring import sandbox_environment
from tests.processes import celery_worker
from zoomhub.celery_app import app

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TALLINN = zoneinfo.ZoneInfo("Europe/Tallinn")


@pytest.fixture
def mail_worker(sandbox, live_server):
    """A worker like the e2e one, retrying a mail that waits for Zoom's join link after 1 s."""
    queue = f"e2e-mail-{uuid.uuid4().hex[:8]}"
    env = {
        **sandbox_environment(sandbox_url=sandbox.url, web_url=live_server.url),
        "ZOOMHUB_TEST_QUEUE": queue,
        "NOTIFICATIONS_JOIN_LINK_WAIT_SECONDS": "1",
    }
    with celery_worker(queue=queue, extra_env=env) as (process, queue):
        before = app.conf.task_default_queue
        app.conf.task_default_queue = queue
        try:
            yield process
        finally:
            app.conf.task_default_queue = before


def test_the_invitation_appears_on_outgoing_mail_in_the_students_language(
    signed_in, live_server, sandbox, demo_school, mail_worker, screenshot
):
    student = Person.objects.create(
        name="Ольга Смирнова", email="olga@example.com", language="ru", time_zone="Europe/Moscow"
    )
    page = signed_in
    tomorrow = (dt.datetime.now(TALLINN) + dt.timedelta(days=1)).date()
    page.goto(f"{live_server.url}/lessons/new/")
    page.fill("#id_topic", "Эстонский A2")
    page.select_option("#id_host", index=1)
    page.fill("#id_start_date", tomorrow.isoformat())
    page.fill("#id_start_time", "15:00")
    page.fill("#id_students", "Ольга")
    page.wait_for_selector("#picker-results-students .picker-choice")
    page.click("#picker-results-students .picker-choice")
    page.click("#save-lesson")
    page.locator("#join-url").wait_for(state="visible", timeout=30_000)

    deadline = time.monotonic() + 30
    while not OutgoingMessage.objects.filter(person=student, state="sent").exists():
        assert time.monotonic() < deadline, list(OutgoingMessage.objects.values("state", "last_error"))
        time.sleep(0.2)

    page.click("nav >> text=Outgoing mail")
    row = page.locator("#mail-table tr[data-language=ru][data-state=sent]")
    assert row.count() == 1
    assert "olga@example.com" in row.inner_text()
    screenshot("outgoing-mail")
    row.locator("a").click()
    body = page.locator("#mail-body").inner_text()
    assert page.locator("#mail-subject").inner_text().startswith("Приглашение: Эстонский A2")
    assert "Здравствуйте, Ольга Смирнова!" in body
    assert "15:00 (по Таллину; 16:00 по Москве)" in body
    lesson = Meeting.objects.get(topic="Эстонский A2")
    assert f"Ссылка для входа: {lesson.join_url}" in body
    assert "METHOD:REQUEST" in page.locator("#mail-calendar").inner_text()
    screenshot("invitation-in-russian")
