"""Staff schedule, move and cancel a lesson in the browser; the worker keeps Zoom (the sandbox) in step."""

import datetime as dt
import zoneinfo

import pytest

from meetings.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TALLINN = zoneinfo.ZoneInfo("Europe/Tallinn")


def test_schedule_reschedule_and_cancel_reach_zoom(
    signed_in, live_server, sandbox, demo_school, worker, screenshot
):
    page = signed_in
    sandbox.control.clear_calls()
    tomorrow = (dt.datetime.now(TALLINN) + dt.timedelta(days=1)).date()

    page.goto(f"{live_server.url}/lessons/")
    page.click("#new-lesson")
    page.fill("#id_topic", "Trial lesson: English A2")
    page.select_option("#id_host", index=1)
    page.fill("#id_start_date", tomorrow.isoformat())
    page.fill("#id_start_time", "15:00")
    page.fill("#id_duration", "45")
    screenshot("new-lesson-form")
    page.click("#save-lesson")

    # The push runs in the worker; htmx swaps the join link in without a reload.
    join_url = page.locator("#join-url")
    join_url.wait_for(state="visible", timeout=30_000)
    first_join_url = join_url.input_value()
    assert first_join_url.startswith("http")
    assert "15:00 (Tallinn time)" in page.locator("#lesson-when").inner_text()
    assert page.locator("#start-url").count() == 0  # the host's link only on an explicit click
    screenshot("lesson-pushed")

    lesson = Meeting.objects.get(topic="Trial lesson: English A2")
    expected_start = dt.datetime.combine(tomorrow, dt.time(15, 0), TALLINN)
    assert zoom_meeting(sandbox, lesson).start_time == expected_start

    page.click("#edit-lesson")
    page.fill("#id_start_time", "16:30")
    page.click("#save-lesson")
    page.locator("#push-status[data-push-state=synced]").wait_for(timeout=30_000)
    assert "16:30 (Tallinn time)" in page.locator("#lesson-when").inner_text()
    assert page.locator("#join-url").input_value() == first_join_url  # PATCH keeps the link
    assert zoom_meeting(sandbox, lesson).start_time == expected_start + dt.timedelta(minutes=90)

    page.click("#cancel-lesson")
    page.click("#confirm-cancel")
    page.locator("#push-status[data-push-state=synced]").wait_for(timeout=30_000)
    assert page.locator("#lesson-status").inner_text() == "Canceled"
    screenshot("lesson-canceled")
    assert zoom_meeting(sandbox, lesson) is None
    calls = sandbox.control.calls()
    assert calls.get("POST /v2/users/{userId}/meetings") == 1
    assert calls.get("PATCH /v2/meetings/{meetingId}") == 1
    assert calls.get("DELETE /v2/meetings/{meetingId}") == 1


def zoom_meeting(sandbox, lesson):
    """The meeting as the sandbox (Zoom) holds it now, or None once deleted."""
    lesson.refresh_from_db()
    with sandbox.sandbox.state.lock:
        return sandbox.sandbox.state.meetings.get(int(lesson.zoom_meeting_id))
