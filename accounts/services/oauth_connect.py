"""The "Connect with Zoom" flow: user OAuth 2.0 with PKCE, its state bound to the staff session.

https://developers.zoom.us/docs/integrations/oauth/ — authorize, then exchange the code (with
the PKCE verifier) at /oauth/token. The state and the verifier live only in the session of the
staff member who pressed the button, so a callback from any other browser, a replayed
callback or a forged one finds no matching state and stores nothing. A flow started through
the API (GET /api/v1/oauth/zoom/authorize, no browser session) is kept server-side in the cache,
bound to the API token's user: the callback must then come to a browser signed in as that user.
"""

import logging
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.services.credentials import credential_create
from accounts.services.oauth_app import (
    OAuthApp,
    OAuthAppConfigError,
    config_file_path,
    oauth_app,
    oauth_app_or_error,
)
from accounts.services.tokens import GrantTokens, expires_at
from accounts.validation import credential_validate
from zoomhub.zoom import oauth
from zoomhub.zoom.client import ZoomClient
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

SESSION_KEY = "zoom_oauth_flows"
# Zoom's authorization codes live minutes; a flow older than this is abandoned.
FLOW_LIFETIME_SECONDS = 15 * 60
MAX_PENDING_FLOWS = 5


class OAuthConnectError(Exception):
    """The flow failed; the message is for the staff member and never holds a secret."""


@dataclass(frozen=True)
class ConnectResult:
    credential: Credential
    created: bool


def oauth_is_configured() -> bool:
    return oauth_app() is not None


def oauth_redirect_uri(default: str) -> str:
    """The configured redirect URI, else `default` (the callback of the page the flow starts from)."""
    app = oauth_app()
    return (app.redirect_uri if app else "") or default


def _configured_app() -> OAuthApp:
    try:
        app = oauth_app_or_error()
    except OAuthAppConfigError as error:
        raise OAuthConnectError(_("“Connect with Zoom” is not set up: %(why)s") % {"why": error}) from None
    if app is None:
        raise OAuthConnectError(
            _(
                "“Connect with Zoom” is not set up: the operator must set OAUTH_ZOOM_CLIENT_ID "
                "and OAUTH_ZOOM_CLIENT_SECRET, or write them to %(file)s."
            )
            % {"file": config_file_path()}
        )
    return app


def oauth_connect_start(*, session, user_id: int, redirect_uri: str) -> str:
    """Remember a new state and PKCE verifier in the session; return Zoom's consent page URL."""
    app = _configured_app()
    state = secrets.token_urlsafe(32)
    verifier, challenge = oauth.new_pkce_pair()
    now = time.time()
    flows = {
        key: flow
        for key, flow in (session.get(SESSION_KEY) or {}).items()
        if now - flow["started_at"] < FLOW_LIFETIME_SECONDS
    }
    flows[state] = {"verifier": verifier, "user_id": user_id, "redirect_uri": redirect_uri, "started_at": now}
    # A few tabs may be mid-flow at once; older flows beyond that are dropped.
    session[SESSION_KEY] = dict(
        sorted(flows.items(), key=lambda item: item[1]["started_at"])[-MAX_PENDING_FLOWS:]
    )
    return oauth.authorization_url(
        client_id=app.client_id,
        redirect_uri=redirect_uri,
        state=state,
        code_challenge=challenge,
    )


class _UserFlowStore:
    """The part of a session the flow uses, kept in the cache for one user (flows started by the API)."""

    def __init__(self, user_id: int) -> None:
        self.cache_key = f"zoom-oauth-api-flows:{user_id}"

    def get(self, key: str, default=None):
        return cache.get(self.cache_key, default) if key == SESSION_KEY else default

    def __setitem__(self, key: str, value) -> None:
        if key == SESSION_KEY:
            cache.set(self.cache_key, value, FLOW_LIFETIME_SECONDS)


def oauth_connect_start_for_user(*, user_id: int, redirect_uri: str) -> str:
    """Like oauth_connect_start, for a caller without a session: the flow is bound to the user."""
    return oauth_connect_start(session=_UserFlowStore(user_id), user_id=user_id, redirect_uri=redirect_uri)


def _take_flow(session, state: str, user_id: int) -> dict | None:
    """Remove and return the pending flow of this state: each state is good for one callback."""
    flows = dict(session.get(SESSION_KEY) or {})
    flow = flows.pop(state, None) if state else None
    session[SESSION_KEY] = flows
    if flow is None or flow["user_id"] != user_id:
        return None
    if time.time() - flow["started_at"] >= FLOW_LIFETIME_SECONDS:
        return None
    return flow


def oauth_connect_complete(*, session, user_id: int, params) -> ConnectResult:
    """Handle Zoom's redirect back: check the state, exchange the code, store the credential.

    Any failure raises OAuthConnectError with a message for the staff member, and nothing is
    stored.
    """
    state = params.get("state") or ""
    flow = _take_flow(session, state, user_id) or _take_flow(_UserFlowStore(user_id), state, user_id)
    if params.get("error"):
        if params["error"] == "access_denied":
            raise OAuthConnectError(_("Access was declined in Zoom, so no Zoom account was connected."))
        raise OAuthConnectError(
            _("Zoom did not authorize the connection (%(error)s), so no Zoom account was connected.")
            % {"error": params["error"][:100]}
        )
    if flow is None:
        raise OAuthConnectError(
            _(
                "This Zoom sign-in could not be matched to one you started here (it is old, was "
                "already used, or began in another browser). Nothing was connected: press "
                "“Connect with Zoom” again."
            )
        )
    code = params.get("code") or ""
    if not code:
        raise OAuthConnectError(_("Zoom sent no authorization code, so no Zoom account was connected."))
    app = _configured_app()
    try:
        grant = oauth.exchange_code(
            client_id=app.client_id,
            client_secret=app.client_secret,
            code=code,
            redirect_uri=flow["redirect_uri"],
            code_verifier=flow["verifier"],
        )
    except ZoomError as error:
        logger.info("Zoom refused an OAuth code exchange: %s", error)
        raise OAuthConnectError(
            _(
                "Zoom did not accept the authorization (the code expired or was already used). "
                "Nothing was connected: press “Connect with Zoom” again."
            )
        ) from None
    try:
        me = ZoomClient(GrantTokens(grant.access_token, rate_limit_key=f"oauth-connect-{user_id}")).get(
            "/users/me"
        )
    except ZoomError as error:
        logger.info("Reading /users/me after an OAuth grant failed: %s", error)
        raise OAuthConnectError(
            _(
                "Zoom authorized the connection but did not tell who the user is (%(error)s). Nothing was stored."
            )
            % {"error": getattr(error, "message", "") or error.__class__.__name__}
        ) from None
    try:
        return _store_grant(grant, me, client_id=app.client_id)
    except ValidationError as error:
        raise OAuthConnectError(" ".join(error.messages) + " " + _("Nothing was stored.")) from None


@transaction.atomic
def _store_grant(grant: "oauth.TokenGrant", me: dict, *, client_id: str) -> ConnectResult:
    email = (me.get("email") or "").strip()
    zoom_user_id = str(me.get("id") or "")
    if not email or not zoom_user_id:
        raise OAuthConnectError(_("Zoom did not give the user's email, so nothing was stored."))
    account_id = me.get("account_id") or ""
    existing = (
        Credential.objects.select_for_update()
        .filter(kind=Credential.Kind.OAUTH, zoom_user_id=zoom_user_id)
        .first()
        or Credential.objects.select_for_update().filter(name=email).first()
    )
    if existing is None:
        credential = credential_create(
            kind=Credential.Kind.OAUTH,
            name=email,
            account_id=account_id,
            client_id=client_id,
            access_token=grant.access_token,
            refresh_token=grant.refresh_token or "",
            token_expires_at=expires_at(grant.expires_in),
            scope=grant.scope or "",
            zoom_user_id=zoom_user_id,
        )
        return ConnectResult(credential=credential, created=True)
    if existing.kind != Credential.Kind.OAUTH:
        raise OAuthConnectError(
            _(
                "A Server-to-Server Zoom account is already named “%(name)s”; rename it before "
                "connecting this Zoom user. Nothing was stored."
            )
            % {"name": email}
        )
    existing.name = email
    existing.account_id = account_id or existing.account_id
    existing.client_id = client_id
    existing.client_secret = None  # the "Connect with Zoom" app's secret comes from its configuration
    existing.access_token = grant.access_token
    existing.refresh_token = grant.refresh_token or None
    existing.token_expires_at = expires_at(grant.expires_in)
    existing.scope = grant.scope or ""
    existing.zoom_user_id = zoom_user_id
    existing.status = Credential.Status.ACTIVE
    existing.last_error = ""
    credential_validate(
        kind=existing.kind,
        name=existing.name,
        account_id=existing.account_id,
        client_id=existing.client_id,
        access_token=existing.access_token,
        is_master_account=existing.is_master_account,
        exclude_pk=existing.pk,
    )
    existing.save()
    return ConnectResult(credential=existing, created=False)
