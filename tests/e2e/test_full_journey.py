"""A new staff member's whole first day, in one flow, against the live ZoomHub, a real Celery
worker and the Zoom sandbox (its demo school) as Zoom:

sign in → add the school's Server-to-Server app (and paste its webhook URL into "Zoom") → connect
a tutor with "Connect with Zoom" → refresh hosts → schedule a lesson (the join link appears) →
Zoom holds the lesson (the sandbox's scenario on its simulated clock, signed webhooks to the live
server) → attendance: Completed with the exact minutes, filtered, the session's timeline, a status
set by hand with a reason, the CSV → the cloud recording (recording.completed) and its file
downloaded through ZoomHub → a history sync whose progress bar reaches 100 %.

Every step waits on what the page shows; screenshots land in test-artifacts/screenshots/.
"""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from meetings.models import Meeting, Person
from sandbox import demo
from sandbox.wiring import OAUTH_CALLBACK_PATH, OAUTH_WEBHOOK_PATH, sandbox_environment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]

TALLINN = zoneinfo.ZoneInfo("Europe/Tallinn")
TOPIC = "English B1 with Ivan"
MP4_SIZE = 3 * 1024 * 1024 + 17  # not a round number: the download must be the whole file


@pytest.fixture
def zoom_knows_this_hub(sandbox, live_server, settings):
    """The operator's part: ZoomHub's settings point at the sandbox, and the sandbox's OAuth app
    (made once in the Marketplace) redirects and sends its events to this ZoomHub."""
    for name, value in sandbox_environment(sandbox_url=sandbox.url, web_url=live_server.url).items():
        setattr(settings, name, value == "true" if value in ("true", "false") else value)
    sandbox.control.update_app(
        demo.OAUTH_CLIENT_ID,
        redirect_uris=[f"{live_server.url}{OAUTH_CALLBACK_PATH}"],
        webhook_urls=[f"{live_server.url}{OAUTH_WEBHOOK_PATH}"],
    )
    return sandbox


@pytest.fixture
def school_people(db):
    """The school's teacher and student, as an admin entered them under People."""
    teacher = Person.objects.create(
        name="Anna Teacher", email="anna@school.example", role=Person.Role.TEACHER
    )
    student = Person.objects.create(name="Иван Петров", email="ivan.petrov@gmail.com")
    return teacher, student


def reload_until(page, selector: str, *, timeout: float = 30_000):
    """For pages that do not update themselves: reload until `selector` is there (each try waits
    up to a second for it, so the loop is paced by the page, not by a sleep)."""
    deadline = dt.datetime.now() + dt.timedelta(milliseconds=timeout)
    locator = page.locator(selector)
    while True:
        try:
            locator.first.wait_for(timeout=1_000)
            return locator
        except PlaywrightTimeout:
            if dt.datetime.now() > deadline:
                raise
            page.reload()


def test_a_new_staff_member_runs_the_school_on_zoomhub(
    page, live_server, staff_user, password, zoom_knows_this_hub, worker, school_people, screenshot
):
    sandbox = zoom_knows_this_hub
    teacher, student = school_people
    url = live_server.url

    # Sign in.
    page.goto(f"{url}/accounts/login/")
    screenshot("01-sign-in")
    page.fill("input[name=login]", staff_user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    screenshot("02-dashboard")

    # The school's Server-to-Server app, with the credentials from its Marketplace page.
    page.goto(f"{url}/zoom-accounts/")
    expect(page.locator("table")).to_contain_text("No Zoom account is connected yet.")
    page.click("text=Add a Server-to-Server app")
    page.check("input[name=kind][value=server_to_server]")
    page.fill("#id_name", "Sandbox School")
    page.fill("#id_account_id", demo.SCHOOL_ACCOUNT_ID)
    page.fill("#id_client_id", demo.S2S_CLIENT_ID)
    page.fill("#id_client_secret", demo.S2S_CLIENT_SECRET)
    page.check("#id_is_master_account")
    page.select_option("#id_plan", "business")
    page.fill("#id_webhook_secret_token", demo.S2S_WEBHOOK_SECRET)
    screenshot("03-add-server-to-server")
    page.click("form.credential-form button[type=submit]")
    page.wait_for_url(f"{url}/zoom-accounts/")
    expect(page.locator(".messages")).to_contain_text("“Sandbox School” was added.")
    assert demo.S2S_CLIENT_SECRET not in page.content()

    # Paste the account's webhook URL into the app's Event Subscriptions (in "Zoom").
    school_row = page.locator("tr", has_text="Sandbox School")
    webhook_url = school_row.locator("input[id^=webhook-url-]").input_value()
    assert webhook_url.startswith(f"{url}/webhooks/zoom/")
    sandbox.control.update_app(demo.S2S_CLIENT_ID, webhook_urls=[webhook_url])
    assert sandbox.control.validate_webhook(demo.S2S_CLIENT_ID)["results"][webhook_url]["validated"] is True

    school_row.get_by_role("button", name="Test connection").click()
    expect(page.locator(".messages")).to_contain_text("Sandbox School")
    expect(page.locator("tr", has_text="Sandbox School")).to_contain_text("Active")
    screenshot("04-school-connected")

    # A tutor outside the school connects their own Zoom user.
    page.get_by_role("button", name="Connect with Zoom").click()
    page.wait_for_url(f"{sandbox.url}/oauth/authorize*")
    page.select_option("select[name=user_id]", label="tutor@example.com")
    screenshot("05-zoom-consent")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{url}/zoom-accounts/")
    expect(page.locator(".messages")).to_contain_text("Connected the Zoom user tutor@example.com.")
    expect(page.locator("tr", has_text="tutor@example.com")).to_contain_text("Active")
    screenshot("06-tutor-connected")

    # Refresh the school's hosts: the worker reads the master account and its sub-account.
    page.locator("tr", has_text="Sandbox School").get_by_role("button", name="Refresh users").click()
    expect(page.locator(".messages")).to_contain_text("Reading the Zoom users of “Sandbox School”")
    page.locator("tr", has_text="Sandbox School").get_by_role("link", name="Sandbox School").click()
    reload_until(page, "td:text-is('anna@school.example')")
    expect(page.locator("main")).to_contain_text("branch@school.example")  # the sub-account's user
    screenshot("07-school-hosts")

    # A lesson tomorrow at 15:00 Tallinn time; the worker creates the Zoom meeting.
    tomorrow = (dt.datetime.now(TALLINN) + dt.timedelta(days=1)).date()
    page.goto(f"{url}/lessons/")
    page.click("#new-lesson")
    page.fill("#id_topic", TOPIC)
    host_label = page.locator("#id_host option", has_text="anna@school.example").inner_text()
    page.select_option("#id_host", label=host_label)
    page.select_option("#id_teacher", label=teacher.name)
    # The student picker: search, then choose the result.
    page.fill("#id_students", student.name)
    page.locator("#picker-results-students .picker-choice", has_text=student.name).click()
    page.fill("#id_start_date", tomorrow.isoformat())
    page.fill("#id_start_time", "15:00")
    page.fill("#id_duration", "45")
    screenshot("08-new-lesson")
    page.click("#save-lesson")
    join_url = page.locator("#join-url")
    join_url.wait_for(state="visible", timeout=30_000)
    assert join_url.input_value().startswith("http")
    screenshot("09-lesson-scheduled")
    lesson = Meeting.objects.get(topic=TOPIC)

    # Zoom holds it: 45 minutes in 4.5 s of the sandbox's clock; Ivan drops out once and rejoins
    # (38 of 45 minutes); the recording is ready 5 simulated minutes after the end.
    sandbox.control.play_lesson(
        meeting_id=int(lesson.zoom_meeting_id),
        speed=600,
        participants=[
            {"name": "Ivan Petrov (iPhone)", "email": "", "guest": True, "segments": [[2, 20], [25, 45]]}
        ],
        recording={"delay_minutes": 5, "mp4_size": MP4_SIZE, "transcript": False},
    )
    reload_until(page, "#lesson-attendance a[href^='/attendance/sessions/']")
    screenshot("10-lesson-held")

    # Attendance: the list, filtered by the student, then the session.
    page.goto(f"{url}/attendance/")
    page.select_option("#id_student", label=student.name)
    page.click("#attendance-filters button[type=submit]")
    rows = page.locator("#session-table tbody tr")
    reload_until(page, "#session-table .badge:text-is('Completed')")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{student.name} 38 min")
    screenshot("11-attendance-filtered")
    rows.first.locator("td").first.get_by_role("link").click()
    expect(page.locator("#session-status")).to_contain_text("Completed")
    expect(page.locator(f"#attendance-{teacher.pk} td.minutes")).to_have_text("45")
    expect(page.locator(f"#attendance-{student.pk} td.minutes")).to_have_text("38")
    timeline = page.locator("#presence-timeline svg")
    expect(timeline).to_be_visible()
    expect(timeline.locator("g.row")).to_have_count(2)
    expect(timeline.locator("g.row", has_text=student.name).locator("rect.bar")).to_have_count(2)
    screenshot("12-session-timeline")

    # Staff set the status by hand, with a reason; the computed one stays beside it.
    reason = "Ivan's connection kept dropping; the lesson is repeated on Friday."
    page.select_option("#override-form select[name=status]", "no_show")
    page.fill("#override-form textarea[name=reason]", reason)
    page.click("#save-override")
    expect(page.locator("#session-status")).to_contain_text("No show")
    expect(page.locator("#computed-status")).to_have_text("Completed")
    expect(page.locator("#override-by")).to_contain_text(reason)
    screenshot("13-status-set-by-hand")

    # The CSV of the filtered list has the session, as staff set it.
    page.goto(f"{url}/attendance/?student={student.pk}")
    with page.expect_download() as download_info:
        page.click("#export-csv")
    rows_in_csv = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    by_person = {row["person"]: row for row in rows_in_csv}
    assert set(by_person) == {teacher.name, student.name}
    assert {row["lesson"] for row in rows_in_csv} == {TOPIC}
    ivan = by_person[student.name]
    assert (ivan["status"], ivan["set by staff"], ivan["computed status"], ivan["reason"]) == (
        "No show",
        "yes",
        "Completed",
        reason,
    )
    assert (ivan["present"], ivan["minutes"], ivan["date"], ivan["time"]) == (
        "yes",
        "38.0",
        tomorrow.isoformat(),
        "15:00",
    )
    assert by_person[teacher.name]["minutes"] == "45.0"

    # The cloud recording came with recording.completed; its file downloads through ZoomHub.
    page.goto(f"{url}/recordings/")
    recording_link = reload_until(page, f"#recording-table a:text-is('{TOPIC}')")
    screenshot("14-recordings")
    recording_link.first.click()
    mp4_row = page.locator("#file-table tr", has_text="Video")
    with page.expect_download() as download_info:
        mp4_row.get_by_role("link", name="Download").click()
    downloaded = download_info.value
    assert downloaded.path().stat().st_size == MP4_SIZE
    screenshot("15-recording")

    # A history sync of the school's recordings: the progress bar follows the run to 100 %.
    page.goto(f"{url}/recordings/sources/")
    page.click("#new-source")
    page.fill("#id_name", "School recordings")
    page.select_option("#id_credential", label="Sandbox School")
    screenshot("16-new-source")
    page.click("#source-form button[type=submit]")
    page.wait_for_url(f"{url}/recordings/sources/")
    page.locator("#source-table tr", has_text="School recordings").get_by_role(
        "button", name="Sync now"
    ).click()
    page.wait_for_url(f"{url}/recordings/runs/*/")
    progress = page.locator("#run-bar")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.locator("#run-state")).to_have_text("Succeeded")
    assert int(page.locator("#run-seen").inner_text()) > 0
    screenshot("17-sync-finished")

    # Every event Zoom sent this ZoomHub was signed right and accepted the first time.
    deliveries = sandbox.control.deliveries()
    assert {d["event"] for d in deliveries} >= {
        "meeting.started",
        "meeting.participant_joined",
        "meeting.participant_left",
        "meeting.ended",
        "recording.completed",
    }
    assert [d for d in deliveries if d["status"] != 200] == []
