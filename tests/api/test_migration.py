"""Moving API tokens from accounts to api keeps the table, its rows and the tokens working."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from api.models import ApiToken
from api.services import api_token_authenticate

BEFORE = [("accounts", "0003_api_tokens"), ("api", None)]
BEFORE_NODES = [("accounts", "0003_api_tokens"), ("contenttypes", "0002_remove_content_type_name")]
RAW = "zh_" + "a" * 43


def migrate(targets, state_nodes=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_nodes or targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_tokens_made_before_the_move_still_authenticate_after_it():
    old_apps = migrate(BEFORE, BEFORE_NODES)
    User = old_apps.get_model("accounts", "User")
    OldToken = old_apps.get_model("accounts", "ApiToken")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="api", model="apitoken").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="apitoken")
    staff = User.objects.create(username="staff", email="staff@school.example", is_staff=True)
    OldToken.objects.create(
        user=staff,
        name="bot",
        prefix=RAW[:11],
        token_hash=hashlib.sha256(RAW.encode()).hexdigest(),
        scope="read",
    )

    try:
        migrate(latest())
        assert ApiToken._meta.db_table == "accounts_apitoken"
        token = api_token_authenticate(raw=RAW)
        assert token is not None
        assert (token.name, token.user.email, token.can_write) == ("bot", "staff@school.example", False)
        old_type.refresh_from_db()
        assert (old_type.app_label, old_type.model) == ("api", "apitoken")
    finally:
        migrate(latest())
