"""The events the webhooks app handles itself: Zoom's app_deauthorized and user events, which
are about a connected account rather than a product app's data, so `accounts` does the work
(it imports no other app, so it cannot register them itself).
"""

from accounts import services as account_services
from accounts.models import Credential


def app_deauthorized(*, event_type: str, body: dict, credential: Credential | None) -> None:
    """A Zoom user removed our OAuth app: accounts revokes that connection and deletes its tokens.

    The event names the user, the account and the app (payload.user_id, account_id, client_id,
    https://developers.zoom.us/docs/api/rest/webhook-reference/app-marketplace-events/).
    """
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    account_services.credential_deauthorize(
        zoom_user_id=str(payload.get("user_id") or ""),
        account_id=str(payload.get("account_id") or ""),
        client_id=str(payload.get("client_id") or ""),
        deauthorized_at=str(payload.get("deauthorization_time") or ""),
    )


USER_EVENTS = ("user.created", "user.updated", "user.deleted", "user.activated", "user.deactivated")


def zoom_user_changed(*, event_type: str, body: dict, credential: Credential | None) -> None:
    """A user was added, changed, deleted, activated or deactivated in Zoom: the stored Zoom user
    follows at once instead of at the next nightly refresh, so a deactivated host's lessons are
    flagged on the dashboard the moment Zoom says so.

    https://developers.zoom.us/docs/api/users/events/
    """
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    account_services.zoom_user_apply_event(event_type=event_type, payload=payload, credential=credential)
