"""API tokens move here from the accounts app, table and rows untouched.

Only Django's picture of the models changes (state_operations); the table accounts_apitoken and
its rows stay. accounts/migrations/0004 removes the model from the accounts app's state; the
content type is relabelled so permissions on tokens follow them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor, old="accounts", new="api"):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label=new, model="apitoken").exists():
        return
    content_types.objects.filter(app_label=old, model="apitoken").update(app_label=new)


def restore_content_type(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="api", new="accounts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="What uses it, e.g. “trial-lesson bot”.",
                                max_length=100,
                                verbose_name="name",
                            ),
                        ),
                        ("prefix", models.CharField(editable=False, max_length=16)),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        (
                            "scope",
                            models.CharField(
                                choices=[("read", "Read"), ("read_write", "Read and write")],
                                default="read",
                                max_length=20,
                                verbose_name="scope",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_apitoken",
                        "verbose_name": "API token",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
