"""The dispatch table is the contract with the apps that handle events (CONTRACTS.md)."""

from meetings.webhooks import dispatch
from meetings.webhooks.handlers import app_deauthorized
from recordings.event_handlers import recording_completed


def test_handlers_are_named_after_their_event_in_the_agreed_modules():
    assert dispatch.HANDLERS == {
        "meeting.started": "meetings.event_handlers.meeting_started",
        "meeting.ended": "meetings.event_handlers.meeting_ended",
        "meeting.updated": "meetings.event_handlers.meeting_updated",
        "meeting.deleted": "meetings.event_handlers.meeting_deleted",
        "meeting.participant_joined": dispatch.Route.STORED,
        "meeting.participant_left": dispatch.Route.STORED,
        "recording.completed": "recordings.event_handlers.recording_completed",
        "recording.trashed": "recordings.event_handlers.recording_trashed",
        "recording.deleted": "recordings.event_handlers.recording_deleted",
        "app_deauthorized": "meetings.webhooks.handlers.app_deauthorized",
    }


def test_resolution_is_lazy_and_says_why_there_is_no_handler(monkeypatch):
    assert dispatch.resolve("app_deauthorized") is app_deauthorized
    assert dispatch.resolve("meeting.participant_joined") is dispatch.Route.STORED
    assert dispatch.resolve("recording.completed") is recording_completed
    monkeypatch.setitem(dispatch.HANDLERS, "recording.completed", "not_installed_app.handlers.completed")
    assert dispatch.resolve("recording.completed") is dispatch.Route.NOT_INSTALLED
    assert dispatch.resolve("webinar.started") is dispatch.Route.IGNORED
