"""Zoom's signed deliveries, through the intake and the event processor, move the lesson along."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.meetings.conftest import fixture, tallinn
from tests.webhooks.conftest import SECRET, deliver
from webhooks.models import WebhookEvent
from zoomhub.celery_app import app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    # Through monkeypatch, so a test that also sets these keys is undone in the right order.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture(autouse=True)
def _no_real_zoom(fake_zoom):
    """meeting.ended makes attendance fetch participants (eagerly here): from the sandbox, never Zoom."""


@pytest.fixture
def lesson(host):
    host.credential.webhook_secret_token = SECRET
    host.credential.save()
    return Meeting.objects.create(
        host=host,
        topic="My Meeting",
        start_at=tallinn("2027-02-24", "15:00"),
        duration=60,
        timezone="Europe/Tallinn",
        zoom_meeting_id=int(fixture("meeting.started__scheduled")["payload"]["object"]["id"]),
        join_url="https://example.com/j/1",
        push_state=Meeting.PushState.SYNCED,
    )


def test_started_then_ended_deliveries_drive_the_lesson(client, lesson, django_capture_on_commit_callbacks):
    url = reverse("zoom_webhooks:credential", kwargs={"code": lesson.host.credential.webhook_code})
    for name, status in [
        ("meeting.started__scheduled", Meeting.Status.STARTED),
        ("meeting.ended__scheduled", Meeting.Status.ENDED),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(client, url, fixture(name))
        assert response.status_code == 200
        lesson.refresh_from_db()
        assert lesson.status == status
    assert set(WebhookEvent.objects.values_list("state", flat=True)) == {WebhookEvent.State.PROCESSED}


def test_a_delivery_for_another_accounts_secret_changes_nothing(client, lesson):
    url = reverse("zoom_webhooks:credential", kwargs={"code": lesson.host.credential.webhook_code})
    response = deliver(client, url, fixture("meeting.started__scheduled"), secret="someone-elses-secret")
    assert response.status_code == 401
    lesson.refresh_from_db()
    assert lesson.status == Meeting.Status.SCHEDULED
    assert not WebhookEvent.objects.exists()
