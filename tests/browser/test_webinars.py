"""In Chromium: staff create a webinar with registration, someone registers in Zoom, staff approve
them on the webinar's page and see them there, approved, with their own link. Zoom is the sandbox."""

import datetime as dt

import pytest

from meetings.models import Meeting, Person, WebinarRegistrant
from meetings.outbox import meeting_push
from tests.browser.test_people import sign_in
from tests.webhooks.live_school import LiveSchool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_create_a_webinar_with_registration_and_approve_a_registrant(
    zoom_sandbox, live_server, settings, page, screenshot, staff_user, password
):
    school = LiveSchool(zoom_sandbox, live_server, settings)
    Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)
    host = school.host(school.WEBINAR_HOST)
    sign_in(page, live_server, staff_user, password)

    page.goto(f"{live_server.url}/lessons/new/")
    page.check("#id_kind input[value=webinar]")
    page.fill("#id_topic", "Open day")
    page.select_option("#id_host", value=str(host.pk))
    page.fill("#id_start_date", (dt.date.today() + dt.timedelta(days=5)).isoformat())
    page.fill("#id_start_time", "17:00")
    page.fill("#id_duration", "90")
    page.check("#field-panelists label:has-text('Mari Tamm') input")
    page.select_option("#id_registration", value="manual")
    screenshot("new-webinar-form")
    page.click("#save-lesson")
    page.wait_for_selector("#webinar-badge")
    assert "Mari Tamm" in page.locator("#webinar-panelists").inner_text()
    assert page.locator("#no-registrants").is_visible()

    webinar = Meeting.objects.get(topic="Open day")
    assert (webinar.kind, webinar.registration) == ("webinar", "manual")
    assert meeting_push(meeting_id=webinar.pk).outcome == "synced"  # what the queued push does
    webinar.refresh_from_db()
    school.deliver_and_process(["webinar.created"])
    school.control.register_for_webinar(
        webinar.zoom_meeting_id, email="liis@example.com", first_name="Liis", last_name="Kuusk"
    )
    school.deliver_and_process(["webinar.registration_created"])
    registrant = WebinarRegistrant.objects.get(email="liis@example.com")

    page.reload()
    row = page.locator(f"#registrant-{registrant.pk}")
    assert row.get_attribute("data-status") == "pending"
    screenshot("webinar-registrant-pending")
    page.click(f"#approve-registrant-{registrant.pk}")
    page.wait_for_selector(f"#registrant-{registrant.pk}[data-status=approved]")
    assert "Liis Kuusk" in row.inner_text()
    assert row.locator("a", has_text="their link").get_attribute("href").startswith(zoom_sandbox.url)
    screenshot("webinar-registrant-approved")
    in_zoom = next(w for w in school.control.webinars() if w["id"] == webinar.zoom_meeting_id)
    assert [r["status"] for r in in_zoom["registrants"]] == ["approved"]
