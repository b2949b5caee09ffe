import logging

import pytest
from django.db import transaction

from zoomhub.queueing import enqueue_on_commit

pytestmark = pytest.mark.django_db


class FakeTask:
    name = "tests.fake"

    def __init__(self, *, broker_up: bool):
        self.broker_up = broker_up
        self.sent = []

    def apply_async(self, *, kwargs, countdown):
        if not self.broker_up:
            raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")
        self.sent.append((kwargs, countdown))

    def delay(self, **kwargs):
        self.apply_async(kwargs=kwargs, countdown=None)


def test_tasks_are_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    task = FakeTask(broker_up=True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(task, countdown=5, meeting_id=7)
        assert task.sent == []
    assert task.sent == [({"meeting_id": 7}, 5)]


def test_a_broker_outage_is_logged_and_never_fails_the_caller(django_capture_on_commit_callbacks, caplog):
    task = FakeTask(broker_up=False)
    with (
        caplog.at_level(logging.ERROR, logger="zoomhub.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(task, meeting_id=7)
    assert task.sent == []
    assert "Could not queue tests.fake" in caplog.text
