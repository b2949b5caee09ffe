import pytest
from django.db import connection

from accounts.models import Credential

pytestmark = pytest.mark.django_db

SECRET = "dr8XzWRVA6Hh5FuWReynMV7Ke54UrYas"


def test_secrets_are_stored_as_ciphertext():
    credential = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="school",
        account_id="Ab1CdEf2GhIjKlMnO",
        client_id="Tex0m1WATNWdFfnbBmwjSg",
        client_secret=SECRET,
        webhook_secret_token="webhook-secret-token-123",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret, webhook_secret_token FROM accounts_credential WHERE id = %s",
            [credential.pk],
        )
        stored_secret, stored_webhook = cursor.fetchone()
    assert SECRET not in stored_secret
    assert "webhook-secret-token-123" not in stored_webhook
    assert stored_secret.startswith("gAAAA")  # a Fernet token
    assert Credential.objects.get(pk=credential.pk).client_secret == SECRET
