"""The dashboard in Chromium at 1366 px and on a 390 px phone: lessons, what needs a person, the chart."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Credential, ZoomUser
from attendance.models import Session
from meetings.models import Meeting, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_morning_page_fits_and_links(live_server, page, screenshot, staff_user, password, width):
    credential = Credential.objects.create(
        kind="server_to_server", name="School", account_id="acct12345", client_id="client12345"
    )
    host = ZoomUser.objects.create(credential=credential, zoom_id="u1", email="host@school.example")
    teacher = Person.objects.create(name="Mari Tamm", role=Person.Role.TEACHER)
    now = timezone.now()
    Meeting.objects.create(
        host=host,
        teacher=teacher,
        topic="Algebra for a long lesson name that wraps",
        start_at=now + dt.timedelta(hours=1),
        duration=60,
        join_url="https://example.com/j/1?pwd=x",
        push_state=Meeting.PushState.SYNCED,
    )
    Meeting.objects.create(
        host=host, topic="Refused", start_at=now + dt.timedelta(days=3), duration=60, push_state="failed"
    )
    for days in (2, 9, 16):
        lesson = Meeting.objects.create(
            host=host, topic="Past", start_at=now - dt.timedelta(days=days), duration=60
        )
        session = Session.objects.create(
            meeting=lesson, scheduled_start=lesson.start_at, scheduled_end=lesson.end_at
        )
        Session.objects.filter(pk=session.pk).update(status="completed")
    page.set_viewport_size({"width": width, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, staff_user, password)
    assert page.locator("#dashboard-attention li").filter(has_text="Lessons Zoom refused").count() == 1
    assert page.locator("#dashboard-weeks svg rect").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"dashboard-{width}")
    page.locator("#dashboard-attention a", has_text="Lessons Zoom refused").click()
    page.wait_for_selector("#lesson-topic")
    assert page.locator("#lesson-topic").inner_text() == "Refused"
    assert errors == []
