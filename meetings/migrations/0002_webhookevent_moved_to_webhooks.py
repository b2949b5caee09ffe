"""The webhook event log now belongs to the webhooks app (webhooks/migrations/0001_initial.py).

State only: the table meetings_webhookevent and its rows stay where they are.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="WebhookEvent")],
        ),
    ]
