"""HTML and SQL injection through every free-text field that pages show, and through every filter.

Each field gets its own numbered payload (a <script>, an attribute break-out with an <img onerror>,
and an SQL comment trick). Every page of the staff and superuser crawls must show them escaped:
the raw tags never appear, each field's escaped text appears somewhere, and the tables are intact.
One page is opened in Chromium to see that nothing runs.
"""

import html

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Credential, ZoomUser
from api.models import ApiToken
from attendance.models import Segment, Session
from meetings.models import Meeting, Person
from recordings.models import Recording, RecordingFile, Source, SyncRun
from tests.security.routes import concrete_urls
from tests.security.world import build_world, secret_settings
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

RAW_MARKERS = ["<script>alert(", "<img src=x"]  # the tags themselves, unescaped


def payload(number: int) -> str:
    return f"F{number}<script>alert({number})</script>\"><img src=x onerror=alert({number})>'; DROP TABLE meetings_meeting; --"


def escaped(number: int) -> str:
    return html.escape(payload(number))[:40]  # "F7&lt;script&gt;alert(7)&lt;/script&gt;&quot;&gt;…"


# (model, field, which row of the world) — every free-text field a page shows.
FIELDS = [
    (Meeting, "topic", "lesson"),
    (Meeting, "description", "lesson"),
    (Meeting, "push_error", "lesson"),
    (Person, "name", "teacher"),
    (Person, "name", "student"),
    (Credential, "name", "s2s"),
    (Credential, "last_error", "s2s"),
    (Credential, "name", "oauth"),
    (ZoomUser, "first_name", "host"),
    (ZoomUser, "last_name", "host"),
    (ZoomUser, "display_name", "host"),
    (Segment, "name", "segment"),  # a Zoom participant's name, from the report
    (WebhookEvent, "participant_name", "event"),  # …and from a live webhook
    (Recording, "topic", "recording"),
    (RecordingFile, "download_error", "file"),
    (Source, "name", "source"),
    (SyncRun, "error", "run"),
    (Session, "override_reason", "session"),
    (Session, "data_reason", "session"),
    (ApiToken, "name", "read_token"),
]


@pytest.fixture
def poisoned(db, settings, staff_user, superuser, outsider):
    secret_settings(settings)
    world = build_world(staff=staff_user, superuser=superuser, outsider=outsider)
    for number, (model, field, row) in enumerate(FIELDS, start=1):
        model.objects.filter(pk=getattr(world, row).pk).update(**{field: payload(number)})
    # The webhook's raw JSON body too: the admin shows it.
    body = dict(world.event.body)
    body["payload"]["object"]["participant"]["user_name"] = payload(99)
    WebhookEvent.objects.filter(pk=world.event.pk).update(body=body)
    return world


def _raw_markers(text: str) -> list[str]:
    return [marker for marker in RAW_MARKERS if marker in text]


def test_every_page_shows_every_field_escaped(poisoned):
    seen = ""
    found = []
    for user in (poisoned.staff, poisoned.superuser):
        client = Client()
        client.force_login(user)
        for route in concrete_urls(poisoned):
            response = client.get(route.url)
            assert response.status_code < 500, route.url
            content_type = response.get("Content-Type", "")
            # JSON and calendar files (text/calendar, served with nosniff) are data, never HTML.
            if response.streaming or "json" in content_type or "text/calendar" in content_type:
                continue
            text = response.content.decode("utf-8", "replace")
            found += [f"{user.username} {route.url}: raw {marker!r}" for marker in _raw_markers(text)]
            seen += text
    assert not found, "\n".join(found)
    not_shown = [
        f"{model.__name__}.{field}"
        for number, (model, field, _row) in enumerate(FIELDS, start=1)
        if escaped(number) not in seen
    ]
    assert not not_shown, f"these fields were on no page, so the test proves nothing for them: {not_shown}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_meeting")
        assert cursor.fetchone()[0] >= 1


def test_every_filter_and_search_takes_the_payload_without_harm(poisoned):
    attack = payload(0)
    params = {
        name: attack
        for name in [
            "q", "page", "tab", "teacher", "host", "status", "date", "week", "source", "date_from",
            "date_to", "meeting_id", "lesson", "file_type", "state", "student", "needs_review", "o", "p",
        ]
    }  # fmt: skip
    client = Client()
    client.force_login(poisoned.superuser)
    found = []
    for route in concrete_urls(poisoned):
        if route.url.startswith(("/accounts/", "/api/", "/webhooks/")) or "<" in route.pattern:
            continue
        response = client.get(route.url, params)
        if response.status_code >= 500:
            found.append(f"{route.url}: {response.status_code}")
        elif not response.streaming:
            text = response.content.decode("utf-8", "replace")
            found += [f"{route.url}: raw {marker!r}" for marker in _raw_markers(text)]
    assert not found, "\n".join(found)
    assert Meeting.objects.filter(pk=poisoned.lesson.pk).exists()


def test_the_api_returns_the_text_as_data_not_markup(poisoned):
    client = Client()
    response = client.get(
        f"/api/v1/meetings/{poisoned.lesson.pk}", HTTP_AUTHORIZATION="Bearer " + poisoned.raw_read_token
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["topic"] == payload(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_nothing_runs_in_a_real_browser(
    live_server, page, settings, staff_user, superuser, outsider, password
):
    secret_settings(settings)
    world = build_world(staff=staff_user, superuser=superuser, outsider=outsider)
    for number, (model, field, row) in enumerate(FIELDS, start=1):
        model.objects.filter(pk=getattr(world, row).pk).update(**{field: payload(number)})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", staff_user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for path in [f"/lessons/{world.lesson.pk}/", "/lessons/", f"/attendance/sessions/{world.session.pk}/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert "alert(1)" in page.content() or "alert(4)" in page.content()  # the text is there…
    assert dialogs == []  # …and nothing ran
    assert page.locator("img[src=x]").count() == 0
