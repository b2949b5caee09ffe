"""Access tokens for a credential, and the one way to get a Zoom client for it."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Credential
from accounts.services.oauth_app import oauth_app
from zoomhub.zoom import oauth
from zoomhub.zoom.client import ZoomClient
from zoomhub.zoom.errors import (
    ZoomClientRejected,
    ZoomConnectionError,
    ZoomError,
    ZoomReauthorizationRequired,
)
from zoomhub.zoom.tokens import ServerToServerTokens, TokenSource

logger = logging.getLogger(__name__)

# Refresh a little before Zoom's expiry so a token never dies in the middle of a call.
EXPIRY_MARGIN = timedelta(minutes=2)

RECONNECT_MESSAGE = gettext_noop(
    "Zoom no longer accepts this account's authorization: reconnect it with “Connect with Zoom”."
)
# Zoom rotated the refresh token, and the network lost the answer that held the new one: Zoom
# accepts only the newest refresh token, so nothing but a new connection can bring it back.
LOST_IN_TRANSIT_MESSAGE = gettext_noop(
    "Zoom's answer to a token refresh was lost on the network after Zoom had replaced the refresh "
    "token, so this account's authorization is gone: reconnect it with “Connect with Zoom”."
)


class CredentialUnusable(ZoomReauthorizationRequired):
    """The credential cannot make calls until someone fixes it (reconnect, new secret)."""

    def __init__(self, message: str, *, credential_status: str):
        super().__init__(message)
        self.credential_status = credential_status
        self.status = None
        self.code = None
        self.message = message
        self.transient = False
        self.request_may_have_succeeded = False


def keys_refused_message(error: ZoomError) -> str:
    reason = getattr(error, "message", "") or str(error)
    return _(
        "Zoom refused this app's keys (%(reason)s). Correct the account ID, client ID or client "
        "secret, then test the connection."
    ) % {"reason": reason}


def credential_mark_invalid(*, credential_id: int, reason: str) -> None:
    """Zoom refused the keys: Invalid at once, with the reason, and nothing uses it until fixed.

    Saving new keys (credential_update) sets it active again for a fresh check.
    """
    now = timezone.now()
    marked = (
        Credential.objects.filter(pk=credential_id)
        .exclude(status=Credential.Status.REVOKED)
        .update(status=Credential.Status.INVALID, last_error=reason, last_checked_at=now, updated_at=now)
    )
    if marked:
        logger.warning("Zoom credential %s is invalid: Zoom refused its keys", credential_id)


class CredentialServerToServerTokens(ServerToServerTokens):
    """The shared S2S token cache of one credential, which marks it Invalid when Zoom refuses its keys.

    Any refusal of the token request that is not transient (`invalid_client`, an unknown account
    ID, a deactivated app) means no call of this app can work, whichever job asked: the users
    refresh, a sync, a push or an attendance fetch. Rate limits, 5xx and timeouts change nothing.
    """

    def __init__(self, credential: Credential, *, sub_account_id: str = "", **kwargs) -> None:
        super().__init__(
            account_id=sub_account_id or credential.account_id,
            client_id=credential.client_id,
            client_secret=credential.client_secret or "",
            **kwargs,
        )
        self.credential_id = credential.pk
        self.sub_account = bool(sub_account_id) and sub_account_id != credential.account_id

    def _fetch(self) -> dict:
        try:
            return super()._fetch()
        except ZoomError as error:
            # A master account's token for one sub-account can be refused for that sub-account
            # alone (it left the master); only a refusal of the app itself condemns the keys.
            if error.transient or (self.sub_account and not isinstance(error, ZoomClientRejected)):
                raise
            message = keys_refused_message(error)
            credential_mark_invalid(credential_id=self.credential_id, reason=message)
            raise CredentialUnusable(message, credential_status=Credential.Status.INVALID) from None


def oauth_app_keys(credential: Credential) -> tuple[str, str]:
    """The OAuth app's client ID and secret: the credential's own, else the "Connect with Zoom" app's."""
    app = oauth_app()
    return (
        credential.client_id or (app.client_id if app else ""),
        credential.client_secret or (app.client_secret if app else ""),
    )


def expires_at(expires_in: int | None) -> datetime | None:
    return timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None


class OAuthCredentialTokens:
    """A user OAuth credential's tokens, refreshed under the credential's row lock.

    Zoom rotates the refresh token on every refresh and the old one stops working ("the latest
    refresh token must always be used", Zoom support article 360060332931). Two workers that
    refresh at once would each spend the same refresh token and one of them would store a dead
    one (what broke Cal.com's Zoom app, calcom PR #729). So a refresh locks the row, re-reads
    it, refreshes only if the stored token is still expired or is the one that just got a 401,
    and saves the new pair before anything else happens.

    A refresh whose answer did not arrive has an unknown outcome: Zoom may or may not have
    rotated the token. It is sent again at once with the same refresh token; if that works,
    nothing was lost. Only Zoom's `invalid_grant` makes the account "Reconnect needed"; when it
    answers a token we had just sent without hearing back, the message says the answer was lost
    (Zoom accepts only the newest refresh token: that grant cannot be recovered). A refresh that
    still gets no answer leaves everything as it was and fails as a transient error, to be
    retried with the same token.
    """

    def __init__(self, credential: Credential):
        self.credential_id = credential.pk
        self.rate_limit_key = credential.account_id or f"credential-{credential.pk}"
        self._access_token = credential.access_token or ""
        self._expires_at = credential.token_expires_at
        self._invalidated: str | None = None
        self.granted_scopes: set[str] = set(credential.scope.split())

    def _fresh(self, token: str, token_expires_at: datetime | None) -> bool:
        if not token or token == self._invalidated:
            return False
        return token_expires_at is None or token_expires_at > timezone.now() + EXPIRY_MARGIN

    def get_token(self) -> str:
        if self._fresh(self._access_token, self._expires_at):
            return self._access_token
        return self._refresh()

    def invalidate(self, token: str) -> None:
        self._invalidated = token

    def _refresh(self) -> str:
        reauthorization_needed = None
        refused: ZoomClientRejected | None = None
        reconnect_message = RECONNECT_MESSAGE
        with transaction.atomic():
            row = Credential.objects.select_for_update().get(pk=self.credential_id)
            if row.status in (Credential.Status.RECONNECT_NEEDED, Credential.Status.REVOKED):
                raise CredentialUnusable(_credential_unusable_message(row), credential_status=row.status)
            if self._fresh(row.access_token or "", row.token_expires_at):
                # Another worker refreshed while we waited for the lock: use its token.
                self._remember(row)
                return self._access_token
            if not row.refresh_token:
                reauthorization_needed = _("The access token expired and there is no refresh token.")
            else:
                try:
                    grant = _refresh_with_one_resend(row)
                except ZoomReauthorizationRequired as error:
                    reauthorization_needed = error.message or str(error)
                    reconnect_message = getattr(error, "reconnect_message", RECONNECT_MESSAGE)
                except ZoomClientRejected as error:
                    refused = error
                else:
                    row.access_token = grant.access_token
                    row.refresh_token = grant.refresh_token or row.refresh_token
                    row.token_expires_at = expires_at(grant.expires_in)
                    if grant.scope:
                        row.scope = grant.scope
                    row.save(update_fields=["access_token", "refresh_token", "token_expires_at", "scope"])
                    self._remember(row)
                    self._invalidated = None
                    return self._access_token
        # Outside the refresh transaction, so the status survives the exception that follows.
        if refused is not None:
            # The OAuth app's own keys are wrong: reconnecting would not help, fixing them does.
            message = keys_refused_message(refused)
            credential_mark_invalid(credential_id=self.credential_id, reason=message)
            raise CredentialUnusable(message, credential_status=Credential.Status.INVALID)
        Credential.objects.filter(pk=self.credential_id).update(
            status=Credential.Status.RECONNECT_NEEDED,
            last_error=_(reconnect_message),
            updated_at=timezone.now(),
        )
        logger.warning(
            "Zoom credential %s needs reconnecting: %s", self.credential_id, reauthorization_needed
        )
        raise ZoomReauthorizationRequired(_(reconnect_message))

    def _remember(self, row: Credential) -> None:
        self._access_token = row.access_token or ""
        self._expires_at = row.token_expires_at
        self.granted_scopes = set(row.scope.split())


def _refresh_with_one_resend(row: Credential):
    """Refresh; after an answer that never came, send the same refresh token once more at once."""
    client_id, client_secret = oauth_app_keys(row)
    try:
        return oauth.refresh_access_token(
            client_id=client_id, client_secret=client_secret, refresh_token=row.refresh_token
        )
    except ZoomConnectionError as error:
        if not error.request_may_have_succeeded:
            raise  # never reached Zoom: nothing changed there, the task retries later
        logger.warning(
            "No answer to Zoom credential %s's token refresh (%s); sending the same refresh token again",
            row.pk,
            error,
        )
    try:
        return oauth.refresh_access_token(
            client_id=client_id, client_secret=client_secret, refresh_token=row.refresh_token
        )
    except ZoomReauthorizationRequired as error:
        # Refused now, after a send whose answer we never saw: that send rotated the token.
        logger.error("Zoom credential %s: the refresh token was rotated and its answer lost", row.pk)
        error.reconnect_message = LOST_IN_TRANSIT_MESSAGE
        raise


class GrantTokens:
    """The access token of one grant, used as is: a check's fresh token, or a grant not stored yet."""

    def __init__(self, access_token: str, *, rate_limit_key: str):
        self._access_token = access_token
        self.rate_limit_key = rate_limit_key

    def get_token(self) -> str:
        return self._access_token

    def invalidate(self, token: str) -> None:
        # A brand-new token that gets a 401 will not get better: the client's retry fails too.
        return None


class _NoAccountTokens:
    """For URLs that carry their own access token: there is no account token to fall back on."""

    rate_limit_key = "download-token"

    def get_token(self) -> str:
        raise ZoomError(_("No Zoom account to fetch this file with."))

    def invalidate(self, token: str) -> None:
        return None


def download_token_client() -> ZoomClient:
    """A client for downloads that carry a webhook's download_token (passed as access_token=)."""
    return ZoomClient(_NoAccountTokens())


def _credential_unusable_message(credential: Credential) -> str:
    if credential.status == Credential.Status.REVOKED:
        return _("This Zoom account was disconnected; connect it again to use it.")
    if credential.status == Credential.Status.INVALID:
        return credential.last_error or _(
            "Zoom refused this account's keys; correct them and test the connection."
        )
    return _(RECONNECT_MESSAGE)


def credential_token_source(*, credential: Credential, account_id: str = "") -> TokenSource:
    """The credential's token source; `account_id` asks a master account for a sub-account's tokens.

    Zoom issues a master account's Server-to-Server app tokens for its sub-accounts when the
    token request names the sub-account's ID (https://developers.zoom.us/docs/internal-apps/s2s-oauth/).
    """
    if account_id and credential.kind != Credential.Kind.SERVER_TO_SERVER:
        raise ValueError("Only a Server-to-Server credential gets tokens for another account.")
    if credential.kind == Credential.Kind.SERVER_TO_SERVER:
        return CredentialServerToServerTokens(credential, sub_account_id=account_id)
    return OAuthCredentialTokens(credential)


def credential_client(*, credential: Credential, account_id: str = "") -> ZoomClient:
    """The Zoom client for a credential: the one way the project calls Zoom for an account.

    `account_id`: a master account's sub-account to act in (Server-to-Server credentials only).
    """
    return credential_client_and_tokens(credential=credential, account_id=account_id)[0]


def credential_client_and_tokens(
    *, credential: Credential, account_id: str = "", checking: bool = False
) -> tuple[ZoomClient, TokenSource]:
    """The client and its token source (whose granted_scopes a check compares with the needed ones).

    An Invalid credential is refused without a call to Zoom (its keys were refused; asking again
    only spends requests), except by the check (`checking`), which is how it becomes active again.
    """
    if credential.status == Credential.Status.REVOKED or (
        credential.status == Credential.Status.INVALID and not checking
    ):
        raise CredentialUnusable(
            _credential_unusable_message(credential), credential_status=credential.status
        )
    tokens = credential_token_source(credential=credential, account_id=account_id)
    return ZoomClient(tokens, plan=credential.plan), tokens
