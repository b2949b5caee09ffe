"""docs/security.md "Rotating the encryption keys": new salt first, rotate, drop the old salt, read back."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.encryption import encrypted_fields, forget_derived_keys
from accounts.models import Credential
from tests.accounts.conftest import S2S_SECRET, WEBHOOK_SECRET, make_oauth, make_s2s

pytestmark = pytest.mark.django_db


@pytest.fixture
def salts(settings):
    def use(*values):
        settings.SALT_KEY = list(values)
        for _model, field in encrypted_fields():
            forget_derived_keys(field)

    yield use
    use("test-salt")


def _raw(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret, webhook_secret_token, access_token, refresh_token FROM accounts_credential WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_every_encrypted_field_of_every_model_is_found():
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert {
        "accounts.Credential.client_secret",
        "accounts.Credential.access_token",
        "accounts.Credential.refresh_token",
        "accounts.Credential.webhook_secret_token",
    } <= labels


def test_rotation_re_encrypts_with_the_new_salt_so_the_old_one_can_go(salts, capsys):
    salts("old-salt")
    s2s = make_s2s()
    oauth = make_oauth()
    before = {s2s.pk: _raw(s2s.pk), oauth.pk: _raw(oauth.pk)}

    salts("new-salt", "old-salt")
    call_command("rotate_encryption_keys")
    assert "accounts.Credential.client_secret: 1 re-encrypted" in capsys.readouterr().out
    for pk, old in before.items():
        new = _raw(pk)
        assert all(
            (o is None) == (n is None) and (o is None or o != n) for o, n in zip(old, new, strict=True)
        )

    salts("new-salt")
    s2s = Credential.objects.get(pk=s2s.pk)
    oauth = Credential.objects.get(pk=oauth.pk)
    assert (s2s.client_secret, s2s.webhook_secret_token) == (S2S_SECRET, WEBHOOK_SECRET)
    assert (oauth.access_token, oauth.refresh_token) == (
        "access-token-0000-original",
        "refresh-token-0000-original",
    )


def test_without_rotation_dropping_the_old_salt_loses_the_secrets(salts):
    # The control: this is what rotation protects against (the library hands back ciphertext).
    salts("old-salt")
    credential = make_s2s()
    salts("new-salt")
    assert Credential.objects.get(pk=credential.pk).client_secret != S2S_SECRET


def test_values_no_key_can_read_are_reported_and_left_alone(salts):
    salts("lost-salt")
    credential = make_s2s()
    raw = _raw(credential.pk)
    salts("new-salt")
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_encryption_keys")
    assert _raw(credential.pk) == raw
