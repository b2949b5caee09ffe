"""Moving the event log from meetings to webhooks keeps the table, its rows, permissions and schedule."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from webhooks.models import WebhookEvent

# The last state with the event log in meetings: webhooks not migrated at all.
BEFORE = [("meetings", "0001_initial"), ("webhooks", None)]
BEFORE_NODES = [
    ("meetings", "0001_initial"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("django_celery_beat", "0019_alter_periodictasks_options"),
]


def migrate(targets, state_nodes=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_nodes or targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_events_stored_before_the_move_are_there_after_it():
    old_apps = migrate(BEFORE, BEFORE_NODES)
    OldEvent = old_apps.get_model("meetings", "WebhookEvent")
    Credential = old_apps.get_model("accounts", "Credential")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="webhooks", model="webhookevent").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="meetings", model="webhookevent")
    credential = Credential.objects.create(kind="server_to_server", name="School", account_id="AAAAAABBBB")
    every_30s = old_apps.get_model("django_celery_beat", "IntervalSchedule").objects.create(
        every=30, period="seconds"
    )
    old_apps.get_model("django_celery_beat", "PeriodicTask").objects.create(
        name="Sweep Zoom webhook events",
        task="meetings.webhooks.tasks.webhook_events_sweep_task",
        interval=every_30s,
    )
    for number, state in enumerate(["processed", "failed", "unhandled"], start=1):
        OldEvent.objects.create(
            credential=credential,
            event_type="meeting.started",
            event_ts=1626230691572 + number,
            fingerprint=f"{number:064d}",
            raw_body='{"event":"meeting.started"}',
            body={"event": "meeting.started", "payload": {"object": {"id": 1234567890}}},
            zoom_meeting_id="1234567890",
            state=state,
            attempts=number,
        )

    try:
        migrate(latest())
        events = list(WebhookEvent.objects.order_by("event_ts"))
        assert WebhookEvent._meta.db_table == "meetings_webhookevent"
        assert [(e.state, e.attempts, e.credential_id) for e in events] == [
            ("processed", 1, credential.pk),
            ("failed", 2, credential.pk),
            ("unhandled", 3, credential.pk),
        ]
        assert events[0].body["payload"]["object"]["id"] == 1234567890
        # Permissions on the event log (the content type they hang on) moved with it.
        old_type.refresh_from_db()
        assert (old_type.app_label, old_type.model) == ("webhooks", "webhookevent")
        # The unique fingerprint still collapses redeliveries.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'meetings_webhookevent'"
                if connection.vendor == "postgresql"
                else "SELECT sql FROM sqlite_master WHERE tbl_name = 'meetings_webhookevent'"
            )
            definitions = " ".join(str(row[0]) for row in cursor.fetchall())
        assert "webhook_event_due" in definitions
        # The saved beat schedule now names the task where it lives, so workers know it.
        from django_celery_beat.models import PeriodicTask

        from webhooks.tasks import webhook_events_sweep_task

        sweep = PeriodicTask.objects.get(name="Sweep Zoom webhook events")
        assert sweep.task == webhook_events_sweep_task.name == "webhooks.sweep_events"
    finally:
        migrate(latest())
