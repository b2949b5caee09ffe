"""When a Zoom user removes the app, their connection is revoked and its tokens deleted."""

import pytest

from accounts.models import Credential
from tests.webhooks.conftest import OAUTH_SECRET, deliver, zoom_event
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

ACCESS = "oauth-access-token-of-the-teacher-0123456789"
REFRESH = "oauth-refresh-token-of-the-teacher-0123456789"


def oauth_credential(name, *, zoom_user_id, account_id="EabCDEFghiLHMA", client_id=""):
    return Credential.objects.create(
        kind=Credential.Kind.OAUTH,
        name=name,
        zoom_user_id=zoom_user_id,
        account_id=account_id,
        client_id=client_id,
        access_token=ACCESS,
        refresh_token=REFRESH,
    )


def test_the_deauthorizing_users_credential_is_revoked_and_its_tokens_deleted(
    client, oauth_url, django_capture_on_commit_callbacks
):
    teacher = oauth_credential(
        "teacher@example.com", zoom_user_id="z9jkdsfsdfjhdkfjQ", client_id="ADZ9k9bTWmGUoUbECUKU_a"
    )
    colleague = oauth_credential("colleague@example.com", zoom_user_id="another-user-id")
    same_user_other_account = oauth_credential(
        "teacher@elsewhere.example", zoom_user_id="z9jkdsfsdfjhdkfjQ", account_id="SomeOtherAccount"
    )
    school = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="EabCDEFghiLHMA",
        client_id="s2sClientId01",
        client_secret="s2s-client-secret-value",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, oauth_url, zoom_event("app_deauthorized__user"), secret=OAUTH_SECRET)

    assert response.status_code == 200
    assert WebhookEvent.objects.get().state == WebhookEvent.State.PROCESSED
    teacher.refresh_from_db()
    assert teacher.status == Credential.Status.REVOKED
    assert (teacher.access_token, teacher.refresh_token, teacher.token_expires_at) == (None, None, None)
    assert "removed" in teacher.last_error
    for untouched in (colleague, same_user_other_account):
        untouched.refresh_from_db()
        assert untouched.status == Credential.Status.ACTIVE
        assert (untouched.access_token, untouched.refresh_token) == (ACCESS, REFRESH)
    school.refresh_from_db()
    assert school.status == Credential.Status.ACTIVE
    assert school.client_secret == "s2s-client-secret-value"


def test_a_credential_of_another_oauth_app_is_not_revoked(
    client, oauth_url, django_capture_on_commit_callbacks
):
    other_app = oauth_credential(
        "teacher@example.com", zoom_user_id="z9jkdsfsdfjhdkfjQ", client_id="SomeOtherClient"
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, oauth_url, zoom_event("app_deauthorized__user"), secret=OAUTH_SECRET)
    other_app.refresh_from_db()
    assert other_app.status == Credential.Status.ACTIVE


def test_a_redelivered_deauthorization_is_harmless(client, oauth_url, django_capture_on_commit_callbacks):
    teacher = oauth_credential("teacher@example.com", zoom_user_id="z9jkdsfsdfjhdkfjQ")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert (
                deliver(
                    client, oauth_url, zoom_event("app_deauthorized__user"), secret=OAUTH_SECRET
                ).status_code
                == 200
            )
    teacher.refresh_from_db()
    assert teacher.status == Credential.Status.REVOKED
    assert WebhookEvent.objects.count() == 1


def test_accounts_announces_each_connection_it_revokes_once(
    client, oauth_url, django_capture_on_commit_callbacks
):
    from accounts import services
    from accounts.signals import credential_deauthorized

    teacher = oauth_credential("teacher@example.com", zoom_user_id="z9jkdsfsdfjhdkfjQ")
    # Server-to-Server: disconnecting it asks Zoom for nothing (no grant to revoke).
    colleague = Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="Colleague's school",
        account_id="OtherAccount01",
        client_id="s2sClientId02",
        client_secret="s2s-client-secret-value-2",
    )
    announced: list[tuple] = []

    def receiver(*, sender, credential, by_zoom, **kwargs):
        announced.append((sender, credential.pk, by_zoom, credential.status))

    credential_deauthorized.connect(receiver, dispatch_uid="test-deauthorized")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deliver(client, oauth_url, zoom_event("app_deauthorized__user"), secret=OAUTH_SECRET)
        with django_capture_on_commit_callbacks(execute=True):
            # Already revoked: the call is harmless and announces nothing again.
            services.credential_deauthorize(zoom_user_id="z9jkdsfsdfjhdkfjQ")
        with django_capture_on_commit_callbacks(execute=True):
            services.credential_disconnect(credential=colleague)
    finally:
        credential_deauthorized.disconnect(dispatch_uid="test-deauthorized")
    assert announced == [
        (Credential, teacher.pk, True, Credential.Status.REVOKED),
        (Credential, colleague.pk, False, Credential.Status.REVOKED),
    ]
