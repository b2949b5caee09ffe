"""zoom.us/oauth: the token endpoint (S2S, code, refresh), the consent page, revoke.

https://developers.zoom.us/docs/internal-apps/s2s-oauth/ and
https://developers.zoom.us/docs/integrations/oauth/ — error bodies as Zoom sends them
({"reason": ..., "error": ...}); a used refresh token is refused with invalid_grant.
"""

import base64
import binascii
import hashlib
import hmac
import html
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from sandbox.errors import oauth_error
from sandbox.models import AccessToken, App, AuthorizationCode, RefreshToken
from sandbox.router import Request, Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox


def routes(sb: "Sandbox") -> Router:
    router = Router()
    router.add("POST", "/oauth/token", lambda r: token(sb, r))
    router.add("GET", "/oauth/authorize", lambda r: authorize_page(sb, r))
    router.add("POST", "/oauth/authorize", lambda r: authorize_decision(sb, r))
    router.add("POST", "/oauth/revoke", lambda r: revoke(sb, r))
    return router


def client_from_basic_auth(sb: "Sandbox", request: Request) -> App | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, client_secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    app = sb.state.apps.get(client_id)
    if app is None or not hmac.compare_digest(app.client_secret.encode(), client_secret.encode()):
        return None
    return app


def token(sb: "Sandbox", request: Request) -> Response:
    params = {**request.query, **request.form()}
    app = client_from_basic_auth(sb, request)
    if app is None:
        return oauth_error("invalid_client", "Invalid client_id or client_secret")
    grant_type = params.get("grant_type", "")
    with sb.state.lock:
        if grant_type == "account_credentials":
            return _account_credentials(sb, app, params.get("account_id", ""))
        if grant_type == "authorization_code":
            return _authorization_code(sb, app, params)
        if grant_type == "refresh_token":
            return _refresh(sb, app, params.get("refresh_token", ""))
    return oauth_error("unsupported_grant_type", "Unsupported grant type")


def _account_credentials(sb: "Sandbox", app: App, account_id: str) -> Response:
    state = sb.state
    if app.kind != "server_to_server":
        return oauth_error("unsupported_grant_type", "Unsupported grant type")
    account = state.accounts.get(account_id)
    # A master account's app may ask for a token of one of its sub-accounts.
    allowed = account is not None and (account.id == app.account_id or account.master_id == app.account_id)
    if not allowed:
        return oauth_error("invalid_request", "Invalid account_id")
    if state.settings.s2s_single_token:
        for old in state.access_tokens.values():
            if old.client_id == app.client_id and old.account_id == account_id:
                old.revoked = True
    access = _issue_access(sb, app, account_id=account_id, user_id=None, scopes=set(app.scopes), grant_id="")
    return Response.json(
        {
            "access_token": access.token,
            "token_type": "bearer",
            "expires_in": state.settings.token_lifetime,
            "scope": " ".join(sorted(access.scopes)),
            "api_url": sb.base_url,
        }
    )


def _issue_access(sb, app, *, account_id, user_id, scopes, grant_id) -> AccessToken:
    state = sb.state
    access = AccessToken(
        token=secrets.token_urlsafe(48),
        client_id=app.client_id,
        account_id=account_id,
        user_id=user_id,
        scopes=scopes,
        expires_at=state.clock.time() + state.settings.token_lifetime,
        grant_id=grant_id,
    )
    state.access_tokens[access.token] = access
    return access


def _user_token_answer(sb, app, *, user_id: str, scopes: set[str], grant_id: str) -> Response:
    state = sb.state
    user = state.users[user_id]
    access = _issue_access(
        sb, app, account_id=user.account_id, user_id=user_id, scopes=scopes, grant_id=grant_id
    )
    refresh = RefreshToken(
        token=secrets.token_urlsafe(48),
        client_id=app.client_id,
        account_id=user.account_id,
        user_id=user_id,
        scopes=scopes,
        grant_id=grant_id,
    )
    state.refresh_tokens[refresh.token] = refresh
    return Response.json(
        {
            "access_token": access.token,
            "token_type": "bearer",
            "refresh_token": refresh.token,
            "expires_in": state.settings.token_lifetime,
            "scope": " ".join(sorted(scopes)),
            "api_url": sb.base_url,
        }
    )


def _authorization_code(sb: "Sandbox", app: App, params: dict[str, str]) -> Response:
    state = sb.state
    code = state.codes.get(params.get("code", ""))
    invalid = oauth_error("invalid_grant", "Invalid authorization code")
    if code is None or code.client_id != app.client_id or code.used:
        return invalid
    if code.expires_at < state.clock.time():
        return invalid
    if params.get("redirect_uri", "") != code.redirect_uri:
        return oauth_error("invalid_request", "Redirect URI mismatch.")
    if code.code_challenge and not _pkce_matches(code, params.get("code_verifier", "")):
        return invalid
    code.used = True
    return _user_token_answer(
        sb, app, user_id=code.user_id, scopes=set(app.scopes), grant_id=secrets.token_hex(8)
    )


def _pkce_matches(code: AuthorizationCode, verifier: str) -> bool:
    if not verifier:
        return False
    if code.code_challenge_method.upper() == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    else:
        expected = verifier
    return hmac.compare_digest(expected.encode(), code.code_challenge.encode())


def _refresh(sb: "Sandbox", app: App, refresh_token: str) -> Response:
    state = sb.state
    refresh = state.refresh_tokens.get(refresh_token)
    if refresh is None or refresh.client_id != app.client_id or refresh.used or refresh.revoked:
        return oauth_error("invalid_grant", "Invalid Token!")
    # Zoom rotates: the refresh token just used stops working for good.
    refresh.used = True
    return _user_token_answer(
        sb, app, user_id=refresh.user_id, scopes=refresh.scopes, grant_id=refresh.grant_id
    )


def revoke(sb: "Sandbox", request: Request) -> Response:
    app = client_from_basic_auth(sb, request)
    if app is None:
        return oauth_error("invalid_client", "Invalid client_id or client_secret")
    value = request.query.get("token") or request.form().get("token", "")
    with sb.state.lock:
        found = sb.state.access_tokens.get(value) or sb.state.refresh_tokens.get(value)
        if found is None or found.client_id != app.client_id:
            return oauth_error("invalid_request", "Invalid Token!")
        revoke_grant(sb, found)
    return Response.json({"status": "success"})


def revoke_grant(sb: "Sandbox", found: AccessToken | RefreshToken) -> None:
    """Revoking one token of a user authorization revokes the whole authorization."""
    state = sb.state
    found.revoked = True
    if not found.grant_id:
        return
    for item in [*state.access_tokens.values(), *state.refresh_tokens.values()]:
        if item.grant_id == found.grant_id:
            item.revoked = True


def revoke_user_grants(sb: "Sandbox", *, client_id: str, user_id: str) -> int:
    """The user removed the app: every token of that user for that app dies."""
    count = 0
    with sb.state.lock:
        for item in [*sb.state.access_tokens.values(), *sb.state.refresh_tokens.values()]:
            if item.client_id == client_id and item.user_id == user_id and not item.revoked:
                item.revoked = True
                count += 1
    return count


# The consent page ---------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Zoom sandbox: authorize {app_name}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}button{{margin-right:1rem;padding:.5rem 1.5rem}}</style>
</head><body>
<p><strong>Zoom sandbox</strong> — not the real Zoom.</p>
<h1>{app_name} would like to access your Zoom account</h1>
<form method="post" action="{action}">
{hidden}
<label>Sign in as <select name="user_id">{options}</select></label>
<p>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</p>
</form>
</body></html>
"""

FORWARDED = ("response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method")


def _check_client(sb: "Sandbox", params: dict[str, str]) -> tuple[App | None, Response | None]:
    app = sb.state.apps.get(params.get("client_id", ""))
    if app is None or app.kind != "oauth":
        return None, _error_page("Invalid client_id (4700).")
    if params.get("response_type", "code") != "code":
        return None, _error_page("Unsupported response_type.")
    if params.get("redirect_uri", "") not in app.redirect_uris:
        return None, _error_page("Invalid redirect: the redirect_uri is not on the app's allow list (4709).")
    method = params.get("code_challenge_method", "")
    if params.get("code_challenge") and method and method.upper() not in ("S256", "PLAIN"):
        return None, _error_page("Unsupported code_challenge_method.")
    return app, None


def _error_page(message: str) -> Response:
    return Response.html(f"<!doctype html><title>Zoom sandbox</title><p>{html.escape(message)}</p>", 400)


def authorize_page(sb: "Sandbox", request: Request) -> Response:
    app, error = _check_client(sb, request.query)
    if error:
        return error
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{html.escape(request.query.get(name, ""))}">'
        for name in FORWARDED
    )
    with sb.state.lock:
        users = sorted(sb.state.users.values(), key=lambda u: u.email)
    options = "".join(f'<option value="{html.escape(u.id)}">{html.escape(u.email)}</option>' for u in users)
    return Response.html(
        PAGE.format(app_name=html.escape(app.name), action="/oauth/authorize", hidden=hidden, options=options)
    )


def authorize_decision(sb: "Sandbox", request: Request) -> Response:
    form = request.form()
    app, error = _check_client(sb, form)
    if error:
        return error
    redirect_uri = form["redirect_uri"]
    answer: dict[str, str] = {}
    if form.get("decision") == "allow":
        user = sb.state.users.get(form.get("user_id", ""))
        if user is None:
            return _error_page("Choose a user to sign in as.")
        code = AuthorizationCode(
            code=secrets.token_urlsafe(24),
            client_id=app.client_id,
            user_id=user.id,
            redirect_uri=redirect_uri,
            code_challenge=form.get("code_challenge", ""),
            code_challenge_method=form.get("code_challenge_method", "") or "plain",
            expires_at=sb.state.clock.time() + sb.state.settings.code_lifetime,
        )
        with sb.state.lock:
            sb.state.codes[code.code] = code
        answer["code"] = code.code
    else:
        answer["error"] = "access_denied"
    if form.get("state"):
        answer["state"] = form["state"]
    return Response.redirect(_with_query(redirect_uri, answer))


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(extra)}" if parts.query else urlencode(extra)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
