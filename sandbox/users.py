"""/v2/users and /v2/accounts (sub-accounts of a master account)."""

from typing import TYPE_CHECKING

from sandbox import api, errors
from sandbox.router import Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox


def routes(sb: "Sandbox") -> Router:
    router = Router()
    api.add(router, sb, "GET", "/v2/users", lambda c: list_users(sb, c))
    api.add(router, sb, "GET", "/v2/users/{userId}", lambda c: get_user(sb, c))
    api.add(router, sb, "GET", "/v2/accounts", lambda c: list_accounts(sb, c))
    api.add(router, sb, "GET", "/v2/accounts/{accountId}/users", lambda c: list_sub_account_users(sb, c))
    return router


def _numbered_page(sb, call, key: str, items: list, items_key: str) -> Response:
    """Zoom's older list shape: page_number and page_count beside next_page_token."""
    size = api.page_size(call.request, maximum=min(300, max(1, sb.state.settings.max_page_size)))
    if isinstance(size, Response):
        return size
    token = call.request.query.get("next_page_token", "")
    if not token and call.request.query.get("page_number"):
        try:
            number = max(1, int(call.request.query["page_number"]))
        except ValueError:
            return errors.bad_request("Invalid field.")
        chunk, next_token = items[(number - 1) * size : number * size], ""
    else:
        paged = sb.state.page(key, items, page_size=size, token=token or None)
        if paged is None:
            return api.invalid_page_token()
        chunk, next_token = paged
        number = 1
    return Response.json(
        {
            "page_count": max(1, -(-len(items) // size)),
            "page_number": number,
            "page_size": size,
            "total_records": len(items),
            "next_page_token": next_token,
            items_key: chunk,
        }
    )


def list_users(sb: "Sandbox", call: api.Call) -> Response:
    status = call.request.query.get("status", "active")
    with sb.state.lock:
        users = [u.as_zoom() for u in sb.state.account_users(call.account.id) if u.status == status]
    users.sort(key=lambda u: u["email"])
    return _numbered_page(sb, call, f"users:{call.account.id}:{status}", users, "users")


def get_user(sb: "Sandbox", call: api.Call) -> Response:
    user = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(user, Response):
        return user
    return Response.json(user.as_zoom())


def list_accounts(sb: "Sandbox", call: api.Call) -> Response:
    with sb.state.lock:
        accounts = [a.as_zoom() for a in sb.state.sub_accounts(call.account.id)]
    if not call.account.is_master:
        return errors.zoom_error(400, 200, "No privilege.")
    accounts.sort(key=lambda a: a["account_name"])
    return _numbered_page(sb, call, f"accounts:{call.account.id}", accounts, "accounts")


def list_sub_account_users(sb: "Sandbox", call: api.Call) -> Response:
    """A master account's view of one sub-account's users (Zoom's master-account API)."""
    if not call.account.is_master:
        return errors.zoom_error(400, 200, "No privilege.")
    sub_account_id = call.request.params["accountId"]
    status = call.request.query.get("status", "active")
    with sb.state.lock:
        owned = {a.id for a in sb.state.sub_accounts(call.account.id)}
        if sub_account_id not in owned:
            return errors.zoom_error(404, 2001, f"Account does not exist: {sub_account_id}.")
        users = [u.as_zoom() for u in sb.state.account_users(sub_account_id) if u.status == status]
    users.sort(key=lambda u: u["email"])
    return _numbered_page(sb, call, f"users:{sub_account_id}:{status}", users, "users")
