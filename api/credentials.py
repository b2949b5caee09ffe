"""/api/v1/credentials/ — connected Zoom accounts, in the JSON of docs/api.md ("Credentials").

Every rule is accounts.validation's (through accounts.services); secrets are accepted, stored
encrypted and never returned: answers show them masked ("••••" and at most the last four
characters).
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from accounts import services, tasks
from accounts.masking import mask_secret
from accounts.models import Credential
from api.auth import READ, WRITE
from api.common import Id, utc_iso
from api.errors import ApiError, responses, validation_failed
from api.pagination import PageParams, paginate
from api.parsing import InputSchema
from zoomhub.queueing import enqueue_on_commit

router = Router(tags=["credentials"])

# accounts.validation's field names → the JSON body's.
FIELD_NAMES = {
    "name": "account_name",
    "kind": "credentials",
    "account_id": "credentials.account_id",
    "client_id": "credentials.client_id",
    "client_secret": "credentials.client_secret",
    "access_token": "credentials.access_token",
    "is_master_account": "credentials.is_master_account",
}
# Longer than any real token; bounds what reaches the encrypted columns.
SECRET_MAX = 4000


class CredentialFields(InputSchema):
    """Server-to-Server: account_id, client_id, client_secret. User OAuth: access_token (and more)."""

    account_id: str = Field(
        "",
        max_length=100,
        description="Server-to-Server: App Credentials → Account ID (at least 5 characters).",
    )
    client_id: str = Field(
        "", max_length=100, description="Client ID (at least 5 characters for Server-to-Server)."
    )
    client_secret: str = Field(
        "", max_length=SECRET_MAX, description="Client Secret (at least 10 characters for Server-to-Server)."
    )
    is_master_account: bool = Field(False, description="A master account (Server-to-Server only).")
    account: str = Field(
        "",
        max_length=200,
        description="A free label some clients send; ZoomHub names accounts by account_name and does not store it.",
    )
    access_token: str = Field(
        "",
        max_length=SECRET_MAX,
        description="User OAuth: the access token (at least 10 characters). Its presence makes the credential user OAuth.",
    )
    refresh_token: str = Field("", max_length=SECRET_MAX)
    token_type: str = Field("", max_length=20, description="Accepted for compatibility; always bearer.")
    scope: str = Field("", max_length=4000, description="The scopes Zoom granted, space-separated.")
    expires_in: int | None = Field(
        None, ge=0, le=10 * 365 * 24 * 3600, description="Seconds the access token lives."
    )
    expiry: dt.datetime | None = Field(
        None, description="When the access token expires (ISO 8601); used when expires_in is absent."
    )
    webhook_secret_token: str = Field(
        "", max_length=SECRET_MAX, description="The app's webhook Secret Token."
    )


class CredentialIn(InputSchema):
    platform: Literal["zoom", "ZOOM"] = "zoom"
    account_name: str = Field(..., max_length=200)
    plan: Literal["free", "pro", "business"] = Field(
        "pro", description="The Zoom account's plan (rate limits)."
    )
    credentials: CredentialFields


class MaskedSecrets(Schema):
    client_secret: str
    access_token: str
    refresh_token: str
    webhook_secret_token: str


class CredentialOut(Schema):
    id: int
    platform: str
    account_name: str
    kind: Literal["server_to_server", "oauth"]
    is_master_account: bool
    plan: str
    account_id: str
    client_id: str
    status: str
    last_error: str
    last_checked_at: str | None
    missing_scopes: list[str]
    token_expires_at: str | None
    scope: str
    zoom_user_id: str
    webhook_url: str
    secrets: MaskedSecrets = Field(
        ...,
        description="Stored secrets, masked: “••••” and at most the last four characters; empty when none is stored.",
    )
    created_at: str


class CredentialPage(Schema):
    items: list[CredentialOut]
    next_cursor: str | None


def credential_out(request, credential: Credential) -> dict:
    webhook_path = "/webhooks/zoom/oauth/" if credential.is_oauth else credential.webhook_path
    return {
        "id": credential.pk,
        "platform": "zoom",
        "account_name": credential.name,
        "kind": credential.kind,
        "is_master_account": credential.is_master_account,
        "plan": credential.plan,
        "account_id": credential.account_id,
        "client_id": credential.client_id,
        "status": credential.status,
        "last_error": credential.last_error,
        "last_checked_at": utc_iso(credential.last_checked_at),
        "missing_scopes": [str(scope) for scope in credential.missing_scopes or []],
        "token_expires_at": utc_iso(credential.token_expires_at),
        "scope": credential.scope,
        "zoom_user_id": credential.zoom_user_id,
        "webhook_url": request.build_absolute_uri(webhook_path),
        "secrets": {
            "client_secret": mask_secret(credential.client_secret),
            "access_token": mask_secret(credential.access_token),
            "refresh_token": mask_secret(credential.refresh_token),
            "webhook_secret_token": mask_secret(credential.webhook_secret_token),
        },
        "created_at": utc_iso(credential.created_at),
    }


def _token_expiry(fields: CredentialFields) -> dt.datetime | None:
    if fields.expires_in is not None:
        return timezone.now() + dt.timedelta(seconds=fields.expires_in)
    if fields.expiry is not None:
        if timezone.is_naive(fields.expiry):
            raise ApiError(
                400,
                _("Give the expiry with its timezone, e.g. 2026-02-06T15:00:00Z."),
                code="validation_error",
                fields={"credentials.expiry": _("Add a timezone (Z for UTC).")},
            )
        expiry = fields.expiry.astimezone(dt.UTC)
        if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= expiry <= dt.datetime(2100, 1, 1, tzinfo=dt.UTC):
            raise ApiError(
                400,
                _("The expiry must be between 2000 and 2100."),
                code="validation_error",
                fields={"credentials.expiry": _("Out of range.")},
            )
        return expiry
    return None


@router.post("/credentials/", auth=WRITE, response=responses({201: CredentialOut}, 409))
def create_credential(request, payload: CredentialIn):
    """Add a Zoom account: a Server-to-Server app (account_id, client_id, client_secret, optional
    is_master_account) or a user OAuth token obtained elsewhere (access_token, optional
    refresh_token, expiry). Its Zoom users are read in the background afterwards."""
    fields = payload.credentials
    is_oauth = bool(fields.access_token.strip())
    values = {
        "kind": Credential.Kind.OAUTH if is_oauth else Credential.Kind.SERVER_TO_SERVER,
        "name": payload.account_name,
        "account_id": fields.account_id,
        "client_id": fields.client_id,
        "client_secret": fields.client_secret,
        "is_master_account": fields.is_master_account,
        "plan": payload.plan,
        "webhook_secret_token": fields.webhook_secret_token,
    }
    if is_oauth:
        values.update(
            access_token=fields.access_token,
            refresh_token=fields.refresh_token,
            token_expires_at=_token_expiry(fields),
            scope=fields.scope.strip(),
        )
    try:
        with transaction.atomic():
            credential = services.credential_create(**values)
            enqueue_on_commit(tasks.zoom_users_refresh_task, credential_id=credential.pk)
    except ValidationError as error:
        raise validation_failed(error, field_names=FIELD_NAMES) from None
    return Status(201, credential_out(request, credential))


@router.get("/credentials/", auth=READ, response=responses({200: CredentialPage}))
def list_credentials(request, page: Query[PageParams]):
    """Connected Zoom accounts, oldest first."""
    items, next_cursor = paginate(Credential.objects.all(), order=("id",), page=page, scope="credentials")
    return {"items": [credential_out(request, c) for c in items], "next_cursor": next_cursor}


@router.get("/credentials/{credential_id}", auth=READ, response=responses({200: CredentialOut}, 404))
def get_credential(request, credential_id: Id):
    return credential_out(request, get_object_or_404(Credential, pk=credential_id))
