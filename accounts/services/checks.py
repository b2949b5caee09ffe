"""Checking that a credential works: a token, one light call, and the granted scopes."""

import logging
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Credential
from accounts.scopes import missing_scopes, scope_purposes
from accounts.services.tokens import CredentialUnusable, GrantTokens, credential_client_and_tokens
from zoomhub.zoom import oauth
from zoomhub.zoom.client import ZoomClient
from zoomhub.zoom.errors import ZoomError, ZoomPermissionError, ZoomReauthorizationRequired

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    status: str
    message: str
    missing_scopes: list[str] = field(default_factory=list)
    zoom_user_email: str = ""

    @property
    def summary(self) -> str:
        lines = [self.message]
        if self.missing_scopes:
            purposes = scope_purposes()
            lines.append(_("Scopes to add in the Zoom app:"))
            lines.extend(f"  {scope} ({purposes.get(scope, '')})" for scope in self.missing_scopes)
        return "\n".join(lines)


def _status_for(error: ZoomError) -> str:
    if isinstance(error, CredentialUnusable):
        return error.credential_status
    if isinstance(error, ZoomReauthorizationRequired):
        return Credential.Status.RECONNECT_NEEDED
    return Credential.Status.INVALID


def credential_check(*, credential: Credential) -> CheckResult:
    """Get a token and read /users/me; record the status, the error and the missing scopes.

    A transient failure (Zoom down, a timeout, a rate limit) says so and leaves the status as it
    was: a credential is marked invalid only when Zoom has said no.
    """
    if credential.status == Credential.Status.REVOKED:
        return CheckResult(
            ok=False,
            status=credential.status,
            message=_("This Zoom account was disconnected; connect it again to use it."),
        )
    checked_at = timezone.now()
    try:
        if credential.kind == Credential.Kind.SERVER_TO_SERVER:
            # A token of its own, not the shared cached one: its `scope` must show what the app
            # is granted now, e.g. right after staff added a missing scope in Zoom.
            grant = oauth.request_server_to_server_token(
                account_id=credential.account_id,
                client_id=credential.client_id,
                client_secret=credential.client_secret or "",
            )
            client = ZoomClient(
                GrantTokens(grant.access_token, rate_limit_key=credential.account_id), plan=credential.plan
            )
            me = client.get("/users/me")
            granted = grant.scopes
        else:
            client, tokens = credential_client_and_tokens(credential=credential)
            me = client.get("/users/me")
            granted = set(tokens.granted_scopes)
    except ZoomError as error:
        message = getattr(error, "message", "") or str(error)
        if isinstance(error, ZoomPermissionError) and error.missing_scopes:
            message = _("Zoom refused the call for a missing scope.")
        if error.transient:
            Credential.objects.filter(pk=credential.pk).update(last_checked_at=checked_at)
            return CheckResult(
                ok=False,
                status=credential.status,
                message=_("Zoom could not be reached, try again later: %(error)s") % {"error": message},
            )
        missing = list(getattr(error, "missing_scopes", None) or [])
        # A missing scope makes part of ZoomHub fail, not the keys: the status stays as it was
        # (active for a working app) and the scopes are named.
        status = credential.status if isinstance(error, ZoomPermissionError) else _status_for(error)
        Credential.objects.filter(pk=credential.pk).update(
            status=status,
            last_error=message,
            last_checked_at=checked_at,
            missing_scopes=missing,
            updated_at=checked_at,
        )
        logger.info("Zoom credential %s check failed: %s", credential.pk, message)
        return CheckResult(ok=False, status=status, message=message, missing_scopes=missing)

    missing = (
        missing_scopes(granted=granted, kind=credential.kind, is_master_account=credential.is_master_account)
        if granted
        else []
    )
    email = me.get("email", "")
    changes = {
        "status": Credential.Status.ACTIVE,
        "last_error": "",
        "last_checked_at": checked_at,
        "missing_scopes": missing,
        "updated_at": checked_at,
    }
    if granted:
        changes["scope"] = " ".join(sorted(granted))
    if not credential.account_id and me.get("account_id"):
        changes["account_id"] = me["account_id"]
    Credential.objects.filter(pk=credential.pk).update(**changes)
    message = _("Connected to Zoom as %(email)s.") % {"email": email or me.get("id", "?")}
    if missing:
        message += " " + ngettext(
            "%(count)d needed scope is missing.", "%(count)d needed scopes are missing.", len(missing)
        ) % {"count": len(missing)}
    return CheckResult(
        ok=not missing,
        status=Credential.Status.ACTIVE,
        message=message,
        missing_scopes=missing,
        zoom_user_email=email,
    )
