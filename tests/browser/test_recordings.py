"""The sync run page in a real browser: the progress bar follows the run until it finishes."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Credential
from recordings.models import Recording, RecordingFile, Source, SyncRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_progress_bar_updates_live_until_the_run_is_done(
    live_server, page, screenshot, staff_user, password
):
    credential = Credential.objects.create(
        kind="server_to_server",
        name="School",
        account_id="acct12345",
        client_id="client12345",
        client_secret="s" * 20,
    )
    source = Source.objects.create(name="School recordings", credential=credential)
    run = SyncRun.objects.create(
        source=source,
        from_date=date(2024, 1, 1),
        to_date=date(2024, 6, 30),
        state="running",
        steps_total=12,
        steps_done=3,
    )
    recording = Recording.objects.create(
        uuid="u1",
        zoom_meeting_id=1,
        source=source,
        topic="Algebra 7B",
        start_time=datetime(2024, 3, 1, 9, tzinfo=UTC),
    )
    RecordingFile.objects.create(recording=recording, zoom_file_id="f1", file_type="MP4", file_size=5_000_000)
    sign_in(page, live_server, staff_user, password)

    page.goto(f"{live_server.url}/recordings/runs/{run.pk}/")
    assert page.locator("#run-state").inner_text() == "Running"
    assert page.locator("#run-bar").get_attribute("aria-valuenow") == "25"
    screenshot("run-running")

    SyncRun.objects.filter(pk=run.pk).update(
        state="succeeded", steps_done=12, recordings_seen=1, recordings_created=1
    )
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#run-state")).to_have_text("Succeeded", timeout=10_000)
    assert page.locator("#run-created").inner_text() == "1"
    screenshot("run-finished")

    page.goto(f"{live_server.url}/recordings/")
    assert "Algebra 7B" in page.locator("#recording-table").inner_text()
    screenshot("recordings-list")
    page.goto(f"{live_server.url}/recordings/sources/")
    screenshot("sources")
