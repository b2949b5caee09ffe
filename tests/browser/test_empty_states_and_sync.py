"""In Chromium at 1366 and 390 px: empty lists say what to do with a button that works, and the sync
page drops its "running" note by itself once the run has finished, then shows what it created."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.models import Credential
from recordings.models import Recording, Source, SyncRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("width", [1366, 390])
def test_empty_lists_lead_to_the_next_step(live_server, page, screenshot, staff_user, password, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, staff_user, password)
    for path, element_id, target in [
        ("/recordings/", "recordings-empty", "/recordings/sources/new/"),
        ("/attendance/", "attendance-empty", "/lessons/new/"),
        ("/lessons/", "lessons-empty", "/zoom-accounts/"),
        ("/people/", "people-empty", "/people/new/"),
    ]:
        page.goto(live_server.url + path)
        box = page.locator(f"#{element_id}")
        assert box.is_visible(), path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        screenshot(f"empty-{element_id}-{width}")
        box.locator("a.button").first.click()
        page.wait_for_load_state()
        assert page.url.startswith(live_server.url + target.rstrip("/")), (path, page.url)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_running_note_goes_away_when_the_run_finishes(
    live_server, page, screenshot, staff_user, password, width
):
    credential = Credential.objects.create(
        kind="server_to_server", name="School", account_id="acct12345", client_id="client12345"
    )
    source = Source.objects.create(name="School recordings", credential=credential)
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=20)
    run = SyncRun.objects.create(
        source=source,
        from_date=dt.date(2026, 11, 1),
        to_date=dt.date(2026, 12, 1),
        state="running",
        steps_total=4,
        steps_done=1,
    )
    SyncRun.objects.filter(pk=run.pk).update(created_at=started, started_at=started)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, staff_user, password)

    page.goto(f"{live_server.url}/recordings/runs/{run.pk}/")
    expect(page.locator("#run-started")).to_be_visible()
    screenshot(f"run-running-{width}")

    recording = Recording.objects.create(
        uuid="u-new", zoom_meeting_id=5, source=source, topic="Algebra 7B", start_time=started
    )
    SyncRun.objects.filter(pk=run.pk).update(
        state="succeeded",
        steps_done=4,
        recordings_seen=1,
        recordings_created=1,
        api_calls=6,
        finished_at=dt.datetime.now(dt.UTC),
    )
    expect(page.locator("#run-state")).to_have_text("Succeeded", timeout=10_000)
    expect(page.locator("#run-started")).to_have_count(0)
    expect(page.locator("#run-duration")).to_contain_text("took")
    assert page.locator("#run-calls").inner_text() == "6"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"run-finished-{width}")
    page.locator("#run-created-list a").click()
    page.wait_for_url(f"{live_server.url}/recordings/{recording.pk}/")
