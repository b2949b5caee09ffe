"""Adding, changing and disconnecting credentials."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import signals
from accounts.models import Credential
from accounts.services.tokens import oauth_app_keys
from accounts.validation import credential_validate
from zoomhub.zoom import oauth
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

# Fields staff may change with credential_update; the secrets among them keep their stored
# value when the new one is blank (forms never show a secret, so blank means "unchanged").
EDITABLE_FIELDS = (
    "name",
    "account_id",
    "client_id",
    "client_secret",
    "access_token",
    "refresh_token",
    "is_master_account",
    "plan",
    "webhook_secret_token",
)
SECRET_FIELDS = ("client_secret", "access_token", "refresh_token", "webhook_secret_token")


def _clean(value):
    return value.strip() if isinstance(value, str) else value


@transaction.atomic
def credential_create(
    *,
    kind: str = Credential.Kind.SERVER_TO_SERVER,
    name: str,
    account_id: str = "",
    client_id: str = "",
    client_secret: str = "",
    access_token: str = "",
    refresh_token: str = "",
    token_expires_at: datetime | None = None,
    scope: str = "",
    zoom_user_id: str = "",
    is_master_account: bool = False,
    plan: str = Credential.Plan.PRO,
    webhook_secret_token: str = "",
) -> Credential:
    """Validate (the rules of accounts.validation) and store a new credential."""
    values = {
        "kind": kind,
        "name": _clean(name),
        "account_id": _clean(account_id),
        "client_id": _clean(client_id),
        "client_secret": _clean(client_secret),
        "access_token": _clean(access_token),
        "is_master_account": is_master_account,
    }
    credential_validate(**values)
    credential = Credential(
        **values,
        refresh_token=_clean(refresh_token) or None,
        token_expires_at=token_expires_at,
        scope=scope,
        zoom_user_id=zoom_user_id,
        plan=plan,
        webhook_secret_token=_clean(webhook_secret_token) or None,
    )
    for secret in SECRET_FIELDS:
        setattr(credential, secret, getattr(credential, secret) or None)
    credential.save()
    return credential


@transaction.atomic
def credential_update(*, credential: Credential, **changes) -> Credential:
    """Change a credential; a blank secret keeps the stored one. Raises ValidationError."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"credential_update() cannot change {', '.join(sorted(unknown))}")
    row = Credential.objects.select_for_update().get(pk=credential.pk)
    for field, value in changes.items():
        value = _clean(value)
        if field in SECRET_FIELDS and not value:
            continue
        setattr(row, field, value)
    credential_validate(
        kind=row.kind,
        name=row.name,
        account_id=row.account_id,
        client_id=row.client_id,
        client_secret=row.client_secret or "",
        access_token=row.access_token or "",
        is_master_account=row.is_master_account,
        exclude_pk=row.pk,
        require_access_token=row.status != Credential.Status.REVOKED,
    )
    keys_changed = any(
        field in changes and changes[field] for field in ("account_id", "client_id", "client_secret")
    )
    if keys_changed and row.status == Credential.Status.INVALID:
        # New keys deserve a fresh check rather than the old verdict.
        row.status = Credential.Status.ACTIVE
        row.last_error = ""
    row.save()
    return row


def credential_disconnect(*, credential: Credential) -> Credential:
    """Revoke an OAuth grant at Zoom, delete the stored tokens, keep the row and its history.

    The row stays (status revoked) so lessons, recordings and attendance that point at it keep
    their history. Zoom refusing the revoke (the user already removed the app) does not stop
    us from forgetting the tokens.
    """
    with transaction.atomic():
        row = Credential.objects.select_for_update().get(pk=credential.pk)
        # Revoking the access token uninstalls the app for that user (and Zoom sends app_deauthorized).
        token = row.access_token or row.refresh_token
        row.access_token = None
        row.refresh_token = None
        row.token_expires_at = None
        row.status = Credential.Status.REVOKED
        row.last_error = ""
        row.last_checked_at = timezone.now()
        row.save()
    if row.kind == Credential.Kind.OAUTH and token:
        client_id, client_secret = oauth_app_keys(row)
        try:
            oauth.revoke_token(client_id=client_id, client_secret=client_secret, token=token)
        except ZoomError as error:
            logger.warning("Zoom did not revoke the token of credential %s: %s", row.pk, error)
    signals.send_on_commit(signals.credential_deauthorized, credential=row, by_zoom=False)
    return row


def credential_deauthorize(
    *, zoom_user_id: str, account_id: str = "", client_id: str = "", deauthorized_at: str = ""
) -> list[Credential]:
    """A Zoom user removed our OAuth app (Zoom's app_deauthorized): revoke those connections.

    Zoom requires Marketplace apps to stop using the user's data at once
    (https://developers.zoom.us/docs/integrations/end-user-auth/ "deauthorization"). A
    credential matches on the Zoom user, and on account and client where it recorded them.
    Nothing identifies a connection without the user: then nothing is revoked.
    """
    if not zoom_user_id:
        return []
    matches = Credential.objects.filter(kind=Credential.Kind.OAUTH, zoom_user_id=zoom_user_id)
    if account_id:
        matches = matches.filter(Q(account_id=account_id) | Q(account_id=""))
    if client_id:
        matches = matches.filter(Q(client_id=client_id) | Q(client_id=""))
    reason = (
        _("The Zoom user removed ZoomHub's app at %(when)s; connect again to restore.")
        % {"when": deauthorized_at}
        if deauthorized_at
        else _("The Zoom user removed ZoomHub's app; connect again to restore.")
    )
    # No savepoint of its own: inside the webhook worker's transaction a failure rolls back the
    # whole event anyway, and a savepoint cost two round trips per event.
    with transaction.atomic(savepoint=False):
        revoked = list(matches.select_for_update().order_by("pk"))
        # Already revoked (staff disconnected first, which makes Zoom send this event) is announced once.
        newly_revoked = [c.pk for c in revoked if c.status != Credential.Status.REVOKED]
        Credential.objects.filter(pk__in=[c.pk for c in revoked]).update(
            status=Credential.Status.REVOKED,
            access_token=None,
            refresh_token=None,
            token_expires_at=None,
            last_error=reason,
            updated_at=timezone.now(),
        )
        for credential in revoked:
            credential.refresh_from_db()
            if credential.pk in newly_revoked:
                signals.send_on_commit(signals.credential_deauthorized, credential=credential, by_zoom=True)
    logger.info("app_deauthorized: revoked %s credential(s) for Zoom user %s", len(revoked), zoom_user_id)
    return revoked
