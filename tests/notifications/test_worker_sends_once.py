"""Real Celery worker processes, real SMTP: the send task queued twice for every mail, run by two
pool processes at once, still sends one message per person."""

import time

import pytest

from notifications.models import OutgoingMessage
from notifications.tasks import send_message_task
from tests.processes import celery_worker
from zoomhub.celery_app import app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_workers_racing_for_the_same_mails_send_each_once(
    settings, smtp, schedule, student_ru, student_en
):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis as the broker between this test and the worker")
    schedule(students=[student_ru, student_en])  # with Zoom's join link, as after the push
    message_ids = list(OutgoingMessage.objects.values_list("pk", flat=True))
    assert len(message_ids) == 3

    env = {"ZOOMHUB_TEST_EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}"}
    with celery_worker(extra_env=env, concurrency=2) as (_process, queue):
        for message_id in message_ids * 2:
            send_message_task.apply_async(kwargs={"message_id": message_id}, queue=queue)
        deadline = time.monotonic() + 60
        while OutgoingMessage.objects.filter(state="sent").count() < 3:
            assert time.monotonic() < deadline, list(OutgoingMessage.objects.values("state", "last_error"))
            time.sleep(0.2)
        # Every task, the second of each mail too, has finished: none waits in the queue and none
        # is unacknowledged (tasks are acknowledged after they ran, CELERY_TASK_ACKS_LATE).
        deadline = time.monotonic() + 30
        with app.connection_for_write() as connection:
            redis = connection.default_channel.client
            while redis.llen(queue) or redis.hlen("unacked"):
                assert time.monotonic() < deadline, "the worker never finished the second tasks"
                time.sleep(0.2)

    recipients = sorted(r for item in smtp.all() for r in item.recipients)
    assert recipients == sorted(["mari@school.example", "ivan@example.com", "anna@example.com"])
    assert all(item.calendar["METHOD"] == "REQUEST" for item in smtp.all())
