"""Reading a credential's Zoom users (the hosts lessons can be scheduled for)."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential, ZoomUser
from accounts.services.tokens import credential_client
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

USER_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "display_name",
    "account_id",
    "user_type",
    "timezone",
    "status",
]


class SubAccountsFailed(Exception):
    """Some sub-accounts of a master account could not be read; the others were refreshed."""


def zoom_user_row(credential: Credential, account_id: str, data: dict) -> ZoomUser:
    return ZoomUser(
        credential=credential,
        zoom_id=str(data["id"]),
        email=data.get("email") or "",
        first_name=(data.get("first_name") or "")[:100],
        last_name=(data.get("last_name") or "")[:100],
        display_name=(data.get("display_name") or "")[:200],
        account_id=data.get("account_id") or account_id,
        user_type=data.get("type"),
        timezone=data.get("timezone") or "",
        status=data.get("status") or "",
        is_active=True,
    )


def _store(credential: Credential, listed: dict[str, list[ZoomUser]], *, complete: bool) -> int:
    """Upsert the listed users; mark inactive the users Zoom no longer lists.

    complete: every account of the credential was listed, so a stored user of any other
    account (a sub-account that left the master, an OAuth user's old account) is gone too.
    """
    users = [user for account_users in listed.values() for user in account_users]
    with transaction.atomic():
        if users:
            ZoomUser.objects.bulk_create(
                users,
                update_conflicts=True,
                unique_fields=["credential", "zoom_id"],
                update_fields=[*USER_FIELDS, "is_active", "refreshed_at"],
                batch_size=500,
            )
        for account_id, account_users in listed.items():
            (
                ZoomUser.objects.filter(credential=credential, account_id=account_id, is_active=True)
                .exclude(zoom_id__in=[user.zoom_id for user in account_users])
                .update(is_active=False)
            )
        if complete:
            (
                ZoomUser.objects.filter(credential=credential, is_active=True)
                .exclude(account_id__in=list(listed))
                .update(is_active=False)
            )
        Credential.objects.filter(pk=credential.pk).update(users_refreshed_at=timezone.now())
    return len(users)


def zoom_users_refresh(*, credential: Credential) -> int:
    """Read the credential's Zoom users from Zoom and store them; return how many Zoom lists.

    Server-to-Server apps list the account's users (GET /users, every page); a user OAuth
    token sees only its own user (GET /users/me); a master account also lists each
    sub-account's users (GET /accounts, then GET /accounts/{id}/users). Users Zoom no longer
    lists are kept (lessons point at them) and marked inactive. A sub-account that fails is
    reported after the others are stored, and its users are left as they were.
    """
    client = credential_client(credential=credential)
    listed: dict[str, list[ZoomUser]] = {}
    if credential.kind == Credential.Kind.OAUTH:
        me = client.get("/users/me")
        account_id = me.get("account_id") or credential.account_id
        listed[account_id] = [zoom_user_row(credential, account_id, me)]
    else:
        account_id = credential.account_id
        listed[account_id] = [
            zoom_user_row(credential, account_id, user)
            for user in client.paginate("/users", items_key="users", params={"status": "active"})
        ]
    failures = []
    if credential.is_master_account:
        for sub_account in client.paginate("/accounts", items_key="accounts"):
            sub_account_id = str(sub_account["id"])
            try:
                listed[sub_account_id] = [
                    zoom_user_row(credential, sub_account_id, user)
                    for user in client.paginate(
                        f"/accounts/{sub_account_id}/users", items_key="users", params={"status": "active"}
                    )
                ]
            except ZoomError as error:
                failures.append(f"{sub_account.get('account_name') or sub_account_id}: {error}")
    count = _store(credential, listed, complete=not failures)
    if failures:
        logger.warning("Zoom users of credential %s: %d sub-accounts failed", credential.pk, len(failures))
        raise SubAccountsFailed(
            _("Some sub-accounts could not be read: %(failures)s") % {"failures": "; ".join(failures)}
        )
    return count


# Zoom's user events (https://developers.zoom.us/docs/api/users/events/): what each means for the
# stored row. user.updated carries only the fields that changed; the others carry the user.
USER_EVENT_FIELDS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "display_name": "display_name",
    "type": "user_type",
    "timezone": "timezone",
    "status": "status",
}
USER_EVENT_STATES = {
    "user.deactivated": {"status": "inactive", "is_active": False},
    "user.activated": {"status": "active", "is_active": True},
    "user.deleted": {"status": "deleted", "is_active": False},
}


def _changed_fields(zoom_object: dict) -> dict:
    changes = {}
    for zoom_name, field_name in USER_EVENT_FIELDS.items():
        if zoom_name not in zoom_object or zoom_object[zoom_name] is None:
            continue
        value = zoom_object[zoom_name]
        if field_name == "user_type":
            if not isinstance(value, int):
                continue
        else:
            limit = ZoomUser._meta.get_field(field_name).max_length
            value = str(value)[:limit]
        changes[field_name] = value
    return changes


def zoom_user_apply_event(*, event_type: str, payload: dict, credential: Credential | None) -> int:
    """Keep the stored Zoom users in step with one user event at once; return the rows written.

    `credential`: the connected account whose webhook URL received it (None for the shared
    "Connect with Zoom" URL, which speaks for each teacher's own connection). A Server-to-Server
    account learns of a new user here; an OAuth connection only ever has its own user, so an
    event about a user no connection has changes nothing.
    """
    zoom_object = payload.get("object") if isinstance(payload.get("object"), dict) else {}
    zoom_id = str(zoom_object.get("id") or "")
    if not zoom_id:
        return 0
    rows = ZoomUser.objects.filter(zoom_id=zoom_id)
    if credential is not None:
        rows = rows.filter(credential=credential)
    changes = _changed_fields(zoom_object)
    changes.update(USER_EVENT_STATES.get(event_type, {}))
    if event_type == "user.created":
        changes.setdefault("is_active", changes.get("status", "active") == "active")
    with transaction.atomic():
        written = 0
        for row in rows.select_for_update():
            for name, value in changes.items():
                setattr(row, name, value)
            row.save()
            written += 1
        if (
            written == 0
            and credential is not None
            and credential.kind == Credential.Kind.SERVER_TO_SERVER
            and event_type in ("user.created", "user.activated", "user.updated")
            and zoom_object.get("email")
        ):
            account_id = str(payload.get("account_id") or zoom_object.get("account_id") or "")
            row = zoom_user_row(credential, account_id or credential.account_id, zoom_object)
            for name, value in changes.items():
                setattr(row, name, value)
            row.save()
            written = 1
    return written
