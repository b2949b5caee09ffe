"""Zoom's OAuth endpoints: the user "Connect with Zoom" flow (PKCE S256), refresh, revoke, and
Server-to-Server tokens. https://developers.zoom.us/docs/integrations/oauth/

Every call authenticates the app with HTTP Basic `client_id:client_secret`. These functions make one
request each and never retry: a token request that timed out may still have rotated a refresh
token, so the caller decides (`request_may_have_succeeded` says when that can be the case).
Nothing here logs or puts a token or secret into an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from . import transport
from .answers import body_of, parse_retry_after, redact
from .errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomClientRejected,
    ZoomConnectionError,
    ZoomError,
    ZoomRateLimited,
    ZoomReauthorizationRequired,
    ZoomServerError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_in: int
    scope: str
    token_type: str = "bearer"
    refresh_token: str | None = None
    api_url: str | None = None

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())

    def __repr__(self) -> str:  # the dataclass default would print the tokens
        return (
            f"TokenGrant(expires_in={self.expires_in}, scope={self.scope!r}, token_type={self.token_type!r})"
        )


def new_pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge) for PKCE with S256 (RFC 7636): 86 URL-safe characters."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def authorization_url(*, client_id: str, redirect_uri: str, state: str, code_challenge: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{transport.Config.load().oauth_base_url}/authorize?{query}"


def exchange_code(
    *, client_id: str, client_secret: str, code: str, redirect_uri: str, code_verifier: str
) -> TokenGrant:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    answer = _token_endpoint(
        "token", client_id=client_id, client_secret=client_secret, data=data, hide=(code, code_verifier)
    )
    return _grant(answer)


def refresh_access_token(*, client_id: str, client_secret: str, refresh_token: str) -> TokenGrant:
    """A new access token AND a new refresh token; the old refresh token stops working at once.

    Zoom's answer is the only copy of the new refresh token, so this call waits for it longer
    than for an API answer (ZOOM_OAUTH_READ_TIMEOUT): giving up on a slow answer would lose it.
    """
    answer = _token_endpoint(
        "token",
        client_id=client_id,
        client_secret=client_secret,
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        hide=(refresh_token,),
        read_timeout=transport.Config.load().oauth_read_timeout,
    )
    return _grant(answer)


def revoke_token(*, client_id: str, client_secret: str, token: str) -> None:
    # Documented as `POST https://zoom.us/oauth/revoke?token=...` with Basic auth.
    _token_endpoint(
        "revoke", client_id=client_id, client_secret=client_secret, params={"token": token}, hide=(token,)
    )


def request_server_to_server_token(*, account_id: str, client_id: str, client_secret: str) -> TokenGrant:
    # Documented as `POST https://zoom.us/oauth/token?grant_type=account_credentials&account_id=...`.
    answer = _token_endpoint(
        "token",
        client_id=client_id,
        client_secret=client_secret,
        params={"grant_type": "account_credentials", "account_id": account_id},
    )
    return _grant(answer)


def _grant(answer: dict) -> TokenGrant:
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise ZoomAuthError("Zoom's token answer holds no access token.")
    try:
        expires_in = int(answer.get("expires_in") or 3600)
    except (TypeError, ValueError):
        expires_in = 3600
    return TokenGrant(
        access_token=token,
        expires_in=expires_in,
        scope=str(answer.get("scope") or ""),
        token_type=str(answer.get("token_type") or "bearer"),
        refresh_token=answer.get("refresh_token") or None,
        api_url=answer.get("api_url") or None,
    )


def _token_endpoint(
    endpoint: str,
    *,
    client_id: str,
    client_secret: str,
    data: dict | None = None,
    params: dict | None = None,
    hide: tuple[str | None, ...] = (),
    read_timeout: float | None = None,
) -> dict:
    config = transport.Config.load()
    timeout = config.timeout if read_timeout is None else (config.connect_timeout, read_timeout)
    url = f"{config.oauth_base_url}/{endpoint}"
    hidden = (client_secret, *hide)
    try:
        response = transport.session().post(
            url, data=data, params=params, auth=(client_id, client_secret), timeout=timeout
        )
    except requests.ConnectTimeout:
        raise ZoomConnectionError(f"Could not connect to Zoom's OAuth server ({endpoint}).") from None
    except requests.RequestException as exc:
        # The answer was lost: Zoom may have issued (and rotated) tokens all the same.
        raise ZoomConnectionError(
            f"No answer from Zoom's OAuth server ({endpoint}): {exc.__class__.__name__}.",
            request_may_have_succeeded=True,
        ) from None
    if 200 <= response.status_code < 300:
        return body_of(response)
    raise _oauth_error(response, endpoint=endpoint, hide=hidden)


def _oauth_error(response: requests.Response, *, endpoint: str, hide: tuple) -> ZoomError:
    """Zoom's OAuth errors: {"reason": "Invalid Token!", "error": "invalid_grant"} (reason optional)."""
    status = response.status_code
    body = body_of(response)
    error = str(body.get("error") or "")
    reason = str(body.get("reason") or body.get("message") or body.get("error_description") or "")
    code = body.get("code") if isinstance(body.get("code"), int) else None
    text = redact(f"{reason or response.reason or 'refused'} ({error})" if error else reason, hide)
    text = f"Zoom OAuth {endpoint}: {text or response.reason or status}"
    common = {"status": status, "code": code}
    logger.warning("Zoom OAuth %s answered %s %s", endpoint, status, error or "-")
    # Decided on status family and `error`, never on `reason`: the reason text varies or is missing.
    if status in (400, 401) and error == "invalid_grant":
        return ZoomReauthorizationRequired(text, **common)
    if status == 429:
        retry_after, _ = parse_retry_after(response.headers.get("Retry-After"), time.time())
        return ZoomRateLimited(text, retry_after=retry_after, **common)
    if status >= 500:
        return ZoomServerError(text, request_may_have_succeeded=True, **common)
    if error in ("invalid_client", "unauthorized_client"):
        return ZoomClientRejected(text, **common)
    if status in (401, 403) or error == "access_denied":
        return ZoomAuthError(text, **common)
    return ZoomBadRequest(text, **common)
