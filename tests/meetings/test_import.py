"""`manage.py import_zoom_meetings` brings a school's existing upcoming meetings in, once."""

import pytest
import requests
from django.core.management import CommandError, call_command

from meetings.models import Meeting, MeetingTimelineEvent
from tests.meetings.conftest import ACCESS_TOKEN, HOST_ZOOM_ID, fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom_with_meetings(fake_zoom, host):
    """The host made two meetings in Zoom before ZoomHub: a weekly series (Zoom's documented
    example) and one with no fixed time."""
    documented = fixture("meetings_get__recurring_weekly")
    fields = ("topic", "type", "start_time", "duration", "timezone", "agenda", "recurrence")
    series = {name: documented[name] for name in fields}
    series["settings"] = {
        name: documented["settings"][name]
        for name in (
            "waiting_room",
            "mute_upon_entry",
            "auto_recording",
            "alternative_hosts",
            "join_before_host",
        )
    }
    no_fixed_time = {"topic": "Office hours (no fixed time)", "type": 3, "timezone": "Europe/Tallinn"}
    made = []
    for body in (series, no_fixed_time):
        answer = requests.post(
            f"{fake_zoom.running.api_url}/users/{HOST_ZOOM_ID}/meetings",
            json=body,
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    return made[0]


def test_import_creates_lessons_once(zoom_with_meetings, credential, capsys):
    call_command("import_zoom_meetings", credential.name)
    out = capsys.readouterr().out
    assert "1 imported, 0 already known, 1 skipped." in out
    assert "no fixed time" in out

    lesson = Meeting.objects.get()
    assert lesson.zoom_meeting_id == zoom_with_meetings["id"]
    assert lesson.topic == "Saturday group"
    assert lesson.timezone == "Europe/Tallinn"
    assert lesson.start_at.isoformat() == "2027-05-29T15:00:00+00:00"
    assert lesson.duration == 45
    assert lesson.recurrence_weekdays == "5"  # Saturday
    assert lesson.recurrence_count == 3
    assert lesson.join_url == zoom_with_meetings["join_url"]
    assert lesson.start_url == zoom_with_meetings["start_url"]
    assert lesson.waiting_room and lesson.mute_upon_entry
    assert lesson.auto_recording == "cloud"
    assert lesson.alternative_hosts == "assistant@example.com"
    assert lesson.push_state == Meeting.PushState.SYNCED
    assert lesson.timeline.filter(kind=MeetingTimelineEvent.Kind.IMPORTED).exists()
    assert "secret" not in out and "zak=" not in out

    call_command("import_zoom_meetings", str(credential.pk))
    assert "0 imported, 1 already known, 1 skipped." in capsys.readouterr().out
    assert Meeting.objects.count() == 1


def test_import_of_an_unknown_account_says_so(db):
    with pytest.raises(CommandError, match="No connected Zoom account"):
        call_command("import_zoom_meetings", "nobody")


def test_import_of_an_account_that_needs_reconnecting_says_so(credential):
    credential.status = "reconnect_needed"
    credential.save()
    with pytest.raises(CommandError, match="reconnect needed"):
        call_command("import_zoom_meetings", credential.name)
