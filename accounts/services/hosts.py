"""The default host: who hosts a lesson that names no host (or names `me`, as Zoom's API does)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Credential, ZoomUser
from accounts.services.tokens import credential_client
from accounts.services.zoom_users import USER_FIELDS, zoom_user_row
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

ME = "me"
LICENSED = 2  # Zoom's user type 2: a licensed user, who can host meetings longer than 40 minutes


class NoDefaultHost(Exception):
    """No host can be chosen; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def credential_set_default_host(*, credential: Credential, host: ZoomUser | None) -> Credential:
    """Choose the account's default host (None: back to the automatic choice). Raises ValidationError."""
    if host is not None and (host.credential_id != credential.pk or not host.is_active):
        raise ValidationError(
            {"default_host": _("The default host must be an active Zoom user of this account.")}
        )
    Credential.objects.filter(pk=credential.pk).update(default_host=host)
    credential.default_host = host
    return credential


def credential_default_host(*, credential: Credential) -> ZoomUser:
    """The account's default host.

    In order: the one staff chose for the account; the account's only licensed user (or only
    user); for a user OAuth account, the user who connected it; else the user Zoom answers for
    `GET /users/me` (a Server-to-Server app's owner), stored as a host of the account.
    """
    chosen = credential.default_host
    if chosen is not None and chosen.is_active:
        return chosen
    users = list(credential.zoom_users.filter(is_active=True).order_by("id")[:50])
    licensed = [user for user in users if user.user_type == LICENSED]
    if len(licensed) == 1:
        return licensed[0]
    if len(users) == 1:
        return users[0]
    if credential.kind == Credential.Kind.OAUTH and credential.zoom_user_id:
        mine = next((user for user in users if user.zoom_id == credential.zoom_user_id), None)
        if mine is not None:
            return mine
    return _zoom_me(credential)


def _zoom_me(credential: Credential) -> ZoomUser:
    if credential.status != Credential.Status.ACTIVE:
        raise NoDefaultHost(
            _("The Zoom account “%(account)s” is %(status)s; fix it under Zoom accounts first.")
            % {"account": credential.name, "status": credential.get_status_display().lower()}
        )
    try:
        me = credential_client(credential=credential).get("/users/me")
    except ZoomError as error:
        logger.info("GET /users/me for credential %s failed: %s", credential.pk, error)
        raise NoDefaultHost(
            _("Zoom did not say who “me” is in “%(account)s” (%(error)s); choose its default host.")
            % {"account": credential.name, "error": getattr(error, "message", "") or str(error)}
        ) from None
    if not me.get("id"):
        raise NoDefaultHost(_("Zoom's answer for “me” names no user; choose the account's default host."))
    user = zoom_user_row(credential, me.get("account_id") or credential.account_id, me)
    stored, _created = ZoomUser.objects.update_or_create(
        credential=credential,
        zoom_id=user.zoom_id,
        defaults={**{name: getattr(user, name) for name in USER_FIELDS}, "is_active": True},
    )
    return stored


def default_host(*, reference: str | None = None) -> ZoomUser:
    """The host for a lesson that names none (or `me`), among the usable accounts.

    One usable account: its default host. Several: the one account whose default host staff
    chose; otherwise the caller has to name the host.
    """
    if reference not in (None, "", ME):
        raise ValueError("default_host() is for a missing host or `me`")
    usable = Credential.objects.filter(status=Credential.Status.ACTIVE).select_related("default_host")
    accounts = list(usable.order_by("id")[:2])
    if not accounts:
        raise NoDefaultHost(_("No usable Zoom account is connected; connect one under Zoom accounts."))
    if len(accounts) == 1:
        return credential_default_host(credential=accounts[0])
    chosen = list(usable.filter(Q(default_host__isnull=False) & Q(default_host__is_active=True))[:2])
    if len(chosen) == 1:
        return chosen[0].default_host
    raise NoDefaultHost(
        _(
            "Several Zoom accounts are connected: name the host (Zoom user ID or email), or choose "
            "one account's default host."
        )
    )
