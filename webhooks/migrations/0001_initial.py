"""The webhook event log moves here from the meetings app, table and rows untouched.

Only Django's picture of the models changes (state_operations); the database keeps the table
meetings_webhookevent, its indexes and its rows. meetings/migrations/0002 removes the model
from the meetings app's state. Permissions granted on the event log follow it: its content
type is relabelled, so "meetings | webhook event" becomes "webhooks | webhook event".
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def relabel_content_type(apps, schema_editor, old="meetings", new="webhooks"):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label=new, model="webhookevent").exists():
        return  # created by a migrate that ran before this one existed: leave both as they are
    content_types.objects.filter(app_label=old, model="webhookevent").update(app_label=new)


def restore_content_type(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="webhooks", new="meetings")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_credential_missing_scopes_users_refreshed_at"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="WebhookEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("event_type", models.CharField(max_length=100, verbose_name="event")),
                        (
                            "event_ts",
                            models.BigIntegerField(
                                blank=True,
                                help_text="The body's event_ts.",
                                null=True,
                                verbose_name="Zoom's event time (ms)",
                            ),
                        ),
                        (
                            "fingerprint",
                            models.CharField(
                                help_text="Hash of the event's identity (type, event_ts, object ids), so redeliveries collapse.",
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        ("raw_body", models.TextField(help_text="The body exactly as Zoom signed it.")),
                        ("body", models.JSONField()),
                        (
                            "account_id",
                            models.CharField(blank=True, max_length=100, verbose_name="Zoom account ID"),
                        ),
                        (
                            "zoom_meeting_id",
                            models.CharField(blank=True, max_length=64, verbose_name="Zoom meeting ID"),
                        ),
                        (
                            "zoom_meeting_uuid",
                            models.CharField(blank=True, max_length=100, verbose_name="Zoom meeting UUID"),
                        ),
                        ("participant_uuid", models.CharField(blank=True, max_length=100)),
                        ("participant_user_id", models.CharField(blank=True, max_length=100)),
                        ("participant_email", models.CharField(blank=True, max_length=254)),
                        ("participant_name", models.CharField(blank=True, max_length=255)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("processing", "Processing"),
                                    ("processed", "Processed"),
                                    ("failed", "Failed"),
                                    ("ignored", "Ignored (not an event ZoomHub uses)"),
                                    ("unhandled", "Waiting for its handler to be installed"),
                                ],
                                default="pending",
                                max_length=20,
                            ),
                        ),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="How often a worker claimed it."
                            ),
                        ),
                        ("last_error", models.TextField(blank=True)),
                        ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "next_attempt_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When a worker may claim it next; empty once it needs nothing more.",
                                null=True,
                            ),
                        ),
                        (
                            "enqueued_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When a processing task was last sent to the broker.",
                                null=True,
                            ),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("processed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "credential",
                            models.ForeignKey(
                                blank=True,
                                help_text="The account whose webhook URL received it; empty for the user-OAuth app's URL.",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="webhook_events",
                                to="accounts.credential",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "meetings_webhookevent",
                        "verbose_name": "webhook event",
                        "ordering": ["-received_at", "-id"],
                    },
                ),
                migrations.AddIndex(
                    model_name="webhookevent",
                    index=models.Index(
                        condition=models.Q(("state__in", ["pending", "failed"])),
                        fields=["next_attempt_at"],
                        name="webhook_event_due",
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookevent",
                    index=models.Index(
                        condition=models.Q(("state", "processing")),
                        fields=["claimed_at"],
                        name="webhook_event_claimed",
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookevent",
                    index=models.Index(
                        condition=models.Q(("state", "unhandled")),
                        fields=["event_type"],
                        name="webhook_event_unhandled",
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookevent",
                    index=models.Index(fields=["zoom_meeting_id", "event_ts"], name="webhook_event_meeting"),
                ),
                migrations.AddIndex(
                    model_name="webhookevent",
                    index=models.Index(
                        fields=["zoom_meeting_uuid", "event_ts"], name="webhook_event_instance"
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookevent",
                    index=models.Index(fields=["received_at"], name="webhook_event_received"),
                ),
            ],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
