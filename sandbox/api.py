"""The pipeline every /v2 call goes through: bearer token, scope, rate limit, then the handler."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox import errors, scopes
from sandbox.models import AccessToken, Account, App, User
from sandbox.router import Request, Response, Router
from zoomhub.zoom.limits import category_for

if TYPE_CHECKING:
    from sandbox.server import Sandbox

API_PREFIX = "/v2"


@dataclass
class Call:
    request: Request
    token: AccessToken
    app: App
    account: Account  # whose rate budget the call spends: the token's account


ApiHandler = Callable[[Call], Response]


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return ""


def valid_token(sb: "Sandbox", value: str) -> AccessToken | None:
    with sb.state.lock:
        token = sb.state.access_tokens.get(value)
        if token is None or token.revoked or token.expires_at <= sb.state.clock.time():
            return None
        return token


def add(router: Router, sb: "Sandbox", method: str, pattern: str, handler: ApiHandler) -> None:
    key = f"{method} {pattern}"

    def wrapped(request: Request) -> Response:
        token = valid_token(sb, bearer_token(request))
        if token is None:
            return errors.invalid_access_token()
        app = sb.state.apps.get(token.client_id)
        account = sb.state.accounts.get(token.account_id)
        if app is None or account is None:
            return errors.invalid_access_token()
        needed = scopes.missing(key, token.scopes)
        if needed:
            return errors.missing_scopes(needed)
        category = category_for(method, request.raw_path.removeprefix(API_PREFIX))
        limit_headers: dict[str, str] = {}
        if sb.state.settings.rate_limits:
            with sb.state.lock:
                verdict = sb.limiter.check(account_id=account.id, plan=account.plan, category=category)
            if not verdict.allowed:
                return Response.json(verdict.body, status=429, headers=verdict.headers)
            limit_headers = verdict.headers
        response = handler(Call(request, token, app, account))
        if not response.without_rate_limit_headers:
            for name, value in limit_headers.items():
                response.headers.setdefault(name, value)
        return response

    router.add(method, pattern, wrapped)


def resolve_user(sb: "Sandbox", call: Call, ref: str) -> User | Response:
    """A user the token may see: `me`, an id or an email; Zoom's 1001 when there is none."""
    state = sb.state
    with state.lock:
        if ref == "me":
            user = state.users.get(call.token.user_id) if call.token.user_id else _owner(sb, call.account)
        else:
            user = state.find_user(ref)
        if user is None:
            return errors.user_not_found(ref)
        if call.token.user_id and user.id != call.token.user_id:
            # A user-OAuth token sees only the user who granted it.
            return errors.zoom_error(400, 200, "No permission.")
        owner_account = state.accounts.get(user.account_id)
        visible = user.account_id == call.account.id or (
            owner_account is not None and owner_account.master_id == call.account.id
        )
        if not visible:
            return errors.user_not_found(ref)
        return user


def _owner(sb: "Sandbox", account: Account) -> User | None:
    users = sb.state.account_users(account.id)
    return next((u for u in users if u.email == account.owner_email), users[0] if users else None)


def request_json(call: Call):
    """The request's parsed JSON body, or Zoom's 400 when it is not JSON."""
    try:
        return call.request.json()
    except ValueError:
        return errors.bad_request("Request Body should be a valid JSON object.")


def page_size(request: Request, *, default: int = 30, maximum: int = 300) -> int | Response:
    raw = request.query.get("page_size", "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        return errors.bad_request("Invalid field.", code=300)
    if value < 1:
        return errors.bad_request("Invalid field.", code=300)
    return min(value, maximum)


def invalid_page_token() -> Response:
    return errors.bad_request("The next page token is invalid or expired.", code=300)
