"""Events of meetings made directly in Zoom are kept and found by meeting id or UUID."""

import pytest

from tests.webhooks.conftest import compact, zoom_event
from webhooks.selectors import webhook_events_for_meeting
from webhooks.services import webhook_event_record

pytestmark = pytest.mark.django_db


def store(name, **object_changes):
    body = zoom_event(name)
    body["payload"]["object"].update(object_changes)
    webhook_event_record(credential_id=None, raw_body=compact(body).decode(), body=body)


def test_events_are_found_by_meeting_id_or_by_instance_uuid_oldest_first():
    store("meeting.ended__scheduled")
    store("meeting.started__scheduled")
    store("meeting.participant_joined__docs_example")
    store("recording.completed__two_files")
    store("meeting.started__scheduled", uuid="NextOccurrenceUuid==", id="1234567890")
    store("meeting.started__scheduled", uuid="OtherMeetingUuid==", id="9876543210")

    by_id = webhook_events_for_meeting(zoom_meeting_id=1234567890)
    assert [e.event_type for e in by_id] == [
        "meeting.started",
        "meeting.started",
        "meeting.participant_joined",
        "meeting.ended",
        "recording.completed",
    ]
    by_uuid = webhook_events_for_meeting(zoom_meeting_uuid="4444AAAiAAAAAiAiAiiAii==")
    assert by_uuid.count() == 4
    both = webhook_events_for_meeting(zoom_meeting_id="1234567890", zoom_meeting_uuid="NextOccurrenceUuid==")
    assert both.count() == 1


def test_the_selector_needs_a_meeting():
    with pytest.raises(ValueError):
        webhook_events_for_meeting()
