"""Start-up fails loudly when a webhook handler or a signal receiver goes missing."""

import re

import pytest
from django.core import checks, management
from django.core.management.base import SystemCheckError

from attendance import receivers
from meetings.signals import lesson_ended
from recordings.event_handlers import recording_completed
from tests.webhooks.conftest import use_handler, without_handler
from zoomhub import wiring


def error_ids() -> set[str]:
    return {message.id for message in checks.run_checks() if message.level >= checks.ERROR}


def test_the_installed_apps_are_wired_completely():
    assert error_ids() == set()


def test_a_subscribed_event_whose_handler_was_removed_stops_the_start(monkeypatch):
    without_handler(monkeypatch, "meeting.ended")
    assert "webhooks.E001" in error_ids()
    with pytest.raises(
        SystemCheckError, match=re.escape("'meetings' subscribes to the Zoom event 'meeting.ended'")
    ):
        management.call_command("check")


def test_an_event_handled_by_another_app_than_the_one_subscribing_is_an_error(monkeypatch):
    use_handler(monkeypatch, "recording.completed", recording_completed)
    assert "webhooks.E001" in error_ids()  # registered by "tests", while recordings subscribes


def test_a_disconnected_receiver_stops_the_start():
    ended = {c.receiver_name: c for c in wiring.connections.values() if c.signal is lesson_ended}
    assert sorted(ended) == [
        "attendance.receivers.fetch_attendance_when_lesson_ends",
        "notifications.receivers.announce_lesson_ended",
    ]
    uid = ended["attendance.receivers.fetch_attendance_when_lesson_ends"].dispatch_uid
    assert lesson_ended.disconnect(dispatch_uid=uid)
    try:
        assert "zoomhub.E001" in error_ids()
        with pytest.raises(SystemCheckError, match="fetch_attendance_when_lesson_ends"):
            management.call_command("check")
    finally:
        lesson_ended.connect(receivers.fetch_attendance_when_lesson_ends, weak=False, dispatch_uid=uid)
    assert error_ids() == set()


def check_ids() -> set[str]:
    return {message.id for message in checks.run_checks()}


def test_the_webhooks_app_registers_its_served_intake():
    from webhooks.wsgi import CredentialIntake
    from zoomhub.intake_wsgi import webhook_intakes

    assert webhook_intakes.registrations == [("webhooks", CredentialIntake)]
    assert "webhooks.W001" not in check_ids()


def test_an_intake_left_unregistered_is_warned_about(monkeypatch):
    from zoomhub.intake_wsgi import webhook_intakes

    monkeypatch.setattr(webhook_intakes, "registrations", [])
    assert "webhooks.W001" in check_ids()


def test_two_intakes_in_front_of_the_webhook_urls_stop_the_start(monkeypatch):
    from zoomhub.intake_wsgi import webhook_intakes

    def another(*, fallback):
        return fallback

    monkeypatch.setattr(
        webhook_intakes, "registrations", [*webhook_intakes.registrations, ("tests", another)]
    )
    assert "zoomhub.E002" in error_ids()
