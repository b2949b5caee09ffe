"""Which app handles which Zoom event: the registry the apps fill in their ready()."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from recordings.event_handlers import recording_completed
from tests.webhooks.conftest import without_handler
from webhooks import registry
from webhooks.handlers import app_deauthorized


def test_each_app_registers_the_events_it_handles():
    owners = {event: r.app_label for event, r in registry.handlers.registrations.items()}
    assert owners == {
        "meeting.created": "meetings",
        "meeting.started": "meetings",
        "meeting.ended": "meetings",
        "meeting.updated": "meetings",
        "meeting.deleted": "meetings",
        "webinar.created": "meetings",
        "webinar.started": "meetings",
        "webinar.ended": "meetings",
        "webinar.updated": "meetings",
        "webinar.deleted": "meetings",
        "webinar.registration_created": "meetings",
        "webinar.registration_approved": "meetings",
        "webinar.registration_denied": "meetings",
        "webinar.registration_cancelled": "meetings",
        "meeting.participant_joined": "attendance",
        "webinar.participant_joined": "attendance",
        "webinar.participant_left": "attendance",
        "meeting.participant_left": "attendance",
        "recording.completed": "recordings",
        "recording.trashed": "recordings",
        "recording.deleted": "recordings",
        "app_deauthorized": "webhooks",
        "user.created": "webhooks",
        "user.updated": "webhooks",
        "user.deleted": "webhooks",
        "user.activated": "webhooks",
        "user.deactivated": "webhooks",
    }


def test_resolution_gives_the_handler_stored_or_unhandled(monkeypatch):
    assert registry.handlers.resolve("app_deauthorized") is app_deauthorized
    assert registry.handlers.resolve("meeting.participant_joined") is registry.Route.STORED
    assert registry.handlers.resolve("recording.completed") is recording_completed
    assert registry.handlers.resolve("meeting.sharing_started") is registry.Route.UNHANDLED
    without_handler(monkeypatch, "recording.completed")
    assert registry.handlers.resolve("recording.completed") is registry.Route.UNHANDLED


def test_a_handler_must_be_a_function_not_a_dotted_path():
    # A path would be imported on first use, so a renamed handler would fail at the first
    # delivery instead of at start-up, where the import in ready() fails.
    fresh = registry.HandlerRegistry()
    with pytest.raises(ImproperlyConfigured, match="must be a function"):
        fresh.register(
            "recording.completed", "recordings.event_handlers.recording_completed", app_label="recordings"
        )
    assert fresh.registrations == {}


def test_two_apps_cannot_claim_one_event():
    fresh = registry.HandlerRegistry()
    fresh.register("meeting.ended", app_deauthorized, app_label="meetings")
    fresh.register("meeting.ended", app_deauthorized, app_label="meetings")  # ready() twice: fine
    with pytest.raises(ImproperlyConfigured, match=r"meetings.*attendance"):
        fresh.register("meeting.ended", recording_completed, app_label="attendance")
